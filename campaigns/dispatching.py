"""Wiring for sending: gateway adapters, the dispatcher loop and the feed app."""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import UTC, datetime

from fanzha.campaigns.errors import SettingsError
from fanzha.campaigns.workspace import Workspace


def push_adapter(ws: Workspace):  # type: ignore[no-untyped-def]
    """The configured push gateway adapter (webhook or JPush)."""
    from fanzha.delivery import JPushAdapter, WebhookAdapter

    s = ws.settings
    if not s.gateway_url:
        raise SettingsError(
            "FANZHA_GATEWAY_URL is not set: where should pushes go? (try `fanzha gateway fake`)"
        )
    if s.gateway_kind == "jpush":
        return JPushAdapter(
            app_key=s.jpush_app_key,
            master_secret=s.jpush_secret.get_secret_value() if s.jpush_secret else "",
            url=s.gateway_url,
        )
    webhook = ws.keys().webhook  # FANZHA_WEBHOOK_SECRET signs; never the feed-token key
    return WebhookAdapter(s.gateway_url, webhook, max_batch=s.gateway_batch)


def dispatcher(ws: Workspace, adapter=None):  # type: ignore[no-untyped-def]
    """A dispatcher over the store with the push adapter and the feed channel."""
    from fanzha.delivery import DispatchConfig, Dispatcher, FeedChannel

    s = ws.settings
    push = adapter if adapter is not None else push_adapter(ws)
    config = DispatchConfig(
        batch_size=s.gateway_batch, media_base_url=s.public_url.rstrip("/") + "/v1/media/"
    )
    return Dispatcher(ws.engine, {"push": push, "feed": FeedChannel(ttl=s.feed_ttl)}, config)


def drain(ws: Workspace, now: datetime, adapter=None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Process triggers, then send everything due at ``now``; counts by outcome."""
    from fanzha.campaigns.triggers import process_events

    process_events(ws, now)
    stats = dispatcher(ws, adapter).run_once(now)
    return {k: int(v) for k, v in asdict(stats).items() if k not in ("batches", "claimed")}


def dispatch_loop(ws: Workspace, now: datetime | None, *, once: bool, interval: float) -> str:
    """Send due messages once, or tick until interrupted (a --now clock advances in real time)."""
    offset = (now - datetime.now(UTC)) if now else None

    def clock() -> datetime:
        return datetime.now(UTC) + offset if offset is not None else datetime.now(UTC)

    if once:
        return _summary(drain(ws, clock()))
    try:
        while True:
            totals = drain(ws, clock())
            if any(totals.values()):
                print(_summary(totals), flush=True)
            time.sleep(interval)
    except KeyboardInterrupt:
        return "stopped"


def _summary(totals: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "nothing due"
