"""Sign-up, login, tokens, logout and account deletion (ORIGINAL-RULES §11–§13, issue 2 decision 8)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request, Response
from pydantic import BaseModel, Field

from tycoon.auth import cookies, service, sessions, throttle
from tycoon.auth.deps import CurrentPlayer, GameDep, authorization_token
from tycoon.auth.sessions import Session, SessionConfig, TokenPair
from tycoon.config import Settings
from tycoon.errors import (
    PASSWORD_RULES,
    USERNAME_RULES,
    GameError,
    InvalidCredentials,
    LoginCooldown,
    RefreshTokenInvalid,
    TooManyAttempts,
    UsernameTaken,
    WrongPassword,
    WrongTokenType,
)
from tycoon.game.schemas import MessageOut, UserOut, user_view
from tycoon.game.service import Game, Player
from tycoon.openapi import refusals
from tycoon.ratelimit.limits import client_ip
from tycoon.redis import Redis, RedisDep

router = APIRouter(tags=["auth"])


# No real length cap: the service's rules answer (sign-up's 400s, the failed login's 401, "Invalid password") as the
# original; MAX_BODY_BYTES bounds the text. Sign-up checks the password rule (8-128) before hashing, and Argon2
# verifying a 256 KiB password costs ~2 ms more than a short one. The bound, beyond the body limit, only makes
# pydantic check the text: a lone surrogate ("\udfff" in JSON), which Argon2 cannot encode, is a 422.
CredentialText = Annotated[str, Field(max_length=2**20)]


class Credentials(BaseModel):
    username: CredentialText
    password: Annotated[CredentialText, Field(repr=False)]


class PasswordIn(BaseModel):
    password: Annotated[CredentialText, Field(repr=False)]


class AuthOut(BaseModel):
    user: UserOut
    access_token: str
    refresh_token: str
    csrf_token: str
    token_type: str = "bearer"


class TokensOut(BaseModel):
    detail: str
    access_token: str
    refresh_token: str
    csrf_token: str


class CsrfOut(BaseModel):
    csrf_token: str
    detail: str


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


def session_config(settings: Settings) -> SessionConfig:
    return SessionConfig(
        settings.access_token_seconds, settings.refresh_token_seconds, settings.secret_key.encode()
    )


def _config(request: Request) -> SessionConfig:
    config: SessionConfig = request.app.state.session_config
    return config


async def _start_session(
    request: Request, response: Response, settings: Settings, redis: Redis, player: Player, game: Game
) -> AuthOut:
    request.state.player_id = player.user_id  # the request log line names the player who signed up or in
    pair = await sessions.open_session(redis, _config(request), player.user_id, player.principal.is_admin)
    csrf = cookies.csrf_token_for(request)
    cookies.set_session(response, settings, pair, csrf, trap=True)
    return AuthOut(
        user=UserOut.model_validate(user_view(player, game.catalogue.current)),
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        csrf_token=csrf,
    )


@router.post(
    "/signup",
    response_model=AuthOut,
    operation_id="signup",
    responses=refusals(*USERNAME_RULES, *PASSWORD_RULES, UsernameTaken, TooManyAttempts),
)
async def signup(
    body: Credentials, request: Request, response: Response, settings: SettingsDep, redis: RedisDep, game: GameDep
) -> AuthOut:  # fmt: skip
    await throttle.check_ip(redis, client_ip(request.scope), settings.login_ip_limit_per_minute)
    player = await service.register(request.app.state.engine, redis, body.username, body.password)
    return await _start_session(request, response, settings, redis, player, game)


@router.post(
    "/login",
    response_model=AuthOut,
    operation_id="login",
    responses=refusals(InvalidCredentials, TooManyAttempts, LoginCooldown),
)
async def login(
    body: Credentials, request: Request, response: Response, settings: SettingsDep, redis: RedisDep, game: GameDep
) -> AuthOut:  # fmt: skip
    await throttle.check_ip(redis, client_ip(request.scope), settings.login_ip_limit_per_minute)
    player = await service.authenticate(request.app.state.engine, redis, game, body.username, body.password)
    return await _start_session(request, response, settings, redis, player, game)


@router.get("/csrf-token", response_model=CsrfOut, operation_id="csrf_token")
@router.get("/csrf", response_model=CsrfOut, operation_id="csrf")
async def csrf_token(request: Request, response: Response, settings: SettingsDep) -> CsrfOut:
    token = cookies.csrf_token_for(request)
    cookies.set_csrf(response, settings, token)
    return CsrfOut(csrf_token=token, detail="CSRF token issued")


class RefreshIn(BaseModel):
    refresh_token: str | None = Field(None, max_length=256)


async def _refresh_session(request: Request, redis: RedisDep, body: RefreshIn | None = Body(None)) -> Session:
    """The refresh token named explicitly (body, then Authorization header, as the original) wins over the
    refresh cookie, which may belong to another session of the same browser."""
    explicit = (body.refresh_token if body else None) or authorization_token(request)
    token = explicit or request.cookies.get(cookies.REFRESH_COOKIE)
    if not token:
        raise RefreshTokenInvalid()
    config = _config(request)
    session = await sessions.find_by_refresh(redis, config, token)
    if session is None:
        raise await _not_refreshing(redis, config, token)
    return session


async def _not_refreshing(redis: Redis, config: SessionConfig, token: str) -> GameError:
    """A live access token is the original's 403 (looked up on this failure path only); anything else 401."""
    is_access = await sessions.is_access_token(redis, sessions.token_hash(config.secret, token))
    return WrongTokenType() if is_access else RefreshTokenInvalid()


RefreshSession = Annotated[Session, Depends(_refresh_session)]


async def _rotate(
    request: Request, response: Response, settings: Settings, redis: Redis, session: Session, detail: str
) -> TokensOut:
    if not await sessions.close_session(redis, session):
        raise RefreshTokenInvalid()
    pair: TokenPair = await sessions.open_session(redis, _config(request), session.user_id, session.is_admin)
    csrf = cookies.csrf_token_for(request)
    cookies.set_session(response, settings, pair, csrf, trap=False)
    return TokensOut(
        detail=detail, access_token=pair.access_token, refresh_token=pair.refresh_token, csrf_token=csrf
    )


@router.post(
    "/refresh/access",
    response_model=TokensOut,
    operation_id="refresh_access",
    responses=refusals(RefreshTokenInvalid, WrongTokenType),
)
async def refresh_access(
    request: Request, response: Response, settings: SettingsDep, redis: RedisDep, session: RefreshSession
) -> TokensOut:
    return await _rotate(request, response, settings, redis, session, "access token refreshed")


@router.post(
    "/refresh/refresh",
    response_model=TokensOut,
    operation_id="refresh_pair",
    responses=refusals(RefreshTokenInvalid, WrongTokenType),
)
async def refresh_pair(
    request: Request, response: Response, settings: SettingsDep, redis: RedisDep, session: RefreshSession
) -> TokensOut:
    return await _rotate(request, response, settings, redis, session, "token pair refreshed")


@router.post(
    "/logout", response_model=MessageOut, operation_id="logout", responses=refusals(RefreshTokenInvalid)
)
async def logout(request: Request, response: Response, settings: SettingsDep, redis: RedisDep) -> MessageOut:
    """Revokes one session, named by the Authorization header (its refresh or its access token) or else by the
    refresh cookie or the access cookie."""
    session = await _session_to_close(request, redis)
    if session is None:
        raise RefreshTokenInvalid()
    await sessions.close_session(redis, session)
    cookies.clear_session(response, settings)
    return MessageOut(detail="Logout successful")


@router.post(
    "/delete_account",
    response_model=MessageOut,
    operation_id="delete_account",
    responses=refusals(WrongPassword, TooManyAttempts, LoginCooldown),
)
async def delete_account(
    body: PasswordIn, request: Request, response: Response, player: CurrentPlayer, settings: SettingsDep,
    redis: RedisDep, game: GameDep,
) -> MessageOut:  # fmt: skip
    # a password attempt like a login's: it counts in the address's window too
    await throttle.check_ip(redis, client_ip(request.scope), settings.login_ip_limit_per_minute)
    await service.delete_account(request.app.state.engine, redis, game, player.user_id, body.password)
    cookies.clear_session(response, settings)
    return MessageOut(detail="Account deleted")


async def _session_to_close(request: Request, redis: Redis) -> Session | None:
    config = _config(request)
    explicit = authorization_token(request)
    if explicit:
        return await sessions.find_by_refresh(redis, config, explicit) or await sessions.find_by_access(
            redis, config, explicit
        )
    refresh = request.cookies.get(cookies.REFRESH_COOKIE)
    if refresh and (session := await sessions.find_by_refresh(redis, config, refresh)):
        return session
    access = request.cookies.get(cookies.ACCESS_COOKIE)
    return await sessions.find_by_access(redis, config, access) if access else None
