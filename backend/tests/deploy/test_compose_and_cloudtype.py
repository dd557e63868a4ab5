"""compose.yaml validates (Debian's docker-compose needs no engine for that) and .cloudtype/app.yaml is sound:
every variable they set is a Settings field, and secrets are references, never values."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from tycoon.config import Settings

from .conftest import REPO, ensure_tool, run

SETTINGS_VARIABLES = {name.upper() for name in Settings.model_fields}
SECRETS = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SENTRY_DSN", "METRICS_TOKEN"}


def load(path: str) -> Any:
    return yaml.safe_load((REPO / path).read_text())


def test_compose_file_is_valid() -> None:
    docker_compose = ensure_tool("docker-compose", "docker-compose")
    result = run([docker_compose, "-f", "compose.yaml", "config", "-q"])
    assert result.returncode == 0, result.stderr


def test_compose_runs_the_whole_stack_from_one_image() -> None:
    services = load("compose.yaml")["services"]
    assert {"postgres", "redis", "migrate", "api", "worker", "scheduler", "client"} <= set(services)
    for role in ("api", "worker", "scheduler"):
        assert services[role]["command"] == [role]
        assert services[role]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "tycoon migrate && tycoon seed" in " ".join(services["migrate"]["entrypoint"])
    assert "deploy" not in services["scheduler"]  # never scaled: exactly one scheduler


def test_compose_sets_only_known_variables() -> None:
    environment = load("compose.yaml")["services"]["api"]["environment"]
    assert set(environment) <= SETTINGS_VARIABLES


@pytest.fixture(scope="module")
def cloudtype() -> dict[str, dict[str, Any]]:
    files = (".cloudtype/app.yaml", ".cloudtype/worker.yaml", ".cloudtype/scheduler.yaml")
    return {service["name"]: service for service in map(load, files)}  # one service (a mapping) per file


def test_the_three_services_share_one_environment(cloudtype: dict[str, dict[str, Any]]) -> None:
    # no YAML anchors across files: the copies must not drift
    environments = [service["options"]["env"] for service in cloudtype.values()]
    assert all(env == environments[0] for env in environments)


def test_cloudtype_has_the_api_the_worker_and_one_scheduler(cloudtype: dict[str, dict[str, Any]]) -> None:
    assert set(cloudtype) == {"tycoon-api", "tycoon-worker", "tycoon-scheduler"}
    assert all(service["app"] == "dockerfile" for service in cloudtype.values())
    api = cloudtype["tycoon-api"]["options"]
    assert (api["ports"], api["healthz"], api["dockerfile"]) == ("8000", "/healthz", "Dockerfile")
    assert cloudtype["tycoon-worker"]["options"]["args"] == "worker"
    assert cloudtype["tycoon-scheduler"]["options"]["args"] == "scheduler"
    assert cloudtype["tycoon-scheduler"]["resources"]["replicas"] == 1


def test_cloudtype_secrets_are_references(cloudtype: dict[str, dict[str, Any]]) -> None:
    for service in cloudtype.values():
        variables = {entry["name"]: entry for entry in service["options"]["env"]}
        assert set(variables) <= SETTINGS_VARIABLES
        assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} <= set(variables)
        for name in SECRETS & set(variables):
            assert set(variables[name]) == {"name", "secret"}, f"{service['name']}: {name} must be a secret"
        assert variables["ENVIRONMENT"]["value"] == "production"


def test_cloudtype_guards_metrics_and_sets_same_site_cookies(cloudtype: dict[str, dict[str, Any]]) -> None:
    variables = {entry["name"]: entry for entry in cloudtype["tycoon-api"]["options"]["env"]}
    assert variables["METRICS_TOKEN"] == {"name": "METRICS_TOKEN", "secret": "METRICS_TOKEN"}
    assert variables["COOKIE_SAMESITE"]["value"] == "lax"  # same-origin behind Netlify's /api proxy


def test_netlify_does_not_proxy_the_metrics() -> None:
    rules = tomllib.loads((REPO / "frontend" / "netlify.toml").read_text())["redirects"]
    froms = [rule["from"] for rule in rules]
    assert froms.index("/api/metrics") < froms.index("/api/*")  # the first matching rule wins
    assert rules[froms.index("/api/metrics")]["status"] == 404
