"""The load generators: Locust (the player scenario), driven through its web API, and wrk (fixed requests).

Locust runs as its own process group (a master and N worker processes), so its CPU time is measured apart
from the server's. It starts idle; the benchmark sets the number of players step by step with POST /swarm and
reads latencies from the histogram files the players write (latency.py), never from Locust's own statistics.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from services import LOADTEST_DIR, VENV_BIN, Launcher, Service, child_env, wait_http


@dataclass
class LocustRun:
    service: Service
    web: str
    histogram_dir: Path

    @classmethod
    def start(
        cls,
        launcher: Launcher,
        name: str,
        host: str,
        accounts: Path,
        processes: int,
        web_port: int,
        scenario: str = "game",
    ) -> LocustRun:
        histogram_dir = launcher.workdir / "histograms" / name
        histogram_dir.mkdir(parents=True, exist_ok=True)
        argv = [str(VENV_BIN / "locust"), "-f", str(LOADTEST_DIR / "locustfile.py"), "--host", host]
        argv += ["--web-host", "127.0.0.1", "--web-port", str(web_port), "--processes", str(processes)]
        argv += ["--loglevel", "WARNING"]
        env = child_env(
            TYCOON_ACCOUNTS=str(accounts),
            TYCOON_HISTOGRAM_DIR=str(histogram_dir),
            TYCOON_LOCUST_PROCESSES=str(processes),
            TYCOON_SCENARIO=scenario,
        )
        service = launcher.start(f"locust-{name}", argv, env)
        web = f"http://127.0.0.1:{web_port}"
        wait_http(web + "/", 60, service)
        run = cls(service, web, histogram_dir)
        run._wait(lambda report: len(report.get("workers", [])) >= processes, 60, "Locust workers")
        return run

    def swarm(self, players: int, spawn_rate: float) -> None:
        form = {"user_count": str(players), "spawn_rate": str(spawn_rate)}
        answer = httpx.post(self.web + "/swarm", data=form, timeout=10).json()
        if not answer.get("success"):
            raise RuntimeError(f"Locust refused to swarm: {answer}")

    def wait_spawned(self, players: int, timeout: float) -> None:
        def done(report: dict[str, Any]) -> bool:
            return report.get("user_count") == players and report.get("state") == "running"

        self._wait(done, timeout, f"{players} players")

    def stop_players(self) -> None:
        httpx.post(self.web + "/stop", timeout=30)

    def _wait(self, ready: Callable[[dict[str, Any]], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.service.alive():
                raise RuntimeError(f"Locust exited: see {self.service.log}")
            report = httpx.get(self.web + "/stats/requests", timeout=10).json()
            if ready(report):
                return
            time.sleep(0.25)
        raise TimeoutError(f"{what} not ready within {timeout} s")


# wrk ---------------------------------------------------------------------------------------------------------
@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    statuses: dict[str, int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


WRK_SUMMARY = LOADTEST_DIR / "wrk_summary.lua"


def wrk_argv(
    url: str, connections: int, seconds: float, threads: int = 2, headers: dict[str, str] | None = None
) -> list[str]:
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s"]
    for key, value in (headers or {}).items():
        argv += ["-H", f"{key}: {value}"]
    return argv


def run_wrk(url: str, connections: int, seconds: float, headers: dict[str, str] | None = None) -> WrkResult:
    argv = [*wrk_argv(url, connections, seconds, headers=headers), "-s", str(WRK_SUMMARY), url]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def crowd_argv(
    url: str, connections: int, seconds: float, tokens: Path, interval_ms: int = 1000
) -> list[str]:
    """wrk as a crowd of players: each connection sends a GET of the client's mix about once a second."""
    argv = wrk_argv(url, connections, seconds, threads=2)
    return [*argv, "-s", str(LOADTEST_DIR / "overload.lua"), url, "--", str(tokens), str(interval_ms)]


def start_overload_wrk(
    launcher: Launcher, url: str, connections: int, seconds: float, tokens: Path, interval_ms: int = 1000
) -> Service:
    return launcher.start(
        "wrk-overload", crowd_argv(url, connections, seconds, tokens, interval_ms), child_env()
    )


def parse_wrk(output: str) -> WrkResult:
    """Reads the JSON line our Lua `done()` prints (wrk_summary.lua, overload.lua)."""
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            data = json.loads(line)
            return WrkResult(
                requests=int(data["requests"]),
                seconds=float(data["seconds"]),
                p50_ms=float(data["p50_us"]) / 1000,
                p99_ms=float(data["p99_us"]) / 1000,
                non_2xx=sum(
                    n for status, n in data.get("statuses", {}).items() if not re.match(r"2\d\d", status)
                ),
                socket_errors=int(data["socket_errors"]),
                statuses={str(k): int(v) for k, v in data.get("statuses", {}).items()},
            )
    raise ValueError(f"no wrk summary in output:\n{output}")
