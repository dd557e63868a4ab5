"""A process's memory of the rate-limit refusals it sent: a client that keeps sending while refused is refused
again at once, without Redis and without the framework, until the bucket that refused it has a token again.

This is exact, not an estimate: a token bucket's wait is the time until its next token, a refused request takes
none, and other processes can only take tokens, never add them, so Redis would refuse every request in that
window too. Keys: the client's address (`address_key`) for the per-address bucket, the request's credentials as
sent (Authorization and Cookie headers) for the per-player bucket. Same credentials, same session, same bucket;
a session that ends meanwhile is answered 429 instead of 401 for the rest of the wait (a few seconds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import Scope

from tycoon.errors import RateLimited

CAPACITY = (
    10_000  # clients remembered per process; past it, new refusals are not remembered (Redis still counts)
)
_CREDENTIAL_HEADERS = (b"authorization", b"cookie")


@dataclass(slots=True)
class _Refusal:
    until: float  # on the memory's clock
    error: RateLimited


class RefusalMemory:
    def __init__(self, capacity: int = CAPACITY, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = capacity
        self._clock = clock
        self._refusals: dict[bytes | str, _Refusal] = {}

    def remember(self, key: bytes | str, error: RateLimited) -> None:
        if len(self._refusals) >= self._capacity and key not in self._refusals:
            self._forget_expired()
            if len(self._refusals) >= self._capacity:
                return
        self._refusals[key] = _Refusal(self._clock() + error.retry_after, error)

    def recall(self, key: bytes | str) -> RateLimited | None:
        """The refusal still due for `key`, with the wait that is left; None when there is none."""
        refusal = self._refusals.get(key)
        if refusal is None:
            return None
        left = refusal.until - self._clock()
        if left <= 0:
            del self._refusals[key]
            return None
        return RateLimited(refusal.error.policy, left, refusal.error.player_id)

    def __len__(self) -> int:
        return len(self._refusals)

    def _forget_expired(self) -> None:
        now = self._clock()
        for key in [key for key, refusal in self._refusals.items() if refusal.until <= now]:
            del self._refusals[key]


def credentials_key(scope: Scope) -> bytes:
    """What names a request's session: its Authorization and Cookie headers as sent."""
    return b"\n".join(value for name, value in scope["headers"] if name in _CREDENTIAL_HEADERS)
