"""The FastAPI application of the in-app feed: ``create_app`` builds it over an engine."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import anyio.to_thread
import sqlalchemy as sa
from fanzha.delivery.api import (
    feed_route,
    risk,
    risk_fast,
    risk_view,
    routes_backend,
    routes_customer,
    view,
)
from fanzha.delivery.api.errors import MessageNotFound
from fanzha.delivery.api.feed_fast import FastPathStats, FeedFastPath
from fanzha.delivery.api.media import MediaImages
from fanzha.delivery.api.methods import method_not_allowed
from fanzha.delivery.api.middleware import RequestLimits, SecurityHeaders
from fanzha.delivery.api.schemas import ErrorOut, HealthOut
from fanzha.delivery.api.tokens import TokenCache
from fanzha.delivery.clock import utcnow
from fanzha.delivery.errors import KeyError_, StoreError
from fanzha.delivery.keys import KeyRing
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from starlette.middleware import Middleware

if TYPE_CHECKING:
    from fanzha.delivery.api.pgasync import AsyncPageReader
    from fanzha.delivery.api.risk_pg import RiskWriter
    from fanzha.delivery.risk_live import LiveRiskIndex

log = logging.getLogger("fanzha.delivery.api")

# What any operation may answer: before its own code runs (RequestLimits), or when the store
# is down (StoreError, or the driver's OperationalError).
COMMON_RESPONSES: dict[int | str, dict[str, object]] = {
    413: {"model": ErrorOut, "description": "request body too large"},
    431: {"model": ErrorOut, "description": "request header fields too large"},
    503: {"model": ErrorOut, "description": "the store cannot be reached"},
}


@dataclass(frozen=True)
class ApiState:
    """Everything a request handler needs, fixed when the app is built."""

    engine: Engine
    token_keys: KeyRing
    backend_keys: KeyRing
    media_dir: Path
    feed_ttl: timedelta
    clock: Callable[[], datetime]
    tokens: TokenCache
    reader: AsyncPageReader | None = None
    fast_path: FastPathStats = field(default_factory=FastPathStats)
    risk: LiveRiskIndex | None = None  # risk prompts' index (None: /v1/risk-check answers 503)
    risk_writer: RiskWriter | None = None  # PostgreSQL: checks stored in batches (risk_pg)
    media: MediaImages = field(init=False)  # every image of a render, from its manifest

    def __post_init__(self) -> None:
        object.__setattr__(self, "media", MediaImages(self.media_dir))


def create_app(
    engine: Engine,
    *,
    token_keys: KeyRing,
    backend_keys: KeyRing,
    webhook_keys: KeyRing,
    media_dir: Path,
    feed_ttl: timedelta,
    middleware: Sequence[Middleware] = (),
    docs: bool = False,
    fast_path: bool = True,
    max_body_bytes: int = 16_384,
    max_header_bytes: int = 16_384,
    clock: Callable[[], datetime] | None = None,
    bench_ceiling: bool = False,
    threads: int = 8,
    feed_driver: Literal["auto", "asyncpg", "psycopg"] = "auto",
    feed_connections: int = 8,
    risk_index: LiveRiskIndex | None = None,
) -> FastAPI:
    """The feed API over ``engine``.

    ``token_keys`` (FANZHA_SECRET) sign and verify feed tokens, ``backend_keys``
    (FANZHA_BACKEND_KEY) admit the bank's backend; ``webhook_keys`` (FANZHA_WEBHOOK_SECRET)
    are not used here but must share no key with the other two, so whoever verifies webhook
    signatures can neither mint nor verify a feed token. ``middleware`` wraps every request,
    the feed's fast path included. ``docs`` serves Swagger UI at /docs (development only: it
    loads its script from a CDN); /openapi.json is always served. On PostgreSQL each server
    process reads feed pages over ``feed_connections`` async connections of ``feed_driver``.
    ``risk_index`` decides risk checks (``delivery.risk_live``; it is refreshed in the
    background while the app runs).
    """
    _check_keys(token_keys, backend_keys, webhook_keys)
    if feed_ttl <= timedelta(0):
        raise ValueError("feed_ttl must be positive")
    state = ApiState(
        engine=engine,
        token_keys=token_keys,
        backend_keys=backend_keys,
        media_dir=Path(media_dir),
        feed_ttl=feed_ttl,
        clock=clock or utcnow,
        tokens=TokenCache(token_keys),
        reader=_page_reader(engine, feed_driver, feed_connections),
        risk=risk_index,
        risk_writer=risk_view.risk_writer(engine) if risk_index is not None else None,
    )
    # Outermost first: the bank's middleware sees every request, then the headers, the limits
    # and, innermost, the feed's fast path (see feed_fast.py).
    stack = [
        *middleware,
        Middleware(SecurityHeaders, skip_csp=frozenset({"/docs"} if docs else ())),
        Middleware(RequestLimits, max_header_bytes=max_header_bytes, max_body_bytes=max_body_bytes),
    ]
    if fast_path:
        stack.append(Middleware(FeedFastPath, state=state))
        stack.append(Middleware(risk_fast.RiskFastPath, state=state))
    app = FastAPI(
        lifespan=_lifespan(threads),
        title="fanzha feed API",
        version="1",
        description="In-app anti-fraud warnings: the customer feed, media, preferences, events.",
        middleware=stack,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.fanzha = state
    app.add_exception_handler(MessageNotFound, _not_found)
    app.add_exception_handler(StoreError, _store_down)
    app.add_exception_handler(sa.exc.OperationalError, _store_down)
    app.add_exception_handler(405, method_not_allowed)
    for router in (feed_route.router, routes_customer.router, routes_backend.router, risk.router):
        app.include_router(router, responses=COMMON_RESPONSES)
    app.include_router(view.router)
    app.include_router(risk_view.router)
    app.add_api_route(
        "/healthz",
        _healthz,
        methods=["GET"],
        response_model=HealthOut,
        responses=COMMON_RESPONSES,
        tags=["ops"],
    )
    if bench_ceiling:
        app.add_api_route("/v1/_ceiling", _ceiling, methods=["GET"], include_in_schema=False)
    return app


def _check_keys(token_keys: KeyRing, backend_keys: KeyRing, webhook_keys: KeyRing) -> None:
    """Refuse anything but three rings that share no key: each secret does one job."""
    rings = {"token_keys": token_keys, "backend_keys": backend_keys, "webhook_keys": webhook_keys}
    for name, ring in rings.items():
        if not isinstance(ring, KeyRing):
            raise TypeError(
                f"{name} must be a KeyRing (see fanzha.delivery.keys), not {type(ring).__name__}"
            )
    seen: dict[bytes, str] = {}
    for ring in rings.values():
        for key in ring.by_id().values():
            other = seen.setdefault(key, ring.variable)
            if other != ring.variable:
                raise KeyError_(ring.variable, f"shares a key with {other}; each needs its own")


def _page_reader(engine: Engine, driver: str, connections: int) -> AsyncPageReader | None:
    """The async feed reader on PostgreSQL; None elsewhere (its drivers are only needed there)."""
    if engine.dialect.name != "postgresql":
        return None
    from fanzha.delivery.api.pgasync import AsyncPageReader

    return AsyncPageReader(engine, size=connections, driver=driver)


def media_problem(media_dir: Path) -> str | None:
    """Why no image could be served from ``media_dir`` (missing, not a folder, empty), or None."""
    if not media_dir.exists():
        return f"media folder {media_dir} does not exist"
    if not media_dir.is_dir():
        return f"media folder {media_dir} is not a folder"
    if next(media_dir.iterdir(), None) is None:
        return f"media folder {media_dir} is empty"
    return None


def _lifespan(threads: int):  # type: ignore[no-untyped-def]
    """Warn about a media folder with nothing in it; cap the blocking handlers' threads."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state: ApiState = app.state.fanzha
        problem = media_problem(state.media_dir)
        if problem:
            log.warning(
                "%s: every card image will answer 404 (point FANZHA_MEDIA_DIR at the folder "
                "`fanzha run` renders into)",
                problem,
            )
        # Each handler holds the GIL for most of its time; many threads only make them take
        # turns more often and starve the event loop, which shows up as a long latency tail.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        # Everything built so far (routes, models, schemas) lives as long as the process:
        # moving it out of the collector's reach keeps full collections short, and with them
        # the latency tail.
        refresher = await risk_view.start_refresh(state.risk)
        gc.freeze()
        yield
        if refresher is not None:
            refresher.cancel()
        if state.risk_writer is not None:
            await state.risk_writer.close()
        if state.reader is not None:
            await state.reader.close()

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
