"""The FastAPI application of the in-app feed: ``create_app`` builds it over an engine."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import anyio.to_thread
import sqlalchemy as sa
from fanzha.delivery.api import feed_route, routes_backend, routes_customer, view
from fanzha.delivery.api.errors import CursorError, MessageNotFound
from fanzha.delivery.api.feed import ensure_feed_indexes
from fanzha.delivery.api.feed_fast import FeedFastApp
from fanzha.delivery.api.schemas import HealthOut
from fanzha.delivery.api.security import BodyLimitMiddleware
from fanzha.delivery.api.tokens import Secret, TokenCache
from fanzha.delivery.clock import utcnow
from fanzha.delivery.errors import StoreError
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from fanzha.delivery.api.pgasync import AsyncPageReader


@dataclass(frozen=True)
class ApiState:
    """Everything a request handler needs, fixed when the app is built."""

    engine: Engine
    secrets: Mapping[str, Secret]
    backend_key: str
    media_dir: Path
    feed_ttl: timedelta
    clock: Callable[[], datetime]
    tokens: TokenCache
    reader: AsyncPageReader | None = None

    @property
    def current_key(self) -> tuple[str, Secret]:
        """The key id and secret new tokens are signed with (the first one given)."""
        return next(iter(self.secrets.items()))


def create_app(
    engine: Engine,
    *,
    secrets: Mapping[str, Secret],
    backend_key: str,
    media_dir: Path,
    feed_ttl: timedelta,
    max_body_bytes: int = 16_384,
    clock: Callable[[], datetime] | None = None,
    bench_ceiling: bool = False,
    threads: int = 8,
    feed_driver: Literal["auto", "asyncpg", "psycopg"] = "auto",
    feed_connections: int = 8,
) -> FastAPI:
    """The feed API over ``engine``; ``secrets`` maps key id to secret, the first is current.

    On PostgreSQL each server process reads feed pages over ``feed_connections`` async
    connections of ``feed_driver`` ("auto": asyncpg when installed, else psycopg).
    """
    if not secrets:
        raise ValueError("at least one token secret is required")
    if len(backend_key) < 16:
        raise ValueError("the backend key must be at least 16 characters")
    if feed_ttl <= timedelta(0):
        raise ValueError("feed_ttl must be positive")
    ensure_feed_indexes(engine)
    # FeedFastApp: the plain successful feed read skips every layer of FastAPI's stack.
    app = FeedFastApp(
        lifespan=_lifespan(threads),
        title="fanzha feed API",
        version="1",
        description="In-app anti-fraud warnings: the customer feed, media, preferences, events.",
    )
    app.state.fanzha = ApiState(
        engine=engine,
        secrets=dict(secrets),
        backend_key=backend_key,
        media_dir=Path(media_dir),
        feed_ttl=feed_ttl,
        clock=clock or utcnow,
        tokens=TokenCache(secrets),
        reader=_page_reader(engine, feed_driver, feed_connections),
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_exception_handler(MessageNotFound, _not_found)
    app.add_exception_handler(CursorError, _bad_cursor)
    app.add_exception_handler(StoreError, _store_down)
    app.include_router(feed_route.router)
    app.include_router(routes_customer.router)
    app.include_router(routes_backend.router)
    app.include_router(view.router)
    app.add_api_route(
        "/healthz",
        _healthz,
        methods=["GET"],
        response_model=HealthOut,
        responses={503: {"description": "the store cannot be reached"}},
        tags=["ops"],
    )
    if bench_ceiling:
        app.add_api_route("/v1/_ceiling", _ceiling, methods=["GET"], include_in_schema=False)
    return app


def _page_reader(engine: Engine, driver: str, connections: int) -> AsyncPageReader | None:
    """The async feed reader on PostgreSQL; None elsewhere (its drivers are only needed there)."""
    if engine.dialect.name != "postgresql":
        return None
    from fanzha.delivery.api.pgasync import AsyncPageReader

    return AsyncPageReader(engine, size=connections, driver=driver)


def _lifespan(threads: int):  # type: ignore[no-untyped-def]
    """Cap the threads of the blocking handlers; close the async feed connections at the end."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Each handler holds the GIL for most of its time; many threads only make them take
        # turns more often and starve the event loop, which shows up as a long latency tail.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        # Everything built so far (routes, models, schemas) lives as long as the process:
        # moving it out of the collector's reach keeps full collections short, and with them
        # the latency tail.
        gc.freeze()
        yield
        if app.state.fanzha.reader is not None:
            await app.state.fanzha.reader.close()

    return lifespan


def _healthz(request: Request) -> HealthOut:
    """Up, and the store answers."""
    try:
        with request.app.state.fanzha.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        raise HTTPException(status_code=503, detail="store unavailable") from None
    return HealthOut(status="ok")


async def _ceiling() -> dict[str, bool]:
    # Benchmarks only: the same server answering a constant is the upper bound of req/s.
    return {"ok": True}


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=404, content={"detail": "not found"})


async def _store_down(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=503, content={"detail": "store unavailable"})


async def _bad_cursor(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=400, content={"detail": str(exc)})
