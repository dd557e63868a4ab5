"""All SQL about players: the system of record for the Redis store and the whole store in postgres mode."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tycoon.players.store import LoadedPlayer


@dataclass(frozen=True, slots=True)
class PlayerRecord:
    user_id: str
    version: int
    doc: str
    play_time_ms: int
    last_seen_ms: int
    away_since_ms: int | None

    def loaded(self) -> LoadedPlayer:
        return LoadedPlayer(
            self.user_id, self.version, self.doc, self.play_time_ms, self.away_since_ms, self.last_seen_ms
        )


_COLUMNS = "user_id, version, doc::text AS doc, play_time_ms, last_seen_ms, away_since_ms"


async def fetch_player(engine: AsyncEngine, user_id: str) -> PlayerRecord | None:
    async with engine.connect() as conn:
        row = (
            await conn.execute(text(f"SELECT {_COLUMNS} FROM players WHERE user_id = :uid"), {"uid": user_id})
        ).first()
    return None if row is None else PlayerRecord(*row)


async def fetch_players(engine: AsyncEngine, user_ids: list[str]) -> list[PlayerRecord]:
    query = text(f"SELECT {_COLUMNS} FROM players WHERE user_id = ANY(CAST(:ids AS varchar[]))")
    async with engine.connect() as conn:
        rows = (await conn.execute(query, {"ids": user_ids})).all()
    return [PlayerRecord(*row) for row in rows]


async def insert_player(conn: AsyncConnection, user_id: str, doc: str, now_ms: int) -> None:
    await conn.execute(
        text(
            "INSERT INTO players (user_id, version, doc, play_time_ms, last_seen_ms)"
            " VALUES (:uid, 1, CAST(:doc AS jsonb), 0, :now)"
        ),
        {"uid": user_id, "doc": doc, "now": now_ms},
    )


_TOUCH = text(
    f"""
    UPDATE players SET
      play_time_ms = play_time_ms + CASE WHEN :now - last_seen_ms BETWEEN 1 AND :play_window
                                         THEN :now - last_seen_ms ELSE 0 END,
      away_since_ms = CASE WHEN :now - last_seen_ms > :away_after AND away_since_ms IS NULL
                           THEN last_seen_ms ELSE away_since_ms END,
      last_seen_ms = GREATEST(last_seen_ms, :now)
    WHERE user_id = :uid
    RETURNING {_COLUMNS}
    """
)


async def touch_player(
    engine: AsyncEngine, user_id: str, now_ms: int, play_window_ms: int, away_after_ms: int
) -> PlayerRecord | None:
    """Count this request as presence and return the row, in one statement."""
    params = {
        "uid": user_id,
        "now": now_ms,
        "play_window": play_window_ms,
        "away_after": away_after_ms,
    }
    async with engine.begin() as conn:
        row = (await conn.execute(_TOUCH, params)).first()
    return None if row is None else PlayerRecord(*row)


_SAVE = text(
    """
    UPDATE players SET version = version + 1, doc = CAST(:doc AS jsonb),
      away_since_ms = CASE WHEN :clear_away THEN NULL ELSE away_since_ms END
    WHERE user_id = :uid AND version = :expected
    RETURNING version
    """
)


async def save_player(
    engine: AsyncEngine, user_id: str, expected: int, doc: str, clear_away: bool
) -> int | None:
    params = {"uid": user_id, "expected": expected, "doc": doc, "clear_away": clear_away}
    async with engine.begin() as conn:
        version = (await conn.execute(_SAVE, params)).scalar()
    return None if version is None else int(version)


# A row takes a newer version, or the same version with the same document (play time moves without a new
# version). The UPDATE re-checks a row another flush changed meanwhile against its newest version.
_FLUSH = text(
    """
    UPDATE players AS p SET version = u.version, doc = u.doc, play_time_ms = u.play_time_ms,
      last_seen_ms = u.last_seen_ms, away_since_ms = u.away_since_ms
    FROM (SELECT * FROM unnest(CAST(:ids AS varchar[]), CAST(:versions AS bigint[]), CAST(:docs AS jsonb[]),
                               CAST(:play_times AS bigint[]), CAST(:seens AS bigint[]), CAST(:aways AS bigint[])))
      AS u(user_id, version, doc, play_time_ms, last_seen_ms, away_since_ms)
    WHERE p.user_id = u.user_id AND (p.version < u.version OR (p.version = u.version AND p.doc = u.doc))
    RETURNING p.user_id
    """
)
# The rows that refused, as they are now (a statement of its own: a fresh snapshot, after any flush that the
# UPDATE waited for), with whether each holds the very document that was sent.
_REFUSING = text(
    """
    SELECT p.user_id, p.version, p.doc = u.doc AS same
    FROM players AS p
    JOIN unnest(CAST(:ids AS varchar[]), CAST(:docs AS jsonb[])) AS u(user_id, doc) ON p.user_id = u.user_id
    """
)


@dataclass(frozen=True, slots=True)
class RefusingRow:
    version: int
    same_document: bool


async def write_behind(engine: AsyncEngine, records: Sequence[PlayerRecord]) -> dict[str, RefusingRow]:
    """One statement for the whole batch (a second only when rows refused); versions only move forward, so a
    repeated job is harmless. Returns the rows that refused their copy: PostgreSQL ahead of the copy that was
    read (a faster flush, or a copy older than the record), or the same version with another document
    (persistence.py tells them apart)."""
    params = {
        "ids": [r.user_id for r in records],
        "versions": [r.version for r in records],
        "docs": [r.doc for r in records],
        "play_times": [r.play_time_ms for r in records],
        "seens": [r.last_seen_ms for r in records],
        "aways": [r.away_since_ms for r in records],
    }
    async with engine.begin() as conn:
        written = set((await conn.execute(_FLUSH, params)).scalars())
        refused = [r for r in records if r.user_id not in written]
        if not refused:
            return {}
        rows = await conn.execute(
            _REFUSING, {"ids": [r.user_id for r in refused], "docs": [r.doc for r in refused]}
        )
        return {str(user_id): RefusingRow(int(version), bool(same)) for user_id, version, same in rows}


async def all_players(engine: AsyncEngine) -> list[PlayerRecord]:
    async with engine.connect() as conn:
        rows = (await conn.execute(text(f"SELECT {_COLUMNS} FROM players ORDER BY user_id"))).all()
    return [PlayerRecord(*row) for row in rows]
