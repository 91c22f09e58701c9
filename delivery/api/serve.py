"""Running the feed API under uvicorn (what ``fanzha serve`` calls), configured for production.

No ``server`` banner; an access log that never holds a token or a client address
(``logs.redacting_log_config``); request heads refused past ``max_header_bytes`` inside the
server (``httplimits``; with h11, its own incomplete-event limit); ``X-Forwarded-*`` trusted
only from ``forwarded_allow_ips`` (uvicorn's default: 127.0.0.1, a proxy on the same host).
"""

from __future__ import annotations

import importlib.util

import uvicorn
from fanzha.delivery.api.httplimits import limited_protocol
from fanzha.delivery.api.logs import redacting_log_config
from fastapi import FastAPI


def server_config(
    app: FastAPI,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    max_header_bytes: int = 16_384,
    log_level: str = "info",
    forwarded_allow_ips: str | None = None,
) -> uvicorn.Config:
    """The uvicorn configuration ``serve`` runs ``app`` with."""
    if importlib.util.find_spec("httptools") is not None:
        http: dict[str, object] = {"http": limited_protocol(max_header_bytes)}
    else:
        http = {"http": "h11", "h11_max_incomplete_event_size": max_header_bytes}
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        log_config=redacting_log_config(log_level),
        log_level=log_level,
        **http,  # type: ignore[arg-type]
    )


def serve(app: FastAPI, host: str = "127.0.0.1", port: int = 8000, **options: object) -> None:
    """Serve ``app`` until interrupted (``options``: those of ``server_config``)."""
    # One process; for several workers run uvicorn with an app factory (see bench/feed.py).
    uvicorn.Server(server_config(app, host, port, **options)).run()  # type: ignore[arg-type]
