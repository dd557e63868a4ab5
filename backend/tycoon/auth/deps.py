"""Dependencies that authenticate a request and hand out the game objects made in the lifespan."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant

from tycoon.auth.cookies import ACCESS_COOKIE
from tycoon.auth.csrf import bearer_in, cookies_may_authenticate
from tycoon.auth.sessions import is_refresh_token, token_hash
from tycoon.errors import AdminRequired, InvalidToken, NotAuthenticated, UserGone, WrongTokenType
from tycoon.game.service import Game, Player
from tycoon.players.codec import loads
from tycoon.players.store import LoadedPlayer, SessionPrincipal
from tycoon.ratelimit.limits import CHARGED, client_ip
from tycoon.rules.state import PlayerState

Dependency = TypeVar("Dependency", bound=Callable[..., Awaitable[object]])


async def get_game(request: Request) -> Game:  # async: FastAPI runs sync dependencies in a thread
    game: Game = request.app.state.game
    return game


GameDep = Annotated[Game, Depends(get_game)]


def authorization_token(request: Request) -> str | None:
    """`Authorization: Bearer x`, or a raw token as the original accepted."""
    return bearer_in(request.headers.get("authorization", ""))


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated player of a request that does not need the state brought to now."""

    principal: SessionPrincipal
    loaded: LoadedPlayer
    now: float
    rank: int | None = None  # in the ranking `authenticate` was asked for

    def stored_state(self) -> PlayerState:
        """The state as last saved: right for what only actions change (the exchange rate, the rebirths)."""
        return loads(self.loaded.doc)


async def authenticate(request: Request, rank_in: str | None = None) -> Caller:
    """Session, rate limits and presence (one round trip), without decoding or settling the state; with
    `rank_in` (a ranking's sorted set), the player's rank in it from the same round trip."""
    header = authorization_token(request)
    cookie = request.cookies.get(ACCESS_COOKIE)
    token = header or cookie
    if not token:  # an empty header or cookie: the session script will not charge the address, so here
        refusal = await request.app.state.address_limit.charge_or_pass(request.scope)
        raise refusal or NotAuthenticated()
    game: Game = request.app.state.game  # not a sub-dependency: this runs on every request
    now = time.time()
    address = client_ip(request.scope)
    secret = request.app.state.session_config.secret
    digest = token_hash(secret, token)
    setattr(request.state, CHARGED, True)  # the session script takes this request's rate-limit tokens
    found = await game.store.load_for_session(digest, int(now * 1000), address, rank_in)
    if found is None and header and cookie and cookie != header and _cookie_may_stand_in(request):
        # The original client keeps the token of the login answer in memory and sends it from a few raw fetches
        # (the special shop) long after a refresh rotated it, along with the live cookie it also holds.
        found = await game.store.load_for_session(
            token_hash(secret, cookie), int(now * 1000), address, rank_in
        )
    if found is None:
        if await is_refresh_token(request.app.state.redis, digest):  # only on this failure path
            raise WrongTokenType()
        raise InvalidToken()
    if found.loaded is None:
        raise UserGone()
    request.state.player_id = found.principal.user_id
    return Caller(found.principal, found.loaded, now, found.rank)


def _cookie_may_stand_in(request: Request) -> bool:
    """A request with an Authorization header skipped the Origin/CSRF check; its cookie may authenticate it only
    if it passes that check, as every cookie-authenticated request does."""
    allowed: frozenset[str] = request.app.state.cookie_origins
    return cookies_may_authenticate(request.scope, allowed)


async def current_caller(request: Request) -> Caller:
    # A wrapper, not Depends(authenticate): FastAPI would read `rank_in` as a query parameter.
    return await authenticate(request)


async def settle(request: Request, caller: Caller) -> Player:
    """The caller's state brought to now (stored once if it ends an absence)."""
    game: Game = request.app.state.game
    player = Player(caller.principal, caller.loaded, game.settle(caller.loaded, caller.now), caller.now)
    if caller.loaded.away_since_ms is not None:
        await game.settle_absence(player)
    return player


async def current_player(request: Request) -> Player:
    return await settle(request, await authenticate(request))


# The dependencies that open a session, and with it charge the rate limits (RateLimitMiddleware limits the other
# routes by address): a route that calls `authenticate` must do it through one of them.
SESSION_DEPENDENCIES: set[Callable[..., Awaitable[object]]] = {current_caller, current_player}


def loads_session(dependency: Dependency) -> Dependency:
    """Mark a dependency that calls `authenticate`."""
    SESSION_DEPENDENCIES.add(dependency)
    return dependency


def opens_session(dependant: Dependant) -> bool:
    """Whether a route (its dependant) calls `authenticate` through one of the session dependencies."""
    return dependant.call in SESSION_DEPENDENCIES or any(opens_session(sub) for sub in dependant.dependencies)


CurrentCaller = Annotated[Caller, Depends(current_caller)]
CurrentPlayer = Annotated[Player, Depends(current_player)]


async def current_admin(player: CurrentPlayer) -> Player:
    if not player.principal.is_admin:
        raise AdminRequired()
    return player


CurrentAdmin = Annotated[Player, Depends(current_admin)]
