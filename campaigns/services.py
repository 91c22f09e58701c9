"""The long-running services and their keys: dispatch, scheduler, the feed API, feed tokens.

Each refuses to start unless all three keys (``FANZHA_SECRET``, ``FANZHA_BACKEND_KEY``,
``FANZHA_WEBHOOK_SECRET``) are set and strong: a deployment with one key missing is
misconfigured, whichever service notices first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.errors import InputError
from fanzha.campaigns.settings import Settings

if TYPE_CHECKING:
    from fanzha.campaigns.workspace import Workspace
    from fanzha.delivery import FaultSpec
    from fastapi import FastAPI

__all__ = ["dispatch", "fake_gateway", "feed_app", "mint_token", "run_scheduler", "serve"]


def dispatch(
    settings: Settings,
    now: datetime | None,
    *,
    once: bool = False,
    until_idle: bool = False,
    interval: float = 5.0,
    lease_s: float = 60.0,
    workers: int = 1,
    echo: Callable[[str], object] = print,
    warn: Callable[[str], object] = print,
) -> str:
    """Send what is due once, until idle, or until interrupted; a summary of what was sent."""
    from fanzha.campaigns.dispatching import dispatch_loop
    from fanzha.campaigns.workspace import Workspace

    ws = Workspace(settings)
    ws.keys()
    return dispatch_loop(
        ws,
        now,
        once=once,
        until_idle=until_idle,
        interval=interval,
        lease_s=lease_s,
        workers=workers,
        echo=echo,
        warn=warn,
    )


def run_scheduler(
    settings: Settings,
    campaigns: list[Path],
    customers: Path | None,
    tick: float,
    now: datetime | None,
) -> None:
    """Run waves, triggers and dispatch ticks until SIGINT or SIGTERM."""
    from fanzha.campaigns import scheduling
    from fanzha.campaigns.workspace import Workspace

    ws = Workspace(settings)
    ws.keys()
    scheduling.run_scheduler(ws, campaigns, customers, tick, now)


def feed_app(ws: Workspace) -> FastAPI:
    """The feed API over the store and the media cache, with the configured keys."""
    from fanzha.campaigns.risk_check import live_risk_index
    from fanzha.delivery.api import create_app

    s, keys = ws.settings, ws.keys()
    return create_app(
        ws.engine,
        token_keys=keys.token,
        backend_keys=keys.backend,
        webhook_keys=keys.webhook,
        media_dir=s.media_dir.resolve(),  # the warning at start-up names the real folder
        feed_ttl=s.feed_ttl,
        risk_index=live_risk_index(ws),
    )


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the feed API until interrupted (headers limited, no server banner)."""
    from fanzha.campaigns.workspace import Workspace
    from fanzha.delivery.api import serve as serve_app

    serve_app(feed_app(Workspace(settings)), host=host, port=port)


def mint_token(
    settings: Settings, customer_id: str, ttl: timedelta, *, allow_unknown: bool = False
) -> str:
    """A feed token for ``customer_id``, signed with the current ``FANZHA_SECRET`` key.

    The id must be one the store knows (assigned by a campaign, or with a message or feed
    item), so that a typo does not make a token for an empty feed; ``allow_unknown``
    skips the check (a customer the bank adds before the next run).
    """
    from fanzha.delivery.api import mint_token as mint

    keys = settings.keys()
    try:
        token = str(mint(customer_id, keys.token, ttl))
    except ValueError as exc:  # an id the token format cannot carry, said in one line
        raise InputError(str(exc)) from None
    if not allow_unknown:
        _require_known(settings, customer_id)
    return token


def _require_known(settings: Settings, customer_id: str) -> None:
    """Refuse an id no campaign assigned and no message or feed item names.

    Only the three tables are read (no schema-revision check), with the database's own
    driver when it is SQLite or PostgreSQL: minting stays quick.
    """
    from fanzha.delivery.direct import NoTables, customer_known

    no_store = InputError(
        f"the store (FANZHA_DB) has no tables to check customer {customer_id!r} against: "
        "create it (`fanzha db upgrade`) and run a campaign, or pass --allow-unknown"
    )
    try:
        known = customer_known(settings.db_url, customer_id)
    except NoTables:
        raise no_store from None
    if known is None:  # another database: through SQLAlchemy
        known = _known_via_engine(settings.db_url, customer_id, no_store)
    if not known:
        raise InputError(
            f"customer {customer_id!r} is unknown to the store (no campaign assigned them and "
            "they have no message or feed item): check the id, or pass --allow-unknown"
        )


def _known_via_engine(url: str, customer_id: str, no_store: InputError) -> bool:
    """``customer_known`` on a plain engine (delivery's open_engine registers every model)."""
    from fanzha.delivery.api import customer_known
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        return customer_known(engine, customer_id)
    except SQLAlchemyError:
        raise no_store from None
    finally:
        engine.dispose()


def fake_gateway(settings: Settings, host: str, port: int, faults: FaultSpec) -> None:
    """Run the fake push gateway; with FANZHA_WEBHOOK_SECRET set, unsigned batches get 401."""
    from fanzha.delivery import run_fake_gateway

    keys = settings.webhook_keys() if settings.webhook_secret else None
    run_fake_gateway(host, port, faults, keys)
