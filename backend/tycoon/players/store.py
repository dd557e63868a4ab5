"""Where player state lives. The game service talks to a `PlayerStore` and does not know which one it is.

Both stores keep per player: a version (optimistic concurrency), the state document, the server-measured play
time, when the player was last seen, and `away_since` — the last request before an absence longer than the
production window, until a save settles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tycoon.rules.state import PlayerState


@dataclass(frozen=True, slots=True)
class Presence:
    """The two windows that decide what counts as playing (settings)."""

    play_window_ms: int  # a gap up to this between two requests is playing (play time, full production)
    offline_cap_ms: int  # after a longer gap, production went on this long after the last request

    @property
    def offline_cap_s(self) -> float:
        return self.offline_cap_ms / 1000


@dataclass(slots=True)
class LoadedPlayer:
    user_id: str
    version: int
    doc: str
    play_time_ms: int
    away_since_ms: int | None
    last_seen_ms: int = 0


@dataclass(frozen=True, slots=True)
class SessionPrincipal:
    user_id: str
    is_admin: bool

    @classmethod
    def parse(cls, session_value: str) -> SessionPrincipal:
        """Session values are "user_id|admin flag|…" (auth/sessions.py)."""
        user_id, admin, *_ = session_value.split("|")
        return cls(user_id, admin == "1")


@dataclass(frozen=True, slots=True)
class SessionLoad:
    principal: SessionPrincipal
    loaded: LoadedPlayer | None  # None: the session exists but its player is gone
    rank: int | None = None  # 1-based position in the ranking asked for, None if not asked or not ranked


class PlayerStore(Protocol):
    async def load_for_session(
        self, token_hash: str, now_ms: int, client_ip: str, rank_in: str | None = None
    ) -> SessionLoad | None:
        """Resolve an access token and load its player, counting the request as presence and against the
        rate limits of the client IP and of the player (raises RateLimited); with `rank_in` (a ranking's
        sorted set), also the player's position in it. None: no such session.
        """
        ...

    async def load(self, user_id: str) -> LoadedPlayer | None:
        """Reload for an optimistic retry (no presence update)."""
        ...

    async def save(self, loaded: LoadedPlayer, state: PlayerState, now_ms: int) -> int | None:
        """Write `state` if the stored version is still `loaded.version`; the new version, or None on conflict."""
        ...

    async def load_many(self, user_ids: list[str]) -> list[LoadedPlayer]:
        """Players as stored, for the scheduled ranking refresh (missing ones left out)."""
        ...

    async def forget(self, user_id: str) -> None:
        """Drop any cached copy and bar reloading one from PostgreSQL for a while (the account is being deleted:
        a request in flight must not bring the player back between this and the rows' deletion)."""
        ...

    async def remember(self, user_id: str) -> None:
        """Lift `forget`'s bar (the account's deletion failed: it stays playable)."""
        ...
