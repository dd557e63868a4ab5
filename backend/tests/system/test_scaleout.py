"""Scale-out: two API instances (gunicorn process groups on two ports) behind nginx on loopback.

One player's requests alternate between the instances; sessions, rate limits, the catalogue cache and the
rankings must agree whichever instance answers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKEND, ORIGIN
from tests.system.processes import free_port, wait_until_healthy

pytestmark = pytest.mark.slow

NGINX_CONF = (
    BACKEND.parent / "deploy" / "nginx" / "two-instances.conf.template"
).read_text()  # as `make bench`


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, capture_output=True)
        found = "/usr/sbin/nginx"
    return found


@contextmanager
def _instance(env: dict[str, str], name: str) -> Iterator[int]:
    """One API instance as in production: `tycoon api` (gunicorn, 2 workers)."""
    port = free_port()
    metrics = tempfile.mkdtemp(prefix=f"tycoon-metrics-{name}-")
    env = {**env, "PORT": str(port), "WEB_CONCURRENCY": "2", "PROMETHEUS_MULTIPROC_DIR": metrics}
    log = open(Path(tempfile.gettempdir()) / f"tycoon-test-instance-{name}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "tycoon", "api"], cwd=BACKEND, env=env, stdout=log, stderr=log
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", timeout=60)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def balancer(test_environment: dict[str, str]) -> Iterator[str]:
    env = {**test_environment, "RATE_LIMIT_PLAYER_PER_SECOND": "2", "RATE_LIMIT_PLAYER_BURST": "12"}
    with _instance(env, "one") as first, _instance(env, "two") as second:
        workdir = tempfile.mkdtemp(prefix="tycoon-nginx-")
        os.chmod(workdir, 0o777)  # nginx's worker processes run as nobody and write their temp files here
        port = free_port()
        conf = Path(workdir) / "nginx.conf"
        servers = f"server 127.0.0.1:{first}; server 127.0.0.1:{second};"
        conf.write_text(NGINX_CONF.format(dir=workdir, servers=servers, port=port))
        command = [_nginx(), "-c", str(conf), "-p", workdir, "-g", "daemon off;"]
        nginx = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}")
            yield f"http://127.0.0.1:{port}"
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
            shutil.rmtree(workdir, ignore_errors=True)


def test_a_players_requests_alternate_and_agree(balancer: str) -> None:
    username = f"x{uuid.uuid4().hex[:12]}"
    with httpx.Client(base_url=balancer, headers={"Origin": ORIGIN}) as client:
        signup = client.post("/signup", json={"username": username, "password": "password1"}).json()
        client.headers["Authorization"] = f"Bearer {signup['access_token']}"
        type_id = client.get("/generator_types").json()["types"][0]["id"]
        body = {"user_id": signup["user"]["user_id"], "generator_type_id": type_id, "x_position": 1}
        placed = client.post("/progress", json={**body, "world_position": 0})
        assert placed.status_code == 200, placed.text
        upstreams, generator_counts, ranks = set(), set(), set()
        for _ in range(4):
            response = client.get("/progress")
            upstreams.add(response.headers["x-upstream"])
            generator_counts.add(len(response.json()["generators"]))
            rank = client.get("/rank", params={"criteria": "money"})
            upstreams.add(rank.headers["x-upstream"])
            ranks.add(rank.json()["rank"])
        assert len(upstreams) == 2  # both instances answered
        assert generator_counts == {1}  # the same state from both
        assert len(ranks) == 1  # the same ranking from both
        assert None not in ranks


def test_the_rate_limit_is_shared_by_the_instances(balancer: str) -> None:
    with httpx.Client(base_url=balancer) as client:
        body = {"username": f"y{uuid.uuid4().hex[:12]}", "password": "password1"}
        token = client.post("/signup", json=body).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        statuses = [client.get("/change/rate").status_code for _ in range(24)]
    # burst 12 at 2/s: alone, each instance would allow 12
    assert statuses.count(200) < 20
    assert statuses[:12] == [200] * 12


def _answers(client: httpx.Client, path: str, count: int = 4) -> dict[str, set[int]]:
    """The statuses each instance gave to `count` requests through the balancer, by upstream."""
    seen: dict[str, set[int]] = {}
    for _ in range(count):
        response = client.get(path)
        seen.setdefault(response.headers["x-upstream"], set()).add(response.status_code)
    return seen


def test_a_session_ended_on_one_instance_is_ended_on_both(balancer: str) -> None:
    body = {"username": f"z{uuid.uuid4().hex[:12]}", "password": "password1"}
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))  # each request names its token
    with httpx.Client(base_url=balancer, headers={"Origin": ORIGIN}, cookies=no_cookies) as client:
        tokens = client.post("/signup", json=body).json()
        refreshed = client.post(
            "/refresh/access", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
        )
        assert refreshed.status_code == 200, refreshed.text
        client.headers["Authorization"] = f"Bearer {tokens['access_token']}"  # rotated away by the refresh
        assert list(_answers(client, "/tutorial/status").values()) == [{401}, {401}]
        client.headers["Authorization"] = f"Bearer {refreshed.json()['access_token']}"
        assert list(_answers(client, "/tutorial/status").values()) == [{200}, {200}]
        assert client.post("/logout").status_code == 200
        assert list(_answers(client, "/tutorial/status").values()) == [{401}, {401}]


def test_an_admin_edit_through_one_instance_is_served_by_both_within_a_second(
    balancer: str, test_environment: dict[str, str]
) -> None:
    username = f"a{uuid.uuid4().hex[:12]}"
    with httpx.Client(base_url=balancer, headers={"Origin": ORIGIN}) as client:
        client.post("/signup", json={"username": username, "password": "password1"})
        command = [sys.executable, "-m", "tycoon", "grant-admin", username]
        subprocess.run(command, cwd=BACKEND, env=test_environment, check=True, capture_output=True)
        login = client.post("/login", json={"username": username, "password": "password1"})
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        before = client.get("/generator_types").json()["types"][0]["cost_data"]
        edit = client.patch("/admin/generator_types/0", json={"cost_data": before + 1000}, headers=admin)
        assert edit.status_code == 200, edit.text
        edited_at = time.monotonic()
        try:
            fresh: set[str] = set()  # the instances that have served the new price
            while len(fresh) < 2:
                response = client.get("/generator_types")
                if response.json()["types"][0]["cost_data"] == before + 1000:
                    fresh.add(response.headers["x-upstream"])
                assert time.monotonic() - edited_at < 1.0, f"only {fresh} serve the new price"
        finally:
            client.patch("/admin/generator_types/0", json={"cost_data": before}, headers=admin)
            while client.get("/generator_types").json()["types"][0]["cost_data"] != before:
                time.sleep(0.05)  # other tests expect the original price everywhere
