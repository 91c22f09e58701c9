"""The successful ``GET /v1/feed`` answered ahead of FastAPI: the hot path's framework cost cut.

Routing, the exception, telemetry and body-limit layers, dependency solving and the endpoint
wrapper cost about as much server CPU as the feed's own work. This ASGI layer sits in front of
them and answers a feed request itself when it is the plain, valid case: a Bearer token that
verifies, at most one ``limit`` and one ``cursor`` in their simple form, no request body. Any
other request, and any request that would be an error (401, 422, 400 for a foreign cursor),
goes on to the FastAPI route unchanged, which answers it exactly as before; so the contract
(OpenAPI, error shapes) is the route's, and this only repeats its successful answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fanzha.delivery.api import page
from fanzha.delivery.api.errors import CursorError, TokenError
from fanzha.delivery.api.feed_route import _CURSOR, _INTEGER, DEFAULT_LIMIT, MAX_LIMIT, page_body
from fanzha.delivery.errors import StoreError
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from fanzha.delivery.api.app import ApiState

FEED_PATH = "/v1/feed"
_STORE_DOWN = {"detail": "store unavailable"}  # as app._store_down answers


def feed_query(raw: bytes) -> tuple[int, str | None] | None:
    """``(limit, cursor)`` of a simple, valid feed query string; None for anything else."""
    limit, cursor, seen = DEFAULT_LIMIT, None, set()
    if raw:
        for part in raw.decode("latin-1").split("&"):
            name, eq, value = part.partition("=")
            # Escapes, repeats and unknown names are the route's to judge (or refuse).
            if not eq or name in seen or "%" in part or "+" in part:
                return None
            seen.add(name)
            if name == "limit" and _INTEGER.fullmatch(value) and 1 <= int(value) <= MAX_LIMIT:
                limit = int(value)
            elif name == "cursor" and _CURSOR.fullmatch(value):
                cursor = value
            else:
                return None
    return limit, cursor


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
            return None  # a GET with a body: the body-limit middleware decides
    return token


class FeedFastApp(FastAPI):
    """FastAPI with ``FeedFastPath`` in front of its whole stack, error layers included.

    Unexpected errors on the fast path reach the server, which answers a plain 500 just as
    Starlette's error layer would; the store being down is answered here (503).
    """

    def build_middleware_stack(self) -> ASGIApp:
        """FastAPI's stack behind the feed's fast path."""
        return FeedFastPath(super().build_middleware_stack(), self.state.fanzha)


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
        query = feed_query(scope["query_string"])
        token = bearer_token(scope["headers"])
        if query is None or token is None:
            return None
        state = self.state
        now = state.clock()
        try:
            customer = state.tokens.customer(token, now)
            limit, cursor = query
            params = page.page_params(
                customer, now=now, ttl=state.feed_ttl, limit=limit, cursor=cursor
            )
        except (TokenError, CursorError):
            return None
        if state.reader is not None:
            rows = await state.reader.fetch_rows(params)
        else:
            rows = await run_in_threadpool(page.fetch_rows, state.engine, params)
        return page_body(rows, limit)
