"""405 and OPTIONS answers whose ``Allow`` names every method of the path, not just one route's.

Starlette answers a method it has no route for from the first route whose path matched, so
``OPTIONS /v1/preferences`` said ``Allow: GET`` although ``PUT`` exists (a second route).
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.routing import Match


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app answers at this request's path."""
    scope = dict(request.scope)
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"})


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    """``OPTIONS``: 204 with ``Allow``; any other method the path lacks: 405 with ``Allow``."""
    allow = ", ".join(allowed_methods(request))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    return JSONResponse({"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": allow})
