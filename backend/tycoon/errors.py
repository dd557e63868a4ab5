"""One error type per failure the player can cause, each carrying its HTTP status and message.

Framework-free so the game rules can raise them; `app.py` maps `GameError` to a JSON response once.
Messages are the original server's where it had one (clients match on some of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class GameError(Exception):
    status: ClassVar[int] = 400
    detail: ClassVar[str] = "Bad request"

    def __init__(self, detail: str | None = None) -> None:
        self.message = detail or self.detail
        super().__init__(self.message)


# 400: the request is valid but the game says no ------------------------------------------------------------
class NotEnoughMoney(GameError):
    detail = "Not enough money"


class NotEnoughMoneyToDemolish(GameError):
    detail = "Not enough money to demolish"


class NotEnoughMoneyToSkip(GameError):
    detail = "Not enough money to skip build"


class NotEnoughMoneyForRebirth(GameError):
    detail = "Not enough money for rebirth"


class NotEnoughEnergy(GameError):
    detail = "Not enough energy"


class InvalidAmount(GameError):
    detail = "Invalid amount"


class AmountTooLarge(GameError):
    detail = "Amount must be at most 10000 per request"


class NotEnoughRebirths(GameError):
    detail = "환생이 부족합니다."


class NotEnoughSupercoin(GameError):
    detail = "슈퍼코인이 부족합니다."


class MaxLevelReached(GameError):
    detail = "최대 레벨에 도달했습니다."


class BatchLimitExceeded(GameError):
    """At most 1 + upgrade_batch_upgrade global levels per purchase."""

    detail = "한 번에 1회까지만 업그레이드할 수 있습니다."


class ChainLimitExceeded(GameError):
    detail = "한 번에 최대 1회까지 환생할 수 있습니다."


class GeneratorLimitReached(GameError):
    detail = "Generator limit reached"


class PositionTaken(GameError):
    detail = "Generator already exists in this position"


class NoChangesProvided(GameError):
    """POST /progress/{id}/state with nothing to change."""

    detail = "No changes provided"


class InvalidTutorialStep(GameError):
    detail = "Tutorial step must be between 0 and 20"


# The inquiry types a player may send, in the order the original's message lists them.
INQUIRY_TYPES = ("bug", "vulnerability", "proposal", "other")


class InvalidInquiryType(GameError):
    detail = f"Invalid inquiry type. Must be one of: {list(INQUIRY_TYPES)}"  # the original's text


class TooManyPendingInquiries(GameError):
    detail = "Too many pending inquiries"


class UsernameTaken(GameError):
    detail = "Username already exists"


# The sign-up rules (ORIGINAL-RULES §13), one error per rule with the original's text, checked in its order.
class UsernameRequired(GameError):
    detail = "Username is required"


class UsernameTooShort(GameError):
    detail = "Username must be at least 3 characters"


class UsernameTooLong(GameError):
    detail = "Username must be at most 20 characters"


class UsernameCharacters(GameError):
    detail = "Username can only contain letters, numbers, and underscores"


class PasswordTooShort(GameError):
    detail = "Password must be at least 8 characters."


class PasswordTooLong(GameError):
    detail = "Password too long."


class PasswordLettersAndDigits(GameError):
    detail = "Password must include letters and digits."


USERNAME_RULES: tuple[type[GameError], ...] = (
    UsernameRequired,
    UsernameTooShort,
    UsernameTooLong,
    UsernameCharacters,
)
PASSWORD_RULES: tuple[type[GameError], ...] = (PasswordTooShort, PasswordTooLong, PasswordLettersAndDigits)


class WrongPassword(GameError):
    detail = "Invalid password"


# 401 / 403 ---------------------------------------------------------------------------------------------------
class NotAuthenticated(GameError):
    status = 401
    detail = "Authorization token missing"


class InvalidToken(GameError):
    status = 401
    detail = "Invalid token"


class UserGone(InvalidToken):
    """A live session whose account is gone (deleted while the request ran)."""

    detail = "User not found for token"


class WrongTokenType(GameError):
    """A refresh token where an access token belongs."""

    status = 403
    detail = "Invalid token type"


class InvalidCredentials(GameError):
    """Unknown user and wrong password answer alike (no username enumeration)."""

    status = 401
    detail = "Invalid username or password"


class RefreshTokenInvalid(GameError):
    status = 401
    detail = "Refresh token revoked or invalid"


class UserMismatch(GameError):
    status = 403
    detail = "User mismatch"


class AdminRequired(GameError):
    status = 403
    detail = "Admin access required"


class OriginNotAllowed(GameError):
    status = 403
    detail = "Origin not allowed for state-changing request"


class CsrfMissing(GameError):
    status = 403
    detail = "CSRF token missing"


class CsrfMismatch(GameError):
    status = 403
    detail = "CSRF token mismatch"


# 404 ---------------------------------------------------------------------------------------------------------
class GeneratorNotFound(GameError):
    status = 404
    detail = "Generator not found"


class GeneratorTypeNotFound(GameError):
    status = 404
    detail = "Generator type not found"


class UnknownUpgrade(GameError):
    status = 404
    detail = "Unknown upgrade"


class InvalidUpgradeEndpoint(GameError):
    """A bulk upgrade item that names no upgrade (the original's text; it fails the item, not the request)."""

    detail = "Invalid upgrade endpoint"


class InquiryNotFound(GameError):
    status = 404
    detail = "Inquiry not found"


class PathNotFound(GameError):
    """A path naming no item of a fixed list (POST /upgrade/nope): the original had one route per item, so
    the framework's own 404."""

    status = 404
    detail = "Not Found"


# 408 / 413: the request's body (answered by the body guard, bodyguard.py) --------------------------------------
class BodyTimeout(GameError):
    """The body did not arrive in time: a client that announces a body and never sends it holds nothing."""

    status = 408
    detail = "Request body not received in time"


class BodyTooLarge(GameError):
    status = 413
    detail = "Request body too large"


# 409 / 429 / 503 ---------------------------------------------------------------------------------------------
class Contention(GameError):
    """Optimistic retries ran out: too many concurrent changes to one player."""

    status = 409
    detail = "Too many simultaneous changes, please retry"


class ServerBusy(GameError):
    """A worker at its bound (overload.py) or holding as many unfinished bodies as it may (bodyguard.py)."""

    status = 503
    detail = "Server busy, retry shortly"


@dataclass(frozen=True, slots=True)
class QuotaPolicy:
    """A limit as the RateLimit header fields name it: at most `quota` requests in `window` seconds."""

    name: str
    quota: int
    window: int


class TooManyRequests(GameError):
    status = 429
    detail = "Too many requests"

    def __init__(
        self, detail: str | None = None, retry_after: float = 1.0, policy: QuotaPolicy | None = None
    ) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
        self.policy = policy


class RateLimited(TooManyRequests):
    """Over a per-player or per-IP rate limit (ratelimit/limits.py)."""

    detail = "Too many requests, slow down"

    def __init__(self, policy: QuotaPolicy, retry_after: float, player_id: str | None = None) -> None:
        super().__init__(retry_after=retry_after, policy=policy)
        self.policy: QuotaPolicy = policy
        self.player_id = player_id

    @property
    def scope(self) -> str:
        """Which limit: "ip" or "player" (the metric's label)."""
        return self.policy.name


class TooManyAttempts(TooManyRequests):
    """Login and sign-up attempts over the address's limit, or a username's logins queued too long
    (auth/throttle.py)."""

    detail = "Too many attempts. Please wait."


class LoginCooldown(TooManyRequests):
    """A username's failed logins: the next attempt waits, doubling with each failure (auth/throttle.py). The
    message gives the wait truncated to whole seconds, as the original."""

    detail = "Too many failed attempts. Please wait N seconds."

    def __init__(self, wait: float, policy: QuotaPolicy) -> None:
        super().__init__(f"Too many failed attempts. Please wait {int(wait)} seconds.", wait, policy)
