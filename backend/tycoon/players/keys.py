"""Redis key names shared by the stores, the sessions and the jobs."""

from __future__ import annotations

DIRTY = "players:dirty"  # zset user_id → ms of the oldest change not yet in PostgreSQL
ACTIVE = "players:active"  # zset user_id → ms of the last request
PLAYER_TTL_SECONDS = 7 * 24 * 3600


def player(user_id: str) -> str:
    return f"player:{user_id}"


def gone(user_id: str) -> str:
    """Set while an account is being deleted: its player may not be reloaded into Redis."""
    return f"gone:{user_id}"


GONE_TTL_SECONDS = 600  # far longer than any request that could still be reloading the player


def session(token_hash: str) -> str:
    return f"sess:{token_hash}"


def refresh(token_hash: str) -> str:
    return f"refresh:{token_hash}"


def user_sessions(user_id: str) -> str:
    return f"usess:{user_id}"
