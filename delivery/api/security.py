"""Authentication dependencies and the request-body size limit."""

from __future__ import annotations

import hmac
import json

from fanzha.delivery.api.errors import TokenError
from fanzha.delivery.api.tokens import TokenCache
from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

bearer = HTTPBearer(auto_error=False, description="customer feed token (fanzha token)")
backend_key_header = APIKeyHeader(
    name="X-Backend-Key", auto_error=False, description="the bank app backend's key"
)

UNAUTHORIZED = HTTPException(
    status_code=401, detail="missing or invalid token", headers={"WWW-Authenticate": "Bearer"}
)


def customer_from_token(request: Request, token: str | None) -> str:
    """The customer a token names, or a 401."""
    state = request.app.state.fanzha
    tokens: TokenCache = state.tokens
    if not token:
        raise UNAUTHORIZED
    try:
        return tokens.customer(token, state.clock())
    except TokenError:
        # One answer for every failure: a caller learns nothing about why.
        raise UNAUTHORIZED from None


async def current_customer(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> str:
    """The authenticated customer of a feed request."""
    # async although it never awaits: a plain def would cost a threadpool hop per request.
    return customer_from_token(request, credentials.credentials if credentials else None)


async def require_backend(request: Request, key: str | None = Depends(backend_key_header)) -> None:
    """Let only the bank's app backend through."""
    expected: str = request.app.state.fanzha.backend_key
    if not key or not hmac.compare_digest(key.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="missing or invalid backend key")


class BodyLimitMiddleware:
    """Answer 413 to bodies over ``max_bytes`` (declared or streamed) before any handler runs."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _too_large(send)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        # Read the (small) body here so a chunked upload cannot slip past the limit.
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await _too_large(send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    payload = json.dumps({"detail": "request body too large"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
