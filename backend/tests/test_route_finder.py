"""The route of a request answered before routing (a 429, the Origin/CSRF 403), for its log line and metrics."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from tycoon.app import create_app
from tycoon.kit.routes import RouteFinder
from tycoon.observability.middleware import route_template


@pytest.fixture(scope="module")
def finder() -> RouteFinder:
    finder: RouteFinder = create_app(make_settings()).state.route_finder
    return finder


def scope(method: str, path: str, finder: RouteFinder) -> dict[str, object]:
    class State:
        route_finder = finder

    class App:
        state = State()

    return {"type": "http", "method": method, "path": path, "root_path": "", "app": App()}


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/progress", "/progress"),
        ("POST", "/progress", "/progress"),
        (
            "POST",
            "/progress/autosave",
            "/progress/autosave",
        ),  # a fixed path before the template that matches it
        ("POST", "/progress/7f0c/state", "/progress/{generator_id}/state"),
        ("DELETE", "/progress/7f0c", "/progress/{generator_id}"),
        ("DELETE", "/progress/autosave", "/progress/{generator_id}"),  # its method, not the fixed path's
        ("PUT", "/progress", "/progress"),  # the router's 405 names the path too
        ("GET", "/no/such/path", "unmatched"),
    ],
)
def test_a_request_answered_before_routing_is_named_by_its_route(
    finder: RouteFinder, method: str, path: str, template: str
) -> None:
    request = scope(method, path, finder)
    assert route_template(request) == template
    assert route_template(request) == template  # asked again (the log line after the metrics): the same


def test_a_routed_request_keeps_the_route_the_router_gave_it(finder: RouteFinder) -> None:
    request = {**scope("GET", "/progress", finder), "route": None}
    assert route_template(request) == "unmatched"
