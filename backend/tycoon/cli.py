"""`tycoon` command: run the API, the worker or the scheduler, and operator tasks."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from tycoon.config import get_settings

BACKEND_DIR = Path(__file__).resolve().parent.parent
# The worker and the scheduler yield the CPU to the API when both want it: their jobs (ranking refresh, write-
# behind) come in bursts every few seconds, and at equal priority each burst stalled every player's request.
BACKGROUND_NICENESS = 10
# Our JSON lines instead of taskiq's text (tycoon.jobs.broker.observe), and not a line per scheduled job: the
# flush runs every second. taskiq's warnings and errors still show.
TASKIQ_LOGGING = ("--log-level", "WARNING", "--no-configure-logging")


def _exec(argv: list[str]) -> None:
    os.execvp(argv[0], argv)


def _exec_in_background(argv: list[str]) -> None:
    os.nice(BACKGROUND_NICENESS)  # kept across exec, inherited by taskiq's worker processes
    _exec(argv)


def run_api(_: argparse.Namespace) -> None:
    from tycoon.serve import exec_api

    exec_api(get_settings())


def run_worker(args: argparse.Namespace) -> None:
    _exec_in_background(
        [
            sys.executable,
            "-m",
            "taskiq",
            "worker",
            "tycoon.jobs.broker:broker",
            "tycoon.jobs.tasks",
            "--workers",
            str(args.workers),
            *TASKIQ_LOGGING,
        ]
    )


def run_scheduler(_: argparse.Namespace) -> None:
    _exec_in_background(
        [
            sys.executable,
            "-m",
            "taskiq",
            "scheduler",
            "tycoon.jobs.broker:scheduler",
            "tycoon.jobs.tasks",
            "--skip-first-run",
            *TASKIQ_LOGGING,
        ]
    )


def migrate(args: argparse.Namespace) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(BACKEND_DIR / "alembic.ini"))
    if args.downgrade:
        command.downgrade(config, args.revision)
    else:
        command.upgrade(config, args.revision)


def _with_stack(work: Callable[..., Awaitable[str]]) -> Callable[[argparse.Namespace], None]:
    """Run `work(args, redis, engine)` with this process's clients, printing its result."""

    def run(args: argparse.Namespace) -> None:
        async def main() -> str:
            from tycoon.postgres import create_engine
            from tycoon.redis import create_redis
            from tycoon.shutdown import close_stores

            settings = get_settings()
            redis = create_redis(settings, pool_size=4)
            engine = create_engine(settings, statement_timeout=None)  # operator commands may run long
            try:
                return await work(args, redis, engine)
            finally:
                await close_stores(redis, engine)

        print(asyncio.run(main()))

    return run


async def _seed(args: argparse.Namespace, redis: object, engine: object) -> str:
    from tycoon.catalogue import repository

    inserted = await repository.seed(engine)  # type: ignore[arg-type]
    return f"catalogue seeded: {inserted} generator types added"


async def _grant_admin(args: argparse.Namespace, redis: object, engine: object) -> str:
    from tycoon.auth import repository, sessions

    user_id = await repository.set_admin(engine, args.username, not args.revoke)  # type: ignore[arg-type]
    if user_id is None:
        sys.exit(f"no such user: {args.username}")
    await sessions.set_role(redis, user_id, not args.revoke)  # type: ignore[arg-type]
    return f"{args.username}: admin {'revoked' if args.revoke else 'granted'}"


async def _rebuild_rankings(args: argparse.Namespace, redis: object, engine: object) -> str:
    from tycoon.game.factory import build_game
    from tycoon.rankings.refresh import rebuild

    game = await build_game(get_settings(), redis, engine)  # type: ignore[arg-type]
    count = await rebuild(redis, engine, game)  # type: ignore[arg-type]
    return f"rankings rebuilt for {count} players"


async def _grant_money(args: argparse.Namespace, redis: object, engine: object) -> str:
    """For benchmarks and support: add money to a player through the game (saved like any action)."""
    from tycoon.auth import repository
    from tycoon.game.factory import build_game
    from tycoon.kit.bignum import BigValue
    from tycoon.rules.state import PlayerState

    account = await repository.find_by_username(engine, args.username)  # type: ignore[arg-type]
    if account is None:
        sys.exit(f"no such user: {args.username}")
    game = await build_game(get_settings(), redis, engine)  # type: ignore[arg-type]
    amount = BigValue(args.amount)

    def grant(state: PlayerState) -> None:
        state.money = state.money + amount

    await game.act_on_user(account.id, grant)
    return f"{args.username}: +{amount} money"


async def _write_behind_backlog(args: argparse.Namespace, redis: object, engine: object) -> str:
    from tycoon.players import persistence

    waiting, _ = await persistence.backlog(redis)  # type: ignore[arg-type]
    return f"players waiting to be written to PostgreSQL: {waiting}"


async def _drop_player_cache(args: argparse.Namespace, redis: object, engine: object) -> str:
    from tycoon.config import StateStoreKind
    from tycoon.players import persistence

    if get_settings().state_store is not StateStoreKind.postgres:
        sys.exit(
            "refused: with STATE_STORE=redis the players' Redis copies are their newest state (rollback C)"
        )
    return f"player copies dropped from Redis: {await persistence.drop_cached_players(redis)}"  # type: ignore[arg-type]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tycoon", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "api", help="serve the HTTP API (gunicorn, WEB_CONCURRENCY workers, $PORT)"
    ).set_defaults(run=run_api)
    worker = commands.add_parser("worker", help="run background jobs")
    worker.add_argument("--workers", type=int, default=1)
    worker.set_defaults(run=run_worker)
    commands.add_parser("scheduler", help="schedule jobs (run exactly one)").set_defaults(run=run_scheduler)
    migration = commands.add_parser("migrate", help="alembic upgrade (default head)")
    migration.add_argument("revision", nargs="?", default="head")
    migration.add_argument("--downgrade", action="store_true", help="downgrade to REVISION instead")
    migration.set_defaults(run=migrate)
    commands.add_parser("seed", help="insert missing generator types").set_defaults(run=_with_stack(_seed))
    admin = commands.add_parser("grant-admin", help="give (or --revoke) the admin role")
    admin.add_argument("username")
    admin.add_argument("--revoke", action="store_true")
    admin.set_defaults(run=_with_stack(_grant_admin))
    commands.add_parser("rebuild-rankings", help="recreate the ranking sets from PostgreSQL").set_defaults(
        run=_with_stack(_rebuild_rankings)
    )
    commands.add_parser(
        "write-behind-backlog", help="how many players' changes wait to be written to PostgreSQL"
    ).set_defaults(run=_with_stack(_write_behind_backlog))
    commands.add_parser(
        "drop-player-cache", help="forget the players' Redis copies (only with STATE_STORE=postgres)"
    ).set_defaults(run=_with_stack(_drop_player_cache))
    money = commands.add_parser("grant-money", help="add money to a player (benchmarks, support)")
    money.add_argument("username")
    money.add_argument("amount")
    money.set_defaults(run=_with_stack(_grant_money))
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    args.run(args)
