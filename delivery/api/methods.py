"""405 and OPTIONS answers whose ``Allow`` names every method of the path, not just one route's.

Starlette answers a method it has no route for from the first route whose path matched, so
``OPTIONS /v1/preferences`` said ``Allow: GET`` although ``PUT`` exists (a second route).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse


def _leaves(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route with a path pattern and methods, through included routers."""
    for route in routes:
        if hasattr(route, "path_regex") and getattr(route, "methods", None):
            yield route
        # FastAPI keeps an included router as one entry (its routes inside, unprefixed here).
        inner = getattr(route, "original_router", None) or route
        if inner is not route or not hasattr(route, "path_regex"):
            yield from _leaves(getattr(inner, "routes", ()))


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app answers at this request's path."""
    path = request.url.path.removeprefix(request.scope.get("root_path", ""))
    methods: set[str] = {"OPTIONS"}
    for route in _leaves(request.app.router.routes):
        if route.path_regex.match(path):
            methods |= set(route.methods)
    methods.discard("HEAD")  # FastAPI routes do not answer HEAD
    return sorted(methods)


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    """``OPTIONS``: 204 with ``Allow``; any other method the path lacks: 405 with ``Allow``."""
    allow = ", ".join(allowed_methods(request))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    return JSONResponse({"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": allow})
