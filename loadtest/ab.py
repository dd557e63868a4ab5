"""The working tree against a base commit, as two game servers measured alternately in one run.

    cd backend && uv run python ../loadtest/ab.py --base HEAD --rounds 3 --paced 1000

On this shared machine one number says little (the same step moved 30-40 % between runs); a change is judged by
the two codes side by side, each round measuring one then the other. Starts the benchmark's private PostgreSQL
and Redis, the working tree's API (with its worker and scheduler) and the base commit's API (from a git worktree,
the same virtual environment), both with the benchmark's settings, then per round and per server:

- saturated: wrk on `--path` (default GET /progress of a player with ten generators), `--connections` at once;
- paced (`--paced N`): N wrk connections each sending a GET of the client's mix about once a second
  (overload.lua), the way players load the server, where waking up for each request is most of its cost.

Prints requests/s, p99 and the API processes' CPU per request for each, and the work/base ratios' range.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs
from bench import Bench, Options, raise_file_limit
from loadgen import WrkResult, crowd_argv, parse_wrk, run_wrk
from overload_step import write_tokens
from players import player_with_generators
from services import BACKEND_DIR, Service, run_tycoon, tycoon, wait_http

REPO_DIR = BACKEND_DIR.parent


@dataclass(frozen=True)
class Measured:
    server: str
    kind: str
    result: WrkResult
    cpu_ms_per_request: float


def start_base(bench: Bench, commit: str) -> Service:
    """The base commit's API on the second port: its code first on the path, the working tree's environment."""
    tree = bench.options.workdir / "base"
    subprocess.run(
        ["git", "-C", str(REPO_DIR), "worktree", "add", "--detach", "-f", str(tree), commit], check=True
    )
    env = {**bench.env, "PORT": str(bench.ports.api_second), "PYTHONPATH": str(tree / "backend")}
    service = bench.launcher.start("api-base", tycoon("api"), env, cwd=str(tree / "backend"))
    wait_http(bench.url(bench.ports.api_second) + "/healthz", 90, service)
    return service


def remove_base(bench: Bench) -> None:
    tree = bench.options.workdir / "base"
    subprocess.run(["git", "-C", str(REPO_DIR), "worktree", "remove", "--force", str(tree)], check=False)


def measure(server: str, kind: str, service: Service, run: Callable[[], WrkResult]) -> Measured:
    before = procs.cpu_seconds([service.pid])
    result = run()
    used = procs.cpu_seconds([service.pid]) - before
    return Measured(server, kind, result, 1000 * used / max(1, result.requests))


def paced(url: str, connections: int, seconds: float, tokens: Path) -> WrkResult:
    argv = crowd_argv(url, connections, seconds, tokens)
    return parse_wrk(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="HEAD", help="commit to compare the working tree with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument("--path", default="/progress", help="saturated: the path wrk asks (with a token)")
    parser.add_argument("--connections", type=int, default=64, help="saturated: connections at once")
    parser.add_argument(
        "--paced", type=int, default=0, help="paced: connections, each ~1 request/s (0: skip)"
    )
    args = parser.parse_args()
    raise_file_limit()
    bench = Bench(Options(workdir=Path("/tmp/tycoon-ab")))
    try:
        bench.prepare()
        servers = {"work": bench.game[0], "base": start_base(bench, args.base)}
        urls = {"work": bench.url(), "base": bench.url(bench.ports.api_second)}
        grant = lambda name, amount: run_tycoon(bench.launcher, bench.env, "grant-money", name, str(amount))  # noqa: E731
        ten = player_with_generators(bench.url(), grant)
        headers = {"Authorization": f"Bearer {ten['access_token']}"}
        tokens = Path()
        if args.paced:
            bench.accounts.ensure(min(args.paced, 300))
            tokens = write_tokens(bench.accounts.load(), bench.options.workdir / "tokens.txt")
        time.sleep(4)  # the plant cells' builds finish
        rows: list[Measured] = []
        for round_number in range(args.rounds + 1):  # round 0 warms both servers up and is not counted
            for name, service in servers.items():
                url = urls[name]
                saturated = partial(run_wrk, url + args.path, args.connections, args.seconds, headers)
                rows.append(measure(name, "saturated", service, saturated))
                if args.paced:
                    rows.append(
                        measure(name, "paced", service, partial(paced, url, args.paced, args.seconds, tokens))
                    )
            if round_number == 0:
                rows.clear()
            for row in rows[-(4 if args.paced else 2) :]:
                print(
                    f"round {round_number} {row.server:4} {row.kind:9} {row.result.rate:8.0f} req/s  "
                    f"p99 {row.result.p99_ms:6.1f} ms  {row.cpu_ms_per_request:.3f} ms CPU/request"
                    f"{'' if row.result.non_2xx == 0 else f'  non-2xx {row.result.non_2xx}'}",
                    flush=True,
                )
        print(summary(rows, args.rounds))
    finally:
        bench.launcher.stop_all()
        remove_base(bench)


def summary(rows: list[Measured], rounds: int) -> str:
    lines = [f"work / base, {rounds} rounds (each ratio taken within one round):"]
    for kind in ("saturated", "paced"):
        work = [r for r in rows if r.kind == kind and r.server == "work"]
        base = [r for r in rows if r.kind == kind and r.server == "base"]
        if not work:
            continue
        rates = [w.result.rate / b.result.rate for w, b in zip(work, base, strict=True)]
        cpus = [w.cpu_ms_per_request / b.cpu_ms_per_request for w, b in zip(work, base, strict=True)]
        lines.append(
            f"  {kind:9} requests/s {min(rates):.2f}-{max(rates):.2f} x   "
            f"CPU per request {min(cpus):.2f}-{max(cpus):.2f} x"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
