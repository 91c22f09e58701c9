"""Running the feed API under uvicorn (what ``fanzha serve`` calls)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI


def serve(app: FastAPI, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``app`` until interrupted."""
    # One process; for several workers run uvicorn with an app factory (see bench/feed.py).
    uvicorn.run(app, host=host, port=port, proxy_headers=True, server_header=False)
