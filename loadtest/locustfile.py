"""A player of the web client, at exactly one request per second, in the mix the client sends.

    cd backend && uv run locust -f ../loadtest/locustfile.py --host http://127.0.0.1:8000 \
        --headless -u 200 -r 50 -t 30s

Each player signs up once (or takes a ready account from TYCOON_ACCOUNTS, see below), loads the catalogue and
its progress, places a few plant cells (the first is affordable with the starting money, the others may be
refused), then sends one request per second on a fixed schedule with a random phase: without the phase, players
spawned together would fire together forever. A late answer does not push the schedule back (open loop): a
player never has two requests in flight, so a request sent late counts its latency from its slot, and a slot
that passed entirely while an answer was awaited is recorded as a failure (see PacedUser.wait_time).

Environment (all optional):
    TYCOON_ACCOUNTS         JSON file [{"username", "access_token"}, ...]: players take these instead of signing
                            up (signing up costs an Argon2 hash each); more players than accounts share them
    TYCOON_HISTOGRAM_DIR    directory where each load process writes its latency histograms (see latency.py)
    TYCOON_ORIGIN           Origin header sent with every request (default http://127.0.0.1:5173)
    TYCOON_PLAYER_RPS       requests per second per player (default 1)
    TYCOON_LOCUST_PROCESSES number of Locust worker processes, to split the accounts between them (default 1)
    TYCOON_SCENARIO         "reference": the same pacing against the reference app's GET /hello instead
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
import orjson
from latency import FAILED, OK, REJECTED, Recording, next_slot, write_snapshot
from locust import FastHttpUser, events, task
from locust.contrib.fasthttp import ResponseContextManager
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import MasterRunner, Runner, WorkerRunner

from tycoon.errors import (
    GeneratorLimitReached,
    NotEnoughEnergy,
    NotEnoughMoney,
    NotEnoughMoneyToSkip,
    PositionTaken,
)

ORIGIN = os.environ.get("TYCOON_ORIGIN", "http://127.0.0.1:5173")
REQUESTS_PER_SECOND = float(os.environ.get("TYCOON_PLAYER_RPS", "1"))
PROCESSES = int(os.environ.get("TYCOON_LOCUST_PROCESSES", "1"))
SCENARIO = os.environ.get("TYCOON_SCENARIO", "game")
CRITERIA = ("money", "energy", "playtime", "rebirth", "supercoin")
SETUP_ATTEMPTS = 10
SMALL_EXCHANGE = {"amount_data": 1000, "amount_high": 0}  # one unit of energy
MISSED = "(missed slot)"  # the route name of a slot that passed while the player awaited an answer

RECORDING = Recording()
_runner: Runner | None = None


# Accounts ---------------------------------------------------------------------------------------------------
class AccountPool:
    """Worker process w of P takes accounts w, w + P, w + 2P, ... of the file, re-reading it when it runs out
    (the benchmark adds accounts before each step) and starting over when there are no more."""

    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path else None
        self.accounts: list[dict[str, str]] = []
        self.taken = 0

    def take(self) -> dict[str, str] | None:
        if self.path is None:
            return None
        worker = _runner.worker_index if isinstance(_runner, WorkerRunner) else 0
        index = worker + PROCESSES * self.taken
        if index >= len(self.accounts):
            self.accounts = json.loads(self.path.read_text()) if self.path.exists() else []
        if index >= len(self.accounts):
            if not self.accounts:
                return None
            self.taken, index = 0, worker % len(self.accounts)
        self.taken += 1
        return self.accounts[index]


ACCOUNTS = AccountPool(os.environ.get("TYCOON_ACCOUNTS"))


# Outcomes ---------------------------------------------------------------------------------------------------
# The game's 400s an action of this mix may meet; any other 400 (a validation bug, a wrong id) is a failure.
GAME_REFUSALS = frozenset(
    error.detail
    for error in (NotEnoughMoney, NotEnoughMoneyToSkip, NotEnoughEnergy, GeneratorLimitReached, PositionTaken)
)


def classify(response: ResponseContextManager, may_refuse: bool) -> tuple[str, str]:
    status = response.status_code
    if status == 0:
        return FAILED, type(getattr(response, "error", None)).__name__
    if status < 400 or (status == 400 and may_refuse and refusal_detail(response) in GAME_REFUSALS):
        return OK, str(status)
    if status in (429, 503) and response.headers and response.headers.get("retry-after"):
        return REJECTED, str(status)
    return FAILED, str(status)


def refusal_detail(response: ResponseContextManager) -> str:
    try:
        return str(response.json().get("detail", "?"))[:60]
    except (ValueError, AttributeError):
        return "?"


# Pacing -----------------------------------------------------------------------------------------------------
class PacedUser(FastHttpUser):
    """One request per 1/TYCOON_PLAYER_RPS seconds on a fixed schedule; call start_schedule() once set up."""

    abstract = True
    network_timeout = 10.0
    connection_timeout = 10.0
    next_at = 0.0
    late_by = 0.0  # how long after its slot the next request leaves (its latency counts from the slot)

    def wait_time(self) -> float:
        """The next slot of the schedule. A player never has two requests in flight, so after a slow answer the
        slots that passed meanwhile are never sent: each is recorded as a failure ("missed slot", latency as
        late as it was when given up), and the next request, sent late, counts its latency from its slot —
        so a slow server shows in the percentiles and the error rate instead of slowing the load down."""
        now = time.monotonic()
        slot = next_slot(self.next_at, now, 1 / REQUESTS_PER_SECOND)
        for late in slot.missed:
            RECORDING.record(MISSED, FAILED, late * 1000, "missed slot")
        self.next_at, self.late_by = slot.due, slot.late_by
        return max(0.0, slot.due - now)

    def start_schedule(self) -> None:
        gevent.sleep(random.random() / REQUESTS_PER_SECOND)  # the random phase
        self.next_at = time.monotonic()

    @contextmanager
    def timed(
        self, method: str, path: str, route: str, may_refuse: bool, **kwargs: Any
    ) -> Iterator[ResponseContextManager]:
        """Send, classify and record one request; the caller reads the answer inside the `with`."""
        started = time.perf_counter() - self.late_by
        self.late_by = 0.0
        with self.client.request(method, path, name=route, catch_response=True, **kwargs) as response:
            ms = (time.perf_counter() - started) * 1000
            outcome, status = classify(response, may_refuse)
            RECORDING.record(f"{method} {route}", outcome, ms, status)
            if outcome == OK:
                response.success()
            else:
                response.failure(f"{status} {outcome}")
            yield response


class ReferencePlayer(PacedUser):
    """The same pacing against the reference app's GET /hello: the latency floor of this machine and harness."""

    abstract = SCENARIO != "reference"

    def on_start(self) -> None:
        self.start_schedule()

    @task
    def hello(self) -> None:
        with self.timed("GET", "/hello", "/hello", may_refuse=False):
            pass


# The player -------------------------------------------------------------------------------------------------
class Player(PacedUser):
    abstract = SCENARIO == "reference"
    headers: dict[str, str]
    user_id: str | None = None
    user: dict[str, Any]
    generators: list[dict[str, Any]]
    cheapest_type_id: Any = None

    def on_start(self) -> None:
        self.headers = {"Origin": ORIGIN}
        self.user, self.generators = {}, []
        account = ACCOUNTS.take()
        token = account["access_token"] if account else self.sign_up()
        self.headers["Authorization"] = f"Bearer {token}"
        self.client.cookiejar.clear()  # a Bearer client: no cookies, so no CSRF token either
        for _ in range(SETUP_ATTEMPTS):  # as the web client: a refused start (503 while spawning) is retried
            if self.cheapest_type_id is None:
                self.load_catalogue()
            if self.user_id is None:
                self.progress()
            if self.cheapest_type_id is not None and self.user_id is not None:
                break
            gevent.sleep(1)
        for _ in range(3):
            self.place()
        self.start_schedule()

    def sign_up(self) -> str:
        name = "lt" + uuid.uuid4().hex[:16]
        body = {"username": name, "password": "pw" + uuid.uuid4().hex[:12] + "7"}
        answer = self.call("POST", "/signup", "/signup", body)
        if not answer or "access_token" not in answer:
            raise StopUser()
        return str(answer["access_token"])

    def load_catalogue(self) -> None:
        answer = self.call("GET", "/generator_types", "/generator_types")
        types = (answer or {}).get("generator_types") or []
        if types:
            cheapest = min(types, key=lambda t: (t["cost_high"], t["cost_data"]))
            self.cheapest_type_id = cheapest["generator_type_id"]

    # the mix ----------------------------------------------------------------------------------------------
    @task(40)
    def progress(self) -> None:
        answer = self.call("GET", "/progress", "/progress")
        if answer:
            self.user_id = answer.get("user_id", self.user_id)
            self.user = answer.get("user", self.user)
            self.generators = answer.get("generators", self.generators)

    @task(15)
    def rank(self) -> None:
        self.call("GET", f"/rank?criteria={random.choice(CRITERIA)}", "/rank", parse=False)

    @task(10)
    def ranks(self) -> None:
        self.call(
            "GET", f"/ranks?limit=100&offset=0&criteria={random.choice(CRITERIA)}", "/ranks", parse=False
        )

    @task(10)
    def exchange_rate(self) -> None:
        self.call("GET", "/change/rate", "/change/rate", parse=False)

    @task(10)
    def autosave(self) -> None:
        body: dict[str, Any] = {k: v for k, v in self.user.items() if k.startswith(("energy_", "money_"))}
        body["play_time_ms"] = self.user.get("play_time_ms", 0)
        body["generators"] = [
            {
                "generator_id": g["generator_id"],
                "heat": int(g.get("heat") or 0),
                "running": g.get("running", True),
            }
            for g in self.generators
        ]
        self.remember(self.call("POST", "/progress/autosave", "/progress/autosave", body))

    @task(15)
    def act(self) -> None:
        actions: list[Callable[[], None]] = [
            self.place,
            self.pause_or_resume,
            self.upgrade_generator,
            self.upgrade_production,
            self.sell_energy,
            self.skip_build,
        ]
        random.choice(actions)()

    # actions: a 400 is the game saying no (money, energy, slots) --------------------------------------------
    def place(self) -> None:
        if self.cheapest_type_id is None or self.user_id is None:
            return  # its start never got the catalogue or its progress: nothing to place yet
        body = {
            "user_id": self.user_id,
            "generator_type_id": self.cheapest_type_id,
            "x_position": random.randint(0, 4000),
            "world_position": 0,
        }
        self.remember(self.call("POST", "/progress", "/progress", body, may_refuse=True))

    def pause_or_resume(self) -> None:
        if generator := self.some_generator():
            path = f"/progress/{generator['generator_id']}/state"
            body = {"running": not generator.get("running", True)}
            self.remember(self.call("POST", path, "/progress/{id}/state", body, may_refuse=True))

    def upgrade_generator(self) -> None:
        if generator := self.some_generator():
            path = f"/progress/{generator['generator_id']}/upgrade"
            body = {"upgrade": "production", "amount": 1}
            self.remember(self.call("POST", path, "/progress/{id}/upgrade", body, may_refuse=True))

    def upgrade_production(self) -> None:
        answer = self.call(
            "POST", "/upgrade/production", "/upgrade/production", {"amount": 1}, may_refuse=True
        )
        if answer:
            self.user = answer.get("user", answer)

    def sell_energy(self) -> None:
        self.remember(
            self.call("POST", "/change/energy2money", "/change/energy2money", SMALL_EXCHANGE, may_refuse=True)
        )

    def skip_build(self) -> None:
        if generator := self.some_generator():
            path = f"/progress/{generator['generator_id']}/build/skip"
            self.remember(self.call("POST", path, "/progress/{id}/build/skip", may_refuse=True))

    def some_generator(self) -> dict[str, Any] | None:
        if not self.generators:
            self.place()
            return None
        return random.choice(self.generators)

    def remember(self, answer: dict[str, Any] | None) -> None:
        if not answer:
            return
        self.user = answer.get("user", self.user)
        if generator := answer.get("generator"):
            others = [g for g in self.generators if g.get("generator_id") != generator.get("generator_id")]
            self.generators = [*others, generator]

    # one request --------------------------------------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        route: str,
        body: object = None,
        may_refuse: bool = False,
        parse: bool = True,
    ) -> dict[str, Any] | None:
        """`parse=False` for answers the player does not use: the load generator shares the server's cores."""
        with self.timed(method, path, route, may_refuse, json=body, headers=self.headers) as response:
            if response.status_code == 400 and may_refuse:
                if (detail := refusal_detail(response)) in GAME_REFUSALS:
                    RECORDING.refusals[(f"{method} {route}", detail)] += 1
                return None
            ok = 200 <= response.status_code < 300
            return _json(response) if ok and parse else None


def _json(response: ResponseContextManager) -> dict[str, Any] | None:
    try:
        answer = orjson.loads(response.content or b"")  # faster than json: the load shares the server's cores
    except orjson.JSONDecodeError:
        return None
    return answer if isinstance(answer, dict) else None


# Histogram snapshots ----------------------------------------------------------------------------------------
def _start_snapshots(environment: Environment, **_kwargs: object) -> None:
    global _runner
    _runner = environment.runner
    directory = os.environ.get("TYCOON_HISTOGRAM_DIR")
    if directory and not isinstance(_runner, MasterRunner):
        gevent.spawn(_write_snapshots, Path(directory))


events.init.add_listener(_start_snapshots)  # type: ignore[no-untyped-call]


def _write_snapshots(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    while True:
        write_snapshot(directory, RECORDING)
        gevent.sleep(0.5)
