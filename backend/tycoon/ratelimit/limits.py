"""Rate limits shared by every server process: token buckets in Redis, evaluated inside Lua scripts.

For an authenticated request the buckets are checked inside the same script that resolves the session and
loads the player (players/redis_store.py), so limiting costs no extra round trip. Requests without
credentials are checked by `RateLimitMiddleware`. A refusal is a 429 with Retry-After and RateLimit headers.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tycoon.config import Settings
from tycoon.errors import QuotaPolicy, RateLimited

# Request state key (scope["state"]): set once the request's limits are charged, by the session script or by
# `AddressLimit` (ratelimit/middleware.py) for a request with credentials that never reaches the script.
CHARGED = "limits_charged"

# Redis keys of the buckets (plain strings holding a time; the `rl:` hashes of earlier versions are never read, so
# a rolling deploy meets no key of the other type).
IP_BUCKET_PREFIX = "rate:ip:"
PLAYER_BUCKET_PREFIX = "rate:p:"

# Lua: token bucket at KEYS-free key `key`: `rate` tokens per second up to `burst`. Returns 0 when a token was
# taken, else the milliseconds until one is available. A rate of 0 means unlimited.
# Kept as its theoretical arrival time (GCRA): the bucket holds `burst - (tat - now) / interval` tokens, so a
# request may pass while `tat - now <= (burst - 1) * interval`, and taking a token moves `tat` one interval on.
# Two commands for a pass, one for a refusal; the key expires when the bucket would be full again.
# `now` is Redis's clock (`clock_ms`), not the server process's: every process's requests are timed by one clock
# in the order Redis runs them. A stamp taken by each process before its round trip reached Redis out of order
# between processes, and a request stamped a millisecond behind the one that emptied the bucket found it full.
# A time beyond `now + burst * interval` (Redis's clock stepped back) still counts as an empty bucket, its wait
# capped at one interval; the key's relative expiry ends it within `burst` intervals and a second.
BUCKET_LUA = """
local function clock_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local function bucket(key, rate, burst, now)
  if rate <= 0 then return 0 end
  local interval = 1000 / rate
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  local early = math.min(tat - now, burst * interval) - (burst - 1) * interval
  if early > 0 then return math.ceil(early) end
  tat = tat + interval
  redis.call('SET', key, string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
  return 0
end
"""

# ARGV: ip key, ip rate, ip burst, player key ('' for none), player rate, player burst.
# Returns {wait_ms, scope}: wait 0 means allowed.
CHECK_LUA = (
    BUCKET_LUA
    + """
local now = clock_ms()
local wait = bucket(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), now)
if wait > 0 then return {wait, 'ip'} end
if ARGV[4] ~= '' then
  wait = bucket(ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), now)
  if wait > 0 then return {wait, 'player'} end
end
return {0, ''}
"""
)


@dataclass(frozen=True, slots=True)
class Limits:
    player_per_second: float
    player_burst: int
    ip_per_second: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            settings.rate_limit_player_per_second,
            settings.rate_limit_player_burst,
            settings.rate_limit_ip_per_second,
        )

    @property
    def ip_burst(self) -> int:
        return max(1, round(self.ip_per_second))

    def script_args(self, ip: str, user_id: str | None) -> list[str | int | float]:
        player_key = f"{PLAYER_BUCKET_PREFIX}{user_id}" if user_id else ""
        return [
            f"{IP_BUCKET_PREFIX}{address_key(ip)}", self.ip_per_second, self.ip_burst,
            player_key, self.player_per_second, self.player_burst,
        ]  # fmt: skip

    def refusal(self, wait_ms: int, scope: str, player_id: str | None = None) -> RateLimited:
        """`player_id`: whose request it was, when the session was read before the refusal (for the log)."""
        rate, burst = (
            (self.ip_per_second, self.ip_burst)
            if scope == "ip"
            else (self.player_per_second, self.player_burst)
        )
        return RateLimited(quota_policy(scope, rate, burst), wait_ms / 1000, player_id)


def client_ip(scope: Mapping[str, Any]) -> str:
    """The client's address as the server saw it (after ProxyHeadersMiddleware applied TRUSTED_PROXIES)."""
    client = scope.get("client")
    return client[0] if client else "unknown"


def address_key(ip: str) -> str:
    """The address a per-address limit counts: an IPv6 client by its /64, the smallest network a provider
    gives out (one host may hold all of it and pick a new address per request); an IPv4 client by itself."""
    if ":" not in ip:
        return ip
    try:
        address = ipaddress.IPv6Address(ip)
    except ValueError:  # not an address (a test client's name): itself
        return ip
    if address.ipv4_mapped is not None:  # an IPv4 client on a dual-stack socket
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)


def quota_policy(name: str, rate: float, burst: int) -> QuotaPolicy:
    """A token bucket as a quota per window: `burst` requests per the seconds the bucket takes to refill. A
    client that keeps to it is never refused (the bucket would allow up to twice that in any such window)."""
    return QuotaPolicy(name, burst, max(1, math.ceil(burst / rate)))
