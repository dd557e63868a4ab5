"""What the app's routes say about a request without routing it: the route it would reach, whether any route takes
its method, and the `Allow` of its 405."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope


class RouteFinder:
    """The route the router would take for a request (the exact method first), found without routing it: fixed
    paths by a look-up, templates by their patterns. Asked only of requests answered before routing."""

    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        with_methods = [route for route in routes if isinstance(route, Route) and route.methods]
        self._fixed: dict[str, list[Route]] = {}
        for route in with_methods:
            if "{" not in route.path:
                self._fixed.setdefault(route.path, []).append(route)
        self._templated = [route for route in with_methods if "{" in route.path]

    def find(self, scope: Scope) -> Route | None:
        # as the router: the first route that takes path and method, else the first that takes the path
        partial: Route | None = None
        candidates: list[Route] = [*self._fixed.get(scope["path"], ()), *self._templated]
        for route in candidates:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return route
            if match is Match.PARTIAL and partial is None:
                partial = route
        return partial

    def takes(self, scope: Scope) -> bool:
        """Whether a route takes the request's method at its path."""
        route = self.find(scope)
        return route is not None and scope["method"] in (route.methods or ())


def _routes_at(routes: Iterable[BaseRoute], path: str) -> list[Route]:
    """The routes with methods whose path matches `path`."""
    return [r for r in routes if isinstance(r, Route) and r.methods and r.path_regex.match(path)]


def allowed_methods(routes: Iterable[BaseRoute], path: str) -> str:
    """The `Allow` of a 405: the methods of every route at `path`, where the router names only the first route
    that matched (GET /progress for a PUT, where POST /progress is served too). A fixed path hides the templates
    that also match it, as in the OpenAPI document (/progress/autosave is not /progress/{generator_id})."""
    matching = _routes_at(routes, path)
    exact = [route for route in matching if route.path == path]
    return ", ".join(sorted({method for route in exact or matching for method in route.methods or ()}))
