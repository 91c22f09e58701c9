"""The plain successful ``POST /v1/risk-check`` answered below FastAPI's routing (PostgreSQL).

Like the feed's fast path (``feed_fast``): an open ASGI middleware, innermost, so the bank's
middleware, the security headers and the request limits run as for every request. It answers
only a request with one accepted ``X-Backend-Key``, a JSON content type and a body the route's
own model (``RiskCheckIn``) accepts, through the route's own function (``risk.check_answer``);
anything else, and every error but a store outage (503, as the route answers it), is replayed
to the route, so the contract is the route's. ``RiskWriter.fast_path_served`` counts it.
"""

from __future__ import annotations

from typing import Any

from fanzha.delivery.api.risk import check_answer
from fanzha.delivery.api.risk_schemas import RiskCheckIn
from fanzha.delivery.errors import StoreError
from pydantic import ValidationError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

RISK_PATH = "/v1/risk-check"
_STORE_DOWN = {"detail": "store unavailable"}


def _backend_key(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, bool]:
    """(the one X-Backend-Key, whether the content type is JSON)."""
    key, json_body = None, False
    for name, value in headers:
        if name == b"x-backend-key":
            if key is not None:
                return None, False
            key = value.decode("latin-1")
        elif name == b"content-type":
            json_body = value.split(b";")[0].strip().lower() == b"application/json"
    return key, json_body


class RiskFastPath:
    """ASGI middleware: answers the plain successful risk check, passes everything else on."""

    def __init__(self, app: ASGIApp, state: Any) -> None:  # app.ApiState (no import cycle)
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = self.state
        if not (
            scope["type"] == "http"
            and scope["path"] == RISK_PATH
            and scope["method"] == "POST"
            and state.risk is not None
            and state.risk_writer is not None
        ):
            await self.app(scope, receive, send)
            return
        key, json_body = _backend_key(scope["headers"])
        if not json_body or not state.backend_keys.accepts(key):
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        try:
            body = RiskCheckIn.model_validate_json(raw)
        except ValidationError:
            await self.app(scope, _replay(raw, receive), send)
            return
        try:
            answer = (await check_answer(state, body)).encode("utf-8")
        except StoreError:
            await JSONResponse(_STORE_DOWN, status_code=503)(scope, receive, send)
            return
        state.risk_writer.fast_path_served += 1
        headers = [
            (b"content-length", str(len(answer)).encode()),
            (b"content-type", b"application/json"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})


def _replay(raw: bytes, receive: Receive) -> Receive:
    """A receive that hands the route the body already read, then the client's messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replay
