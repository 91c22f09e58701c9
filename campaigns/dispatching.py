"""Wiring for sending: the gateway adapter and the one dispatch loop, with triggers per tick.

``fanzha dispatch`` (once, until idle, or forever), the scheduler's dispatch tick and the
demo all run ``Dispatcher.run``; only the options differ. Without ``FANZHA_GATEWAY_URL``
the feed is still delivered and pushes wait, pending, with a one-line warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING

from fanzha.campaigns.workspace import Workspace

if TYPE_CHECKING:
    from fanzha.delivery import Dispatcher, DispatchStats, PushAdapter
    from fanzha.delivery.clock import Clock


def push_adapter(ws: Workspace) -> PushAdapter | None:
    """The configured push gateway adapter (webhook or JPush); None without a gateway URL."""
    from fanzha.delivery import JPushAdapter, WebhookAdapter

    s = ws.settings
    if not s.gateway_url:
        return None
    if s.gateway_kind == "jpush":
        return JPushAdapter(
            app_key=s.jpush_app_key,
            master_secret=s.jpush_secret.get_secret_value() if s.jpush_secret else "",
            url=s.gateway_url,
        )
    webhook = ws.keys().webhook  # FANZHA_WEBHOOK_SECRET signs; never the feed-token key
    return WebhookAdapter(s.gateway_url, webhook, max_batch=s.gateway_batch)


def dispatcher(
    ws: Workspace,
    adapter: PushAdapter | None = None,
    *,
    clock: Clock | None = None,
    poll_s: float = 1.0,
    lease_s: float = 60.0,
    workers: int = 1,
) -> Dispatcher:
    """A dispatcher over the store with the push adapter (if any) and the feed channel."""
    from fanzha.delivery import DispatchConfig, Dispatcher, FeedChannel, utcnow

    s = ws.settings
    push = adapter if adapter is not None else push_adapter(ws)
    config = DispatchConfig(
        batch_size=s.gateway_batch,
        lease_s=lease_s,
        workers=workers,
        poll_s=poll_s,
        media_base_url=s.public_url.rstrip("/") + "/v1/media/",
    )
    channels = {"push": push, "feed": FeedChannel(ttl=s.feed_ttl)}
    return Dispatcher(ws.engine, channels, config, clock=clock or utcnow)


def triggers(ws: Workspace) -> Callable[[datetime], object]:
    """The per-tick hook: turn pending app events into messages."""
    from fanzha.campaigns.triggers import process_events

    return lambda now: process_events(ws, now)


def counts(stats: DispatchStats) -> dict[str, int]:
    """Outcome counts of a run (claims and batches left out)."""
    return {k: int(v) for k, v in asdict(stats).items() if k not in ("batches", "claimed")}


def drain(ws: Workspace, now: datetime, adapter: PushAdapter | None = None) -> dict[str, int]:
    """Process triggers, then send everything due at ``now``; counts by outcome."""
    return counts(dispatcher(ws, adapter).run(once=True, now=now, tick=triggers(ws)))


def dispatch_loop(
    ws: Workspace,
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
    """Send due messages once, until idle, or until interrupted (a --now clock runs on).

    Between passes that sent something, a forever loop echoes their counts.
    """
    from fanzha.delivery import offset_clock

    clock = offset_clock(now)
    sender = dispatcher(ws, clock=clock, poll_s=interval, lease_s=lease_s, workers=workers)
    report = None if once or until_idle else (lambda s: echo(summary(counts(s))))
    stats = sender.run(once=once, until_idle=until_idle, now=now, tick=triggers(ws), report=report)
    note = sender.waiting_note(clock())
    if note:
        warn(f"warning: {note}")
    return summary(counts(stats))


def summary(totals: dict[str, int]) -> str:
    """``delivered 3, rejected 0, …`` or ``nothing due``."""
    return ", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "nothing due"
