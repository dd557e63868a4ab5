"""`make bench`: the whole benchmark on this machine, in bounded time (about 10 minutes), written to
docs/performance.md and docs/performance.png.

    cd backend && uv run python ../loadtest/bench.py            # the full run
    cd backend && uv run python ../loadtest/bench.py --quick    # a 3-minute smoke run of every phase
    cd backend && uv run python ../loadtest/bench.py --report-only /tmp/tycoon-bench/results.json

Phases, in this order (a phase that fails is reported and the next one runs; phases that would overrun the
time budget are skipped and said so):
 1. private PostgreSQL (pg_stat_statements loaded) and Redis on their own ports; migrate; seed
 2. reference: wrk on the bare app's /hello and /redis and on the game's GET /progress of a 10-generator player
 3. players stepped up, STATE_STORE=redis, database 0 ms away, until p99 > 100 ms or errors > 0.1 %
 4. overload: 3 x the capacity of phase 3 for 60 s (Locust players + a wrk crowd), then the recovery
 5. two API instances behind nginx, stepped up from below the single-instance capacity
 6. the same steps with STATE_STORE=redis and a 50 ms round trip to PostgreSQL (delaying proxy)
    (phases 5 and 6 step down instead when their first step fails, until one passes)
 7. STATE_STORE=postgres at 0 ms, then one step at 50 ms
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import overload_step
import report
from loadgen import LocustRun, run_wrk
from measure import SERVER_GROUPS, Probe, Row, row
from players import AccountFile, player_with_generators
from services import (
    REPO_DIR,
    Launcher,
    Service,
    child_env,
    create_database,
    run_tycoon,
    start_delay_proxy,
    start_nginx,
    start_postgres,
    start_redis,
    start_reference,
    start_server,
)

DATABASE = "tycoon_bench"
FLOOR = "reference /hello"
REDIS_DB = 9


@dataclass(frozen=True)
class Ports:
    """Below the ephemeral range (32768-60999 here), where thousands of client connections take their ports."""

    postgres: int = 25432
    postgres_delayed: int = 25433
    redis: int = 26379
    api: int = 18000
    api_second: int = 18001
    nginx: int = 18080
    reference: int = 18100
    locust_web: int = 18089


@dataclass
class Options:
    workers: int = 2
    steps: list[int] = field(
        default_factory=lambda: [250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2500, 3000, 3500, 4000]
    )
    window: float = 15.0
    settle: float = 4.0
    spawn_rate: float = 500.0
    wrk_seconds: float = 10.0
    wrk_connections: int = 64
    overload_seconds: float = 60.0
    delayed_rtt_ms: float = 50.0
    locust_processes: int = 2
    budget_seconds: float = 780.0
    workdir: Path = Path("/tmp/tycoon-bench")
    output: Path = REPO_DIR / "docs" / "performance.md"

    @classmethod
    def quick(cls) -> Options:
        return cls(
            steps=[100, 200], window=5, settle=2, wrk_seconds=3, overload_seconds=10, budget_seconds=300
        )


class Bench:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.ports = Ports()
        self.launcher = Launcher(options.workdir)
        self.started = time.monotonic()
        self.results: dict[str, Any] = {
            "meta": machine_facts(options),
            "modes": {},
            "errors": [],
            "skipped": [],
            "notes": [],
        }
        self.current = ("redis", 0.0)  # the game server's state store and database round trip
        self.core: list[Service] = []  # postgres, redis
        self.game: list[Service] = []  # api, worker, scheduler
        self.extra: list[Service] = []  # second api, nginx, delay proxy
        self.env: dict[str, str] = {}
        self.accounts = AccountFile(options.workdir / "accounts.json", self.url())

    def url(self, port: int | None = None) -> str:
        return f"http://127.0.0.1:{port or self.ports.api}"

    # the run ------------------------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self.prepare()
            self.phase("reference", self.reference)
            capacity = self.phase("redis, 0 ms", lambda: self.ladder("redis, 0 ms", self.options.steps))
            self.phase(FLOOR, self.latency_floor)
            self.phase("overload", lambda: self.overload(capacity))
            self.phase("two instances", lambda: self.two_instances(capacity))
            rtt = self.options.delayed_rtt_ms
            delayed_steps = self.steps_near(capacity, below=2)  # the rungs far below capacity add nothing
            self.phase(f"redis, {rtt:g} ms", lambda: self.mode("redis", rtt, delayed_steps))
            self.phase("postgres, 0 ms", lambda: self.mode("postgres", 0, self.options.steps))
            self.phase(f"postgres, {rtt:g} ms", lambda: self.mode("postgres", rtt, [100]))
        finally:
            self.launcher.stop_all()
            self.save()
        report.write(self.results, self.options.output)
        print(f"wrote {self.options.output} and {self.options.output.with_suffix('.png')}")

    def phase(self, name: str, work: Any) -> Any:
        if time.monotonic() - self.started > self.options.budget_seconds:
            self.results["skipped"].append(name)
            print(f"--- skipped {name}: over the time budget", flush=True)
            return None
        print(f"--- {name} ({time.monotonic() - self.started:.0f} s)", flush=True)
        try:
            self.revive_game(name)
            return work()
        except Exception as error:  # one phase failing must not lose the others' results
            self.results["errors"].append(
                {"phase": name, "error": repr(error), "trace": traceback.format_exc()}
            )
            print(f"!!! {name} failed: {error!r}", flush=True)
            return None
        finally:
            self.save()

    def revive_game(self, phase: str) -> None:
        if self.game and not all(s.alive() for s in self.game):
            dead = ", ".join(s.name for s in self.game if not s.alive())
            self.results["notes"].append(f"before {phase}: {dead} had exited; server restarted")
            self.restart_game(*self.current)

    def save(self) -> None:
        path = self.options.workdir / "results.json"
        path.write_text(json.dumps(self.results, indent=1, default=str))

    # set-up -------------------------------------------------------------------------------------------------
    def prepare(self) -> None:
        shutil.rmtree(self.options.workdir, ignore_errors=True)
        self.options.workdir.mkdir(parents=True)
        self.options.workdir.chmod(0o755)
        self.core = [
            start_postgres(self.launcher, self.ports.postgres),
            start_redis(self.launcher, self.ports.redis),
        ]
        create_database(self.ports.postgres, DATABASE)
        self.env = self.server_env("redis", self.ports.postgres)
        run_tycoon(self.launcher, self.env, "migrate")
        run_tycoon(self.launcher, self.env, "seed")
        self.game = start_server(self.launcher, self.env, self.ports.api)

    def server_env(self, store: str, pg_port: int) -> dict[str, str]:
        """Production settings, except the per-IP, sign-up and per-player limits: all load comes from one IP,
        and wrk drives a single player far above 10 requests/s. In postgres mode each request holds its slot for
        database round trips: a larger in-flight bound (as docs/operations.md advises) keeps that mode's rows
        about latency rather than refusals."""
        unlimited = "1000000"
        slow_store = store == "postgres" and "MAX_INFLIGHT_PER_WORKER" not in os.environ
        return child_env(
            **({"MAX_INFLIGHT_PER_WORKER": "128"} if slow_store else {}),
            DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{pg_port}/{DATABASE}",
            REDIS_URL=f"redis://127.0.0.1:{self.ports.redis}/{REDIS_DB}",
            STATE_STORE=store,
            WEB_CONCURRENCY=str(self.options.workers),
            RATE_LIMIT_IP_PER_SECOND=unlimited,
            LOGIN_IP_LIMIT_PER_MINUTE=unlimited,
            RATE_LIMIT_PLAYER_PER_SECOND=unlimited,
            RATE_LIMIT_PLAYER_BURST=unlimited,
            LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "INFO"),
        )

    def restart_game(self, store: str, rtt_ms: float) -> None:
        self.launcher.stop(*self.game[:1])  # the API first, then give write-behind time to drain
        time.sleep(3)
        self.launcher.stop(*self.game[1:], *self.extra)
        self.extra = []
        pg_port = self.ports.postgres
        if rtt_ms > 0:
            proxy = start_delay_proxy(self.launcher, self.ports.postgres_delayed, self.ports.postgres, rtt_ms)
            self.extra.append(proxy)
            pg_port = self.ports.postgres_delayed
        self.env = self.server_env(store, pg_port)
        self.game = start_server(self.launcher, self.env, self.ports.api)
        self.current = (store, rtt_ms)

    # measuring ----------------------------------------------------------------------------------------------
    def probe(self, histogram_dir: Path | None = None, more: Sequence[Service] = ()) -> Probe:
        """Process groups to measure: the game, the extras (proxy, second API, nginx) and `more`."""
        groups: dict[str, list[int]] = {"postgres": [self.core[0].pid], "redis": [self.core[1].pid]}
        for service in [*self.game, *self.extra, *more]:
            groups.setdefault(group_of(service.name), []).append(service.pid)
        return Probe(groups, self.ports.redis, self.ports.postgres, DATABASE, histogram_dir)

    def reference(self) -> None:
        ref = start_reference(
            self.launcher, self.ports.reference, self.options.workers, self.env["REDIS_URL"]
        )
        try:
            url = self.url(self.ports.reference)
            hello = self.wrk_row("/hello (reference)", url + "/hello", ["reference"], more=[ref])
            redis_get = self.wrk_row("/redis (reference)", url + "/redis", ["reference", "redis"], more=[ref])
        finally:
            self.launcher.stop(ref)
        grant = None
        if "grant-money" in run_tycoon(self.launcher, self.env, "--help"):
            grant = lambda name, amount: run_tycoon(self.launcher, self.env, "grant-money", name, str(amount))  # noqa: E731
        ten = player_with_generators(self.url(), grant)
        time.sleep(4)  # the plant cells' builds finish
        headers = {"Authorization": f"Bearer {ten['access_token']}"}
        progress = self.wrk_row(
            "GET /progress, 10 generators", self.url() + "/progress", list(SERVER_GROUPS), headers
        )
        self.results["reference"] = [hello, redis_get, progress, *self.refusals(headers)]

    def refusals(self, player: dict[str, str]) -> list[dict[str, Any]]:
        """What a 429 costs the server: wrk against a second API whose limit refuses nearly every request — one
        address at 1 request/s (the middleware's refusal), then one player at 1 request/s (the session script's)."""
        cases = (
            (
                "429 per address (GET /generator_types)",
                "/generator_types",
                {"RATE_LIMIT_IP_PER_SECOND": "1"},
                None,
            ),
            (
                "429 per player (GET /progress)",
                "/progress",
                {"RATE_LIMIT_PLAYER_PER_SECOND": "1", "RATE_LIMIT_PLAYER_BURST": "1"},
                player,
            ),
        )
        rows = []
        for label, path, limits, headers in cases:
            limited = start_server(
                self.launcher, {**self.env, **limits}, self.ports.api_second, suffix="-limited"
            )
            try:
                url = self.url(self.ports.api_second) + path
                rows.append(self.wrk_row(label, url, ["api-limited"], headers, more=limited))
            finally:
                self.launcher.stop(*limited)
        return rows

    def wrk_row(
        self,
        label: str,
        url: str,
        groups: list[str],
        headers: dict[str, str] | None = None,
        more: Sequence[Service] = (),
    ) -> dict[str, Any]:
        probe = self.probe(more=more)
        before, wrk_before = probe.sample(), children_cpu_seconds()
        result = run_wrk(url, self.options.wrk_connections, self.options.wrk_seconds, headers)
        after, wrk_cpu = probe.sample(), children_cpu_seconds() - wrk_before
        seconds = after.at - before.at
        used = {g: after.cpu.get(g, 0.0) - before.cpu.get(g, 0.0) for g in after.cpu}
        redis_calls = sum(
            n - before.redis_calls.get(k, 0) for k, n in after.redis_calls.items() if k != "info"
        )
        print(f"    {label}: {result.rate:.0f} req/s, p99 {result.p99_ms:.1f} ms", flush=True)
        return {
            "label": label, "connections": self.options.wrk_connections, **asdict(result), "rate": result.rate,
            "cpu_ms_per_request": 1000 * sum(used.get(g, 0.0) for g in groups) / max(1, result.requests),
            "redis_per_request": redis_calls / max(1, result.requests),
            "pg_per_request": (after.pg_statements - before.pg_statements) / max(1, result.requests),
            "wrk_cores": wrk_cpu / seconds,
            "other_cores": (after.machine_busy - before.machine_busy - sum(used.values()) - wrk_cpu) / seconds,
        }  # fmt: skip

    def ladder(
        self,
        label: str,
        steps: list[int],
        host: str | None = None,
        more: Sequence[Service] = (),
        scenario: str = "game",
    ) -> Row | None:
        """Steps up until a step fails. A ladder that starts above the lowest rung (near the capacity found before)
        and fails its first step steps down instead, until one passes, so that it reports a capacity."""
        locust = self.start_locust(label, host, scenario)
        rows: list[Row] = []
        saved: list[dict[str, Any]] = []
        self.results["modes"][label] = saved
        pending = list(steps)
        try:
            while pending:
                players = pending.pop(0)
                if time.monotonic() - self.started > self.options.budget_seconds:
                    self.results["skipped"].append(f"{label}: {players} players and up")
                    break
                done = self.step_watched(locust, label, players, more)
                rows = sorted([*rows, done], key=lambda r: r.players)
                saved[:] = [r.to_json() for r in rows]
                self.save()
                if not done.passed() and scenario == "game":
                    lower = [n for n in self.options.steps if n < rows[0].players]
                    pending = [lower[-1]] if lower and not any(r.passed() for r in rows) else []
        finally:
            self.launcher.stop(locust.service)
        passed = [r for r in rows if r.passed()]
        return passed[-1] if passed else None

    def start_locust(self, label: str, host: str | None = None, scenario: str = "game") -> LocustRun:
        name = label.replace(", ", "-").replace(" ", "").replace("/", "")
        return LocustRun.start(
            self.launcher, name, host or self.url(), self.accounts.path,
            self.options.locust_processes, self.ports.locust_web, scenario,
        )  # fmt: skip

    def step(self, locust: LocustRun, label: str, players: int, more: Sequence[Service] = ()) -> Row:
        signing_up = time.monotonic()
        added = self.accounts.ensure(players)
        signing_up = time.monotonic() - signing_up
        locust.swarm(players, self.options.spawn_rate)
        locust.wait_spawned(players, timeout=60 + players / self.options.spawn_rate)
        time.sleep(self.options.settle)
        probe = self.probe(locust.histogram_dir, [locust.service, *more])
        probe.reset_slow_commands()
        start = probe.sample()
        time.sleep(self.options.window)
        server = ("reference", "redis") if label == FLOOR else SERVER_GROUPS
        result = row(label, players, start, probe.sample(), server)
        result.slow_redis = probe.slow_commands()
        print(
            f"    {players} players (+{added} accounts in {signing_up:.0f} s): {result.rate:.0f} req/s, "
            f"p50 {result.p50_ms:.1f} p99 {result.p99_ms:.1f} ms, errors {100 * result.error_rate:.2f} %, "
            f"{result.cpu_ms_per_request:.2f} ms CPU/request -> {'ok' if result.passed() else 'LIMIT'}",
            flush=True,
        )
        return result

    def step_watched(self, locust: LocustRun, label: str, players: int, more: Sequence[Service]) -> Row:
        """A step, repeated once on a fresh server if a game process exited meanwhile (it happens when
        something else on the machine kills processes by name): the row must measure the server, not that."""
        result = self.step(locust, label, players, more)
        if dead := [s.name for s in [*self.core, *self.game, *more] if not s.alive()]:
            note = f"{label}, {players} players: {', '.join(dead)} exited during the step"
            if not all(s.alive() for s in [*self.core, *more]):
                raise RuntimeError(note)
            self.results["notes"].append(note + "; server restarted and the step repeated")
            print(f"!!! {note}: restarting the server and repeating the step", flush=True)
            self.restart_game(*self.current)
            result = self.step(locust, label, players, more)
        return result

    def mode(self, store: str, rtt_ms: float, steps: list[int]) -> Row | None:
        self.restart_game(store, rtt_ms)
        return self.ladder(f"{store}, {rtt_ms:g} ms", steps)

    # overload and scale-out ---------------------------------------------------------------------------------
    def overload(self, capacity: Row | None) -> None:
        players = capacity.players if capacity else self.options.steps[0]
        locust = self.start_locust("overload")
        try:
            self.results["overload"] = overload_step.run(self, locust, players)
        finally:
            self.launcher.stop(locust.service)

    def latency_floor(self) -> None:
        """The players' pacing against the bare /hello at the player counts just measured: what p99 this machine
        and this harness give with no game at all (the limit of what the steps can show)."""
        counts = [row["players"] for row in self.results["modes"].get("redis, 0 ms", [])][-3:]
        ref = start_reference(
            self.launcher, self.ports.reference, self.options.workers, self.env["REDIS_URL"]
        )
        try:
            self.ladder(
                FLOOR, counts or self.options.steps[:1], self.url(self.ports.reference), [ref], "reference"
            )
        finally:
            self.launcher.stop(ref)

    def steps_near(self, capacity: Row | None, below: int) -> list[int]:
        """The steps from `below` rungs under the capacity up (all of them when there is no capacity)."""
        steps = self.options.steps
        if capacity is None:
            return steps
        under = [n for n, players in enumerate(steps) if players < capacity.players]
        start = under[-below] if len(under) >= below else 0
        return steps[start:]

    def two_instances(self, capacity: Row | None) -> None:
        second = start_server(self.launcher, self.env, self.ports.api_second, suffix="2")
        nginx = start_nginx(self.launcher, self.ports.nginx, [self.ports.api, self.ports.api_second])
        try:
            self.ladder(
                "two instances",
                self.steps_near(capacity, below=1)[:3],
                self.url(self.ports.nginx),
                more=[*second, nginx],
            )
        finally:
            self.launcher.stop(nginx, *second)


def group_of(service_name: str) -> str:
    for prefix in (
        "api-limited",
        "api",
        "worker",
        "scheduler",
        "nginx",
        "locust",
        "wrk",
        "delayproxy",
        "reference",
    ):
        if service_name.startswith(prefix):
            return prefix
    return service_name


def machine_facts(options: Options) -> dict[str, Any]:
    def output(*argv: str) -> str:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=REPO_DIR)
        return done.stdout.strip()

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")  # fmt: skip
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": output("git", "rev-parse", "--short", "HEAD"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average_at_start": os.getloadavg(),
        "wrk": output("wrk", "--version").splitlines()[0] if shutil.which("wrk") else None,
        "server_settings_from_environment": settings_in_environment(),
        "options": {k: str(v) for k, v in asdict(options).items()},
    }


def settings_in_environment() -> dict[str, str]:
    """Server settings the caller set (`MAX_INFLIGHT_PER_WORKER=32 make bench`): they reach the server, and the
    report says so. The benchmark's own overrides (database, limits) are described in the report."""
    sys.path.insert(0, str(REPO_DIR / "backend"))
    from tycoon.config import Settings

    secret = ("SECRET", "DSN", "PASSWORD", "TOKEN")
    names = {name.upper() for name in Settings.model_fields}
    return {k: ("***" if any(s in k for s in secret) else v) for k, v in os.environ.items() if k in names}


def ensure_tools() -> None:
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool)]
    if missing:
        print(f"installing {' '.join(missing)} (apt-get)", flush=True)
        subprocess.run(["apt-get", "install", "-y", *missing], check=False, capture_output=True)
        if any(not shutil.which(tool) for tool in missing):
            subprocess.run(["apt-get", "update"], check=True, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", *missing], check=True, capture_output=True)


def children_cpu_seconds() -> float:
    """CPU time of this process's finished children (wrk runs as one)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def raise_file_limit() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a short run of every phase (development)")
    parser.add_argument("--report-only", type=Path, help="rewrite the report from a results.json")
    parser.add_argument("--output", type=Path, help="markdown file to write (the PNG goes next to it)")
    args = parser.parse_args()
    options = Options.quick() if args.quick else Options()
    if args.output:
        options.output = args.output.resolve()
    if args.report_only:
        report.write(json.loads(args.report_only.read_text()), options.output)
        return
    ensure_tools()
    raise_file_limit()
    Bench(options).run()


if __name__ == "__main__":
    main()
