"""The app's own ASGI middleware: security headers on every answer, and request size limits."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Every answer: no MIME sniffing and no Referer leaving the page (always these values); no
# caching of personal data unless a route says otherwise (media and static assets do); and,
# for anything but the HTML view (which sends its own), a policy that lets nothing load or
# frame it.
_ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
_NO_STORE = (b"cache-control", b"no-store")
_LOCKED_DOWN = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
_ALWAYS_NAMES = {name for name, _ in _ALWAYS}


def with_security_headers(
    headers: list[tuple[bytes, bytes]], csp: bool
) -> list[tuple[bytes, bytes]]:
    """``headers`` with the security headers added (the route's own Cache-Control and CSP kept)."""
    kept = [h for h in headers if h[0].lower() not in _ALWAYS_NAMES]
    present = {name.lower() for name, _ in kept}
    kept.extend(_ALWAYS)
    if _NO_STORE[0] not in present:
        kept.append(_NO_STORE)
    if csp and _LOCKED_DOWN[0] not in present:
        kept.append(_LOCKED_DOWN)
    return kept


class SecurityHeaders:
    """Add the security headers to every HTTP answer."""

    def __init__(self, app: ASGIApp, skip_csp: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.skip_csp = skip_csp  # paths whose HTML loads its own scripts (the dev /docs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = scope["path"] not in self.skip_csp

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = with_security_headers(list(message.get("headers", ())), csp)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestLimits:
    """431 for request heads over ``max_header_bytes``; 413 for bodies over ``max_body_bytes``.

    ``serve`` stops an oversized head in the server before it is read whole; this layer holds
    the same limit under any other ASGI server, and reads a streamed body only up to its limit.
    """

    def __init__(self, app: ASGIApp, max_header_bytes: int, max_body_bytes: int) -> None:
        self.app = app
        self.max_header_bytes = max_header_bytes
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = len(scope.get("raw_path") or b"") + len(scope["query_string"])
        declared = None
        for name, value in scope["headers"]:
            head += len(name) + len(value) + 4  # "name: value\r\n"
            if name == b"content-length":
                declared = value
        if head > self.max_header_bytes:
            await _refuse(send, 431, "request header fields too large")
            return
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await _refuse(send, 413, "request body too large")
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
            if len(body) > self.max_body_bytes:
                await _refuse(send, 413, "request body too large")
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


async def _refuse(send: Send, status: int, detail: str) -> None:
    payload = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
