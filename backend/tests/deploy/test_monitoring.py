"""Alert rules and the dashboard: valid for Prometheus, unit-tested alerts, and every metric they name exists."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from prometheus_client import REGISTRY

from tycoon.observability import metrics

from .conftest import REPO, ensure_tool, run

MONITORING = REPO / "deploy" / "monitoring"
PROMQL_WORDS = {
    "sum", "rate", "max", "min", "by", "clamp_min", "histogram_quantile", "topk", "time", "absent", "and",
    "or", "le", "irate", "increase", "avg", "count", "without", "on", "ignoring", "bool", "deriv",
}  # fmt: skip


@pytest.fixture(scope="module")
def promtool() -> str:
    return ensure_tool("promtool", "prometheus")


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((MONITORING / "dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def alert_expressions() -> list[str]:
    groups = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


SERIES_SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_count", "_sum")}


def exposed_names() -> set[str]:
    """Every series name /metrics can show, labelled or not yet observed: ours and the Redis-carried ones."""
    families = [*REGISTRY.collect(), *metrics.BACKGROUND.collect()]
    names = {
        family.name + suffix for family in families for suffix in SERIES_SUFFIXES.get(family.type, ("",))
    }
    return names | {"up"}


def named_metrics(expression: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', "", expression)
    without_labels = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", without_strings)
    words = set(re.findall(r"\b[a-z_][a-z0-9_]*\b", without_labels))
    return words - PROMQL_WORDS - {"handler", "method", "status", "backend", "role", "dependency", "cache", "action",
                                    "scope", "result", "bound", "instance", "job"}  # fmt: skip


def test_alert_rules_are_valid(promtool: str) -> None:
    result = run([promtool, "check", "rules", str(MONITORING / "alerts.yml")])
    assert result.returncode == 0, result.stdout + result.stderr


def test_alerts_fire_on_trouble_and_stay_quiet_otherwise(promtool: str) -> None:
    result = run([promtool, "test", "rules", "alerts.test.yml"], cwd=MONITORING)
    assert result.returncode == 0, result.stdout + result.stderr


def test_prometheus_config_is_valid(promtool: str) -> None:
    result = run([promtool, "check", "config", str(MONITORING / "prometheus.yml")])
    assert result.returncode == 0, result.stdout + result.stderr


def test_dashboard_queries_are_valid_promql(promtool: str, tmp_path: Path) -> None:
    records: dict[str, Any] = {
        "groups": [{"name": "dashboard", "rules": [
            {"record": f"dashboard:query_{number}", "expr": expression}
            for number, expression in enumerate(dashboard_expressions())
        ]}]
    }  # fmt: skip
    rules = tmp_path / "dashboard-rules.yml"
    rules.write_text(yaml.safe_dump(records))
    result = run([promtool, "check", "rules", str(rules)])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("source", ["alerts", "dashboard"])
def test_every_metric_named_exists(source: str) -> None:
    expressions = alert_expressions() if source == "alerts" else dashboard_expressions()
    named = set().union(*(named_metrics(expression) for expression in expressions))
    assert named, "no metric found: the parser is wrong"
    assert named <= exposed_names(), sorted(named - exposed_names())


def test_every_alert_has_a_runbook_section() -> None:
    runbook = (REPO / "docs" / "operations.md").read_text().lower()
    groups = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"]
    for rule in (rule for group in groups for rule in group["rules"]):
        anchor = rule["annotations"]["runbook"].split("#", 1)[1]
        assert f"### {anchor}" in runbook, f"docs/operations.md has no '### {rule['alert']}' section"
