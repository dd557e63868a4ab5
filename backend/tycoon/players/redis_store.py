"""Player state hot in Redis, written behind to PostgreSQL by the worker (jobs/persistence.py).

A read is one round trip: a Lua script resolves the session, counts presence and returns the document.
A write is one round trip: a Lua script compares the version, stores the document, marks the player dirty and
updates the rankings. A player missing from Redis is loaded from PostgreSQL and installed.
"""

from __future__ import annotations

from string import Template

from sqlalchemy.ext.asyncio import AsyncEngine

from tycoon.observability.metrics import PLAYER_CACHE_HIT, PLAYER_CACHE_MISS
from tycoon.players import keys, repository
from tycoon.players.codec import dumps
from tycoon.players.store import LoadedPlayer, Presence, SessionLoad, SessionPrincipal
from tycoon.rankings.scores import RankEntry, rank_at, shown_key, zset_key
from tycoon.rankings.service import entries_for
from tycoon.ratelimit.limits import BUCKET_LUA, IP_BUCKET_PREFIX, PLAYER_BUCKET_PREFIX, Limits, address_key
from tycoon.redis import Redis
from tycoon.rules.state import PlayerState

# KEYS: session key, optionally a ranking's sorted set. ARGV: now_ms, client ip, '1' when this request's
# rate-limit tokens were already taken.
# The settings are part of the script's text (fewer arguments to encode on every request): $play_window_ms (a
# gap up to it counts as play time; a longer one records `away` = the last request before it), the rate limits.
# Returns {session value, version, doc, play_time_ms, away_since_ms, 0-based rank} (missing fields false), nil for
# no session, or {'!', wait_ms, scope[, user id]} when a rate limit refuses the request.
_LOAD = Template(
    BUCKET_LUA
    + """
local now = tonumber(ARGV[1])
local limited = ARGV[3] ~= '1'
local clock = limited and clock_ms()  -- the buckets' time is Redis's (ratelimit/limits.py)
if limited then
  local wait = bucket('$ip_prefix' .. ARGV[2], $ip_rate, $ip_burst, clock)
  if wait > 0 then return {'!', wait, 'ip'} end
end
local sess = redis.call('GET', KEYS[1])
if not sess then return false end
local uid = string.match(sess, '^([^|]+)')
if limited then
  local wait = bucket('$player_prefix' .. uid, $player_rate, $player_burst, clock)
  if wait > 0 then return {'!', wait, 'player', uid} end
end
local key = 'player:' .. uid
local row = redis.call('HMGET', key, 'v', 'doc', 'seen', 'pt', 'away')
if row[1] then
  local seen = tonumber(row[3]) or now
  local gap = now - seen
  if gap > 0 then  -- one write: `seen`, with the play time or the start of an absence
    if gap <= $play_window_ms then
      row[4] = (tonumber(row[4]) or 0) + gap
      redis.call('HSET', key, 'seen', now, 'pt', row[4])
    elseif not row[5] then
      row[5] = seen
      redis.call('HSET', key, 'seen', now, 'away', seen)
    else
      redis.call('HSET', key, 'seen', now)
    end
  end
  redis.call('ZADD', '$active', now, uid)
end
local rank = false
if KEYS[2] then rank = redis.call('ZRANK', KEYS[2], uid) end
return {sess, row[1], row[2], row[4], row[5], rank}
"""
)

# KEYS: player key, its account's "gone" mark. ARGV: version, doc, play_time_ms, last_seen_ms, away_since_ms ('' for
# none), ttl. Returns 1 installed, 0 already there, -1 the account is being deleted.
_INSTALL = """
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'doc', ARGV[2], 'pt', ARGV[3], 'seen', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'away', ARGV[5]) end
redis.call('EXPIRE', KEYS[1], ARGV[6])
return 1
"""

# KEYS: player key, dirty zset, then one (zset, shown hash) pair per ranking entry.
# ARGV: expected version, doc, now_ms, clear_away ('1'/'0'), user_id, ttl, then (score, shown) per entry.
_SAVE = """
local v = redis.call('HGET', KEYS[1], 'v')
if (not v) or v ~= ARGV[1] then return false end
local nv = tonumber(v) + 1
redis.call('HSET', KEYS[1], 'v', nv, 'doc', ARGV[2])
if ARGV[4] == '1' then redis.call('HDEL', KEYS[1], 'away') end
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[5])
local n = (#KEYS - 2) / 2
for i = 0, n - 1 do
  redis.call('ZADD', KEYS[3 + 2 * i], ARGV[7 + 2 * i], ARGV[5])
  redis.call('HSET', KEYS[4 + 2 * i], ARGV[5], ARGV[8 + 2 * i])
end
return nv
"""


class RedisPlayerStore:
    def __init__(self, redis: Redis, engine: AsyncEngine, presence: Presence, limits: Limits) -> None:
        self._redis = redis
        self._engine = engine
        self._presence = presence
        self._limits = limits
        self._load = redis.register_script(
            _LOAD.substitute(
                play_window_ms=presence.play_window_ms,
                ip_prefix=IP_BUCKET_PREFIX,
                player_prefix=PLAYER_BUCKET_PREFIX,
                active=keys.ACTIVE,
                ip_rate=limits.ip_per_second,
                ip_burst=limits.ip_burst,
                player_rate=limits.player_per_second,
                player_burst=limits.player_burst,
            )
        )
        self._install = redis.register_script(_INSTALL)
        self._save = redis.register_script(_SAVE)

    async def load_for_session(
        self, token_hash: str, now_ms: int, client_ip: str, rank_in: str | None = None
    ) -> SessionLoad | None:
        script_keys = [keys.session(token_hash), *([rank_in] if rank_in else [])]
        row = await self._run_load(script_keys, now_ms, client_ip)
        if row is None:
            return None
        if row[0] == "!":
            raise self._limits.refusal(int(row[1] or 0), str(row[2]), None if len(row) < 4 else str(row[3]))
        principal = SessionPrincipal.parse(str(row[0]))
        if row[1] is None:
            PLAYER_CACHE_MISS.inc()
            if await self._install_from_postgres(principal.user_id):
                row = await self._run_load(script_keys, now_ms, client_ip, counted=True) or row
        else:
            PLAYER_CACHE_HIT.inc()
        return SessionLoad(principal, _loaded(principal.user_id, row[:5]), rank_at(row[5]))

    async def _run_load(
        self, script_keys: list[str], now_ms: int, client_ip: str, counted: bool = False
    ) -> list[str | int | None] | None:
        """`counted`: this request already took its rate-limit tokens (second run after an install)."""
        args: list[str | int] = [now_ms, address_key(client_ip), "1" if counted else "0"]
        row: list[str | int | None] | None = await self._load(keys=script_keys, args=args)
        return row

    async def _install_from_postgres(self, user_id: str) -> bool:
        record = await repository.fetch_player(self._engine, user_id)
        if record is None:
            return False
        away = "" if record.away_since_ms is None else record.away_since_ms
        args: list[str | int] = [
            record.version,
            record.doc,
            record.play_time_ms,
            record.last_seen_ms,
            away,
            keys.PLAYER_TTL_SECONDS,
        ]
        installed: int = await self._install(keys=[keys.player(user_id), keys.gone(user_id)], args=args)
        return installed >= 0

    async def load(self, user_id: str) -> LoadedPlayer | None:
        fields = ["v", "doc", "pt", "away", "seen"]
        row = await self._redis.hmget(keys.player(user_id), fields)
        (PLAYER_CACHE_HIT if row[0] is not None else PLAYER_CACHE_MISS).inc()
        if row[0] is None:
            if not await self._install_from_postgres(user_id):
                return None
            row = await self._redis.hmget(keys.player(user_id), fields)
        return _loaded(user_id, [None, *(_text(value) for value in row[:4])], _text(row[4]))

    async def load_many(self, user_ids: list[str]) -> list[LoadedPlayer]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for user_id in user_ids:
                pipe.hmget(keys.player(user_id), ["v", "doc", "pt", "away", "seen"])
            rows = await pipe.execute()
        found = (_loaded(uid, [None, *row[:4]], row[4]) for uid, row in zip(user_ids, rows, strict=True))
        return [loaded for loaded in found if loaded is not None]

    async def save(self, loaded: LoadedPlayer, state: PlayerState, now_ms: int) -> int | None:
        entries = entries_for(state, loaded.play_time_ms)
        script_keys = [keys.player(loaded.user_id), keys.DIRTY, *_ranking_keys(entries)]
        clear_away = "1" if loaded.away_since_ms is not None else "0"
        args: list[str | int | float] = [
            loaded.version,
            dumps(state),
            now_ms,
            clear_away,
            loaded.user_id,
            keys.PLAYER_TTL_SECONDS,
        ]
        for entry in entries:
            args += [entry.score, entry.shown]
        version: int | None = await self._save(keys=script_keys, args=args)
        return version

    async def forget(self, user_id: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.gone(user_id), 1, ex=keys.GONE_TTL_SECONDS)
            pipe.delete(keys.player(user_id))
            pipe.zrem(keys.DIRTY, user_id)
            pipe.zrem(keys.ACTIVE, user_id)
            await pipe.execute()

    async def remember(self, user_id: str) -> None:
        await self._redis.delete(keys.gone(user_id))


def _ranking_keys(entries: list[RankEntry]) -> list[str]:
    return [key for entry in entries for key in (zset_key(entry.criteria), shown_key(entry.criteria))]


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _loaded(user_id: str, row: list[str | int | None], seen: str | None = None) -> LoadedPlayer | None:
    _, version, doc, play_time, away = row
    if version is None or doc is None:
        return None
    return LoadedPlayer(
        user_id=user_id,
        version=int(version),
        doc=str(doc),
        play_time_ms=int(play_time or 0),
        away_since_ms=None if away is None else int(away),
        last_seen_ms=int(seen or 0),
    )
