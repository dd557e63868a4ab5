"""Start and stop everything the benchmark runs: its own PostgreSQL and Redis, the game server's processes,
the reference app, the delaying proxy, nginx and the load generators.

Every process starts in its own session (process group), so stopping it stops its children too, and nothing
else. The benchmark's PostgreSQL and Redis are private instances on their own ports: their CPU time and their
statement/command counters then belong to the benchmark alone, whatever else runs on the machine.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

LOADTEST_DIR = Path(__file__).resolve().parent
REPO_DIR = LOADTEST_DIR.parent
BACKEND_DIR = REPO_DIR / "backend"
VENV_BIN = Path(sys.executable).parent


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    stop_signal: int = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, self.stop_signal)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(5)


@dataclass
class Launcher:
    workdir: Path
    services: list[Service] = field(default_factory=list)

    def start(
        self, name: str, argv: list[str], env: dict[str, str] | None = None, **kwargs: object
    ) -> Service:
        log = self.workdir / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            process = subprocess.Popen(
                argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                **kwargs,  # type: ignore[call-overload]
            )
        service = Service(name, process, log)
        self.services.append(service)
        return service

    def stop_all(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.services.clear()

    def stop(self, *stopping: Service) -> None:
        for service in stopping:
            service.stop()
            if service in self.services:
                self.services.remove(service)


def wait_http(url: str, timeout: float = 60, service: Service | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service is not None and not service.alive():
            raise RuntimeError(f"{service.name} exited: see {service.log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(BACKEND_DIR), str(LOADTEST_DIR)])
    env.update(extra)
    return env


# PostgreSQL and Redis -----------------------------------------------------------------------------------------
def postgres_bin(tool: str) -> str:
    found = shutil.which(tool) if tool != "postgres" else None
    candidates = [found] if found else sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True)
    if not candidates:
        raise RuntimeError(f"PostgreSQL's {tool} was not found (apt-get install postgresql)")
    return str(candidates[0])


def start_postgres(launcher: Launcher, port: int) -> Service:
    """initdb + postgres as the `postgres` user, with pg_stat_statements loaded (it needs a restart to load)."""
    data = launcher.workdir / "pgdata"
    if not data.exists():
        data.mkdir(parents=True)
        shutil.chown(data, "postgres", "postgres")
        initdb = [postgres_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]
        subprocess.run(initdb, check=True, user="postgres", capture_output=True)
    argv = [postgres_bin("postgres"), "-D", str(data), "-p", str(port), "-k", str(data)]
    argv += ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300"]
    argv += ["-c", "shared_preload_libraries=pg_stat_statements"]
    service = launcher.start("postgres", argv, user="postgres", group="postgres", cwd=str(data))
    service.stop_signal = signal.SIGINT  # fast shutdown
    wait_for(lambda: psql(port, "postgres", "select 1") == "1", "PostgreSQL", service)
    return service


def psql(port: int, database: str, sql: str) -> str:
    argv = [
        postgres_bin("psql"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        "postgres",
        "-d",
        database,
        "-Atc",
        sql,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def create_database(port: int, name: str) -> None:
    psql(port, "postgres", f"DROP DATABASE IF EXISTS {name}")
    psql(port, "postgres", f"CREATE DATABASE {name}")
    psql(port, name, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")


def start_redis(launcher: Launcher, port: int) -> Service:
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    argv += ["--dir", str(launcher.workdir), "--maxclients", "20000"]
    argv += [
        "--slowlog-log-slower-than",
        "2000",
        "--slowlog-max-len",
        "1000",
    ]  # commands over 2 ms, for the report
    service = launcher.start("redis", argv)
    wait_for(lambda: _redis_ping(port), "Redis", service)
    return service


def _redis_ping(port: int) -> bool:
    import redis

    with contextlib.suppress(redis.RedisError):
        return bool(redis.Redis(port=port).ping())
    return False


def wait_for(ready: Callable[[], bool], what: str, service: Service, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.alive():
            raise RuntimeError(f"{what} exited: see {service.log}")
        if ready():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not start within {timeout} s: see {service.log}")


# The game server ---------------------------------------------------------------------------------------------
def tycoon(*args: str) -> list[str]:
    console_script = VENV_BIN / "tycoon"
    return [str(console_script), *args] if console_script.exists() else ["uv", "run", "tycoon", *args]


def run_tycoon(launcher: Launcher, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        tycoon(*args), env=env, cwd=BACKEND_DIR, capture_output=True, text=True, check=False
    )
    (launcher.workdir / "logs" / f"tycoon-{args[0]}.log").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"tycoon {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def start_server(launcher: Launcher, env: dict[str, str], port: int, suffix: str = "") -> list[Service]:
    """The API on `port` plus, unless suffix is given (a second instance), the worker and the scheduler."""
    api_env = {**env, "PORT": str(port)}
    services = [launcher.start(f"api{suffix}", tycoon("api"), api_env, cwd=str(BACKEND_DIR))]
    if not suffix:
        services.append(launcher.start("worker", tycoon("worker"), env, cwd=str(BACKEND_DIR)))
        services.append(launcher.start("scheduler", tycoon("scheduler"), env, cwd=str(BACKEND_DIR)))
    wait_http(f"http://127.0.0.1:{port}/healthz", 90, services[0])
    return services


def start_reference(launcher: Launcher, port: int, workers: int, redis_url: str) -> Service:
    """The reference app, started by the game server's own gunicorn command line (tycoon/serve.py)."""
    sys.path.insert(0, str(BACKEND_DIR))
    from tycoon.serve import gunicorn_argv

    argv = [*gunicorn_argv(port, workers, app="reference_app:app"), "--chdir", str(LOADTEST_DIR)]
    service = launcher.start("reference", argv, child_env(REDIS_URL=redis_url), cwd=str(LOADTEST_DIR))
    wait_http(f"http://127.0.0.1:{port}/hello", 60, service)
    return service


# Network -----------------------------------------------------------------------------------------------------
def start_delay_proxy(launcher: Launcher, listen: int, upstream: int, rtt_ms: float) -> Service:
    argv = [sys.executable, str(LOADTEST_DIR / "delayproxy.py"), "--listen", f"127.0.0.1:{listen}"]
    argv += ["--upstream", f"127.0.0.1:{upstream}", "--rtt-ms", str(rtt_ms)]
    service = launcher.start(f"delayproxy-{rtt_ms:g}ms", argv, child_env())
    wait_for(lambda: _port_open(listen), "delay proxy", service)
    return service


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


NGINX_CONF = (
    Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "two-instances.conf.template"
).read_text()


def start_nginx(launcher: Launcher, port: int, upstream_ports: list[int]) -> Service:
    directory = launcher.workdir / "nginx"
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o777)  # the worker processes run as nobody and write their temp files here
    servers = "\n        ".join(f"server 127.0.0.1:{p};" for p in upstream_ports)
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=directory, servers=servers, port=port))
    service = launcher.start("nginx", ["nginx", "-c", str(conf), "-p", str(directory), "-g", "daemon off;"])
    service.stop_signal = signal.SIGQUIT  # graceful
    wait_for(lambda: _port_open(port), "nginx", service)
    return service
