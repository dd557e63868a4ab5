"""Where an API worker spends its time under the player mix: py-spy on one gunicorn worker while Locust plays.

    cd backend && uv run python ../loadtest/profile.py --players 300 --seconds 20

Starts the same stack as the benchmark (its own PostgreSQL and Redis, STATE_STORE=redis), runs the players,
records one worker with py-spy and prints the functions with the most samples, inclusive and self; the
flame graph is written to /tmp/tycoon-profile/profile.svg. Sampling slows the worker: read the shares, not
the latencies. `--target locust` records one of the load generator's processes instead.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs
from bench import Bench, Options, raise_file_limit
from services import VENV_BIN

WATCHED = (
    *("tycoon/", "fastapi/", "starlette/", "redis/", "pydantic/", "uvicorn/", "structlog/", "anyio/"),
    *("locust", "geventhttpclient/", "locustfile", "latency"),  # --target locust
)


def frame_name(frame: str) -> str:
    name, _, location = frame.partition(" (")
    return f"{name} {location.split(':')[0]}"


def summarize(raw: Path, top: int) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [frame_name(f) for f in stack.split(";")]
        for name in set(frames):
            inclusive[name] += int(count)
        own[frames[-1]] += int(count)
    total = sum(own.values()) or 1
    lines = [f"{total} samples", "--- self"]
    lines += [f"{100 * n / total:5.1f}% {name}" for name, n in own.most_common(top)]
    lines.append("--- inclusive (application and framework frames)")
    watched = [(name, n) for name, n in inclusive.most_common() if any(w in name for w in WATCHED)]
    lines += [f"{100 * n / total:5.1f}% {name}" for name, n in watched[:top]]
    return "\n".join(lines)


def one_worker(api_pid: int) -> int:
    stats = procs.all_stats()
    workers = procs.pids([api_pid], stats)
    leaves = [pid for pid in workers if not any(s.ppid == pid for s in stats.values())]
    return sorted(leaves)[0]


def record(pid: int, seconds: int, output: Path, form: str) -> None:
    argv = [str(VENV_BIN / "py-spy"), "record", "-p", str(pid), "-d", str(seconds), "-r", "100"]
    subprocess.run([*argv, "--nonblocking", "-f", form, "-o", str(output)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--players", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--target", choices=("api", "locust"), default="api", help="record an API worker or a Locust worker"
    )
    args = parser.parse_args()
    raise_file_limit()
    options = Options(workdir=Path("/tmp/tycoon-profile"))
    bench = Bench(options)
    try:
        bench.prepare()
        bench.accounts.ensure(args.players)
        locust = bench.start_locust("profile")
        locust.swarm(args.players, options.spawn_rate)
        locust.wait_spawned(args.players, timeout=120)
        time.sleep(options.settle)
        worker = one_worker((bench.game[0] if args.target == "api" else locust.service).pid)
        raw = options.workdir / "profile.txt"
        record(worker, args.seconds, raw, "raw")
        record(worker, min(10, args.seconds), options.workdir / "profile.svg", "flamegraph")
        print(summarize(raw, args.top))
    finally:
        bench.launcher.stop_all()


if __name__ == "__main__":
    main()
