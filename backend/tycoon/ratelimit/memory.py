"""A process's memory of the rate-limit refusals it sent: a client that keeps sending while refused is refused
again at once, without Redis and without the framework, until the bucket that refused it has a token again.

This is exact, not an estimate (to within one Redis round trip: the wait runs from when the refusal arrived): a
token bucket's wait is the time until its next token, a refused request takes none, and other processes can only
take tokens, never add them, so Redis would refuse every request in that window too. Keys: the client's address
(`address_key`) for the per-address bucket, the request's credentials as sent (Authorization and Cookie headers,
hashed) for the per-player bucket. Same credentials, same session, same bucket. While refused, every request of
that client is answered 429, as the limit runs before the other checks: a session that ends meanwhile, a path
that does not exist or a failing CSRF check get their 401/404/403 once the wait is over (a few seconds).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import Scope

from tycoon.errors import RateLimited

# Clients remembered per process; past it, new refusals are not remembered (Redis still counts them).
CAPACITY = 10_000
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

    def remember_refusal(self, error: RateLimited, address: str, scope: Scope) -> None:
        """Remember a refusal under the key of the bucket that refused: the address's or the credentials'."""
        self.remember(address if error.scope == "ip" else credentials_key(scope), error)

    def recall_for(self, address: str, scope: Scope, session_limits: bool) -> RateLimited | None:
        """A refusal still due for this request: by its address, or, when the session script would charge its
        player, by its credentials (hashed only while something is remembered)."""
        if not self._refusals:
            return None
        return self.recall(address) or (self.recall(credentials_key(scope)) if session_limits else None)

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
    """What names a request's session: its Authorization and Cookie headers as sent, hashed (16 bytes, whatever
    the headers' size: a client varying a large cookie must not fill the memory with it)."""
    digest = hashlib.blake2b(digest_size=16)
    for name, value in scope["headers"]:
        if name in _CREDENTIAL_HEADERS:
            digest.update(len(value).to_bytes(4, "big"))
            digest.update(value)
    return digest.digest()
