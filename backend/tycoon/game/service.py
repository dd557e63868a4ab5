"""Load a player, bring the state to now, apply an action, save it — with optimistic retries.

Concurrent requests of one player are serialised by the store's version check: a request whose save finds a
newer version reloads, re-applies its action to the fresh state (which may now refuse it, e.g. for money) and
tries again. So with money for one purchase, any number of simultaneous purchases give exactly one success.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tycoon.catalogue.cache import CatalogueCache
from tycoon.errors import Contention, UserGone
from tycoon.observability.metrics import ACTIONS
from tycoon.players.codec import loads
from tycoon.players.store import LoadedPlayer, PlayerStore, Presence, SessionPrincipal
from tycoon.rules.catalogue import Catalogue
from tycoon.rules.simulation import advance
from tycoon.rules.state import PlayerState

T = TypeVar("T")
MAX_ATTEMPTS = 40


@dataclass(slots=True)
class Player:
    """The authenticated player of one request, with the state brought to `now`."""

    principal: SessionPrincipal
    loaded: LoadedPlayer
    state: PlayerState
    now: float

    @property
    def user_id(self) -> str:
        return self.principal.user_id


class SeededLater:
    """A random.Random seeded only at its first draw: seeding costs ~5 µs, and most settlings draw nothing."""

    __slots__ = ("_rng", "_seed")

    def __init__(self, seed: str) -> None:
        self._seed = seed
        self._rng: random.Random | None = None

    def expovariate(self, lambd: float) -> float:
        if self._rng is None:
            self._rng = random.Random(self._seed)
        return self._rng.expovariate(lambd)


def settled_state(
    loaded: LoadedPlayer, catalogue: Catalogue, now: float, produce_until: float
) -> PlayerState:
    state = loads(loaded.doc)
    # Seeded by the settled state, so every read of it agrees on the next supercoin drop.
    advance(state, catalogue, now, produce_until, SeededLater(f"{state.user_id}:{state.settled_at}"))
    state.play_time_ms = loaded.play_time_ms
    return state


@dataclass(slots=True)
class Game:
    store: PlayerStore
    catalogue: CatalogueCache
    presence: Presence

    def settle(self, loaded: LoadedPlayer, now: float) -> PlayerState:
        """The stored state brought to `now` for a request (the player is here, so no cap unless away)."""
        produce_until = math.inf
        if loaded.away_since_ms is not None:
            produce_until = loaded.away_since_ms / 1000 + self.presence.offline_cap_s
        return settled_state(loaded, self.catalogue.current, now, produce_until)

    def settle_unattended(self, loaded: LoadedPlayer, now: float) -> PlayerState:
        """The state at `now` of a player who may have left after their last request: for what is not the
        player's own request (scheduled jobs, an admin's reward, the login answer), which counts no presence."""
        if loaded.away_since_ms is not None:
            produce_until = loaded.away_since_ms / 1000 + self.presence.offline_cap_s
        elif loaded.last_seen_ms and now * 1000 - loaded.last_seen_ms > self.presence.play_window_ms:
            produce_until = loaded.last_seen_ms / 1000 + self.presence.offline_cap_s
        else:
            produce_until = math.inf  # still playing
        return settled_state(loaded, self.catalogue.current, now, produce_until)

    async def act(self, player: Player, action: Callable[[PlayerState], T]) -> T:
        """Apply `action` to the player's state and save it; GameErrors from the action propagate unsaved."""
        for _ in range(MAX_ATTEMPTS):
            result = action(player.state)
            version = await self.store.save(player.loaded, player.state, int(player.now * 1000))
            if version is not None:
                player.loaded.version = version
                player.loaded.away_since_ms = None
                ACTIONS.labels(action=action_name(action)).inc()
                return result
            await asyncio.sleep(random.uniform(0, 0.005))
            await self._reload(player)
        raise Contention()

    async def act_on_user(self, user_id: str, action: Callable[[PlayerState], T]) -> T:
        """Apply an action to another player's state (an admin granting a reward): a player who left produces no
        longer than the offline cap, as their own next request will see it."""
        loaded = await self.store.load(user_id)
        if loaded is None:
            raise UserGone()
        now = time.time()
        player = Player(SessionPrincipal(user_id, False), loaded, self.settle_unattended(loaded, now), now)
        return await self.act(player, action)

    async def _reload(self, player: Player) -> None:
        """The stored state again, after a concurrent save. `settle_unattended` serves a player's own request too:
        the reload reads the presence the request's session script has just written."""
        loaded = await self.store.load(player.user_id)
        if loaded is None:
            raise UserGone()
        player.now = max(player.now, time.time())
        player.loaded = loaded
        player.state = self.settle_unattended(loaded, player.now)

    async def settle_absence(self, player: Player) -> None:
        """After an absence longer than the production window, store the capped state once (best effort)."""
        version = await self.store.save(player.loaded, player.state, int(player.now * 1000))
        if version is not None:
            player.loaded.version = version
            player.loaded.away_since_ms = None


def action_name(action: Callable[..., object]) -> str:
    """The metrics label of an action: the function that defined it (an endpoint's lambda is named after the
    endpoint: `place_generator.<locals>.<lambda>` → `place_generator`)."""
    return getattr(action, "__qualname__", "action").split(".<locals>", 1)[0]
