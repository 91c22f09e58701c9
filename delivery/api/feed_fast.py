"""The plain successful ``GET /v1/feed`` answered below FastAPI's routing: an open ASGI middleware.

``create_app`` registers ``FeedFastPath`` as the innermost middleware, so everything outside it
runs for every request as usual: Starlette's error layer, the middleware a bank passes to
``create_app(middleware=...)``, the security headers and the request limits. What it skips is
what sits inside: routing, dependency solving and the endpoint wrapper, about a third of the
server's CPU for this request. It parses the query with the route's own model (``FeedQuery``)
and the token with the route's own cache, and answers only when both are valid; any other
request, and every error, goes on to the route, which answers it. So the contract (OpenAPI,
error shapes) is the route's, and the successful body is the same function's
(``feed_route.read_page``). ``FastPathStats.served`` counts the requests it answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from fanzha.delivery.api.errors import TokenError
from fanzha.delivery.api.feed_route import read_page
from fanzha.delivery.api.schemas import FeedQuery
from fanzha.delivery.errors import StoreError
from pydantic import ValidationError
from starlette.datastructures import QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from fanzha.delivery.api.app import ApiState

FEED_PATH = "/v1/feed"
_STORE_DOWN = {"detail": "store unavailable"}  # as app._store_down answers


@dataclass
class FastPathStats:
    """How many feed requests the fast path answered (the rest went to the route)."""

    served: int = 0


def bearer_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The Bearer credentials of a request with one Authorization header and no body."""
    token = None
    for name, value in headers:
        if name == b"authorization":
            if token is not None:
                return None
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not credentials:
                return None
            token = credentials
        elif name in (b"content-length", b"transfer-encoding"):
            return None  # a GET with a body: the route's to answer
    return token


@lru_cache(maxsize=8192)
def feed_query(raw: bytes) -> FeedQuery | None:
    """The feed query, read as the route reads it; None when the route must answer (a 422).

    Kept per query string (most are ``limit=20``, and an app repeats its cursors): parsing
    with the model costs about as much as the rest of the fast path's own work.
    """
    params = QueryParams(raw)
    try:
        return FeedQuery.model_validate({name: params[name] for name in params})
    except ValidationError:
        return None


class FeedFastPath:
    """ASGI middleware: answers the plain successful feed request, passes everything else on."""

    def __init__(self, app: ASGIApp, state: ApiState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == FEED_PATH and scope["method"] == "GET":
            try:
                body = await self._page(scope)
            except StoreError:
                await JSONResponse(_STORE_DOWN, status_code=503)(scope, receive, send)
                return
            if body is not None:
                self.state.fast_path.served += 1
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-length", str(len(body)).encode()),
                            (b"content-type", b"application/json"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    async def _page(self, scope: Scope) -> bytes | None:
        """The page's JSON, or None when the route must answer (an error or an odd request)."""
        token = bearer_token(scope["headers"])
        if token is None:
            return None
        query = feed_query(scope["query_string"])
        if query is None:
            return None
        try:
            customer = self.state.tokens.customer(token, self.state.clock())
        except TokenError:
            return None
        return await read_page(self.state, customer, query)
