"""``fanzha scheduler``: campaign waves, trigger processing and dispatch ticks.

The jobs run on delivery's APScheduler 3 scheduler, whose job store lives in fanzha's own
database: a restart resumes the stored jobs (missed runs coalesced within the grace time)
instead of adding copies. Jobs are never one per message. The job targets below receive the
process's context, so no settings or secrets are pickled into the store.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fanzha.campaigns.workspace import Workspace

if TYPE_CHECKING:
    from fanzha.delivery import FanzhaScheduler, JobSpec

log = logging.getLogger("fanzha.scheduler")
WAVE_INTERVAL_MIN = 30


def wave_job(ctx: Any, now: datetime, campaign: str, customers: str) -> None:
    """Enqueue the campaign's waves that entered the horizon (idempotent)."""
    from fanzha.campaigns.runner import run_campaign

    result = run_campaign(ctx.extra["workspace"], Path(campaign), Path(customers), now)
    log.info(
        "waves %s: enqueued %d, already there %d",
        result.campaign_id,
        result.inserted,
        result.skipped,
    )


def trigger_job(ctx: Any, now: datetime) -> None:
    """Turn pending app events into messages."""
    from fanzha.campaigns.triggers import process_events

    result = process_events(ctx.extra["workspace"], now)
    if result.events:
        log.info("triggers: %d events → %d messages", result.events, result.messages)


def dispatch_job(ctx: Any, now: datetime) -> None:
    """Send what is due: one pass of the dispatch loop."""
    from fanzha.campaigns.dispatching import dispatcher

    sender = dispatcher(ctx.extra["workspace"], ctx.adapters.get("push"), clock=ctx.now_fn)
    stats = sender.run(once=True, now=now)
    if stats.claimed:
        log.info("dispatch: %s", stats)
    note = sender.waiting_note(now)
    if note:
        log.warning(note)


def jobs(campaigns: list[Path], customers: Path | None, tick_s: float) -> list[JobSpec]:
    """The scheduler's job specs: one wave job per campaign file, triggers, dispatch."""
    from fanzha.delivery import JobSpec

    specs = [
        JobSpec(
            id="triggers",
            target="fanzha.campaigns.scheduling:trigger_job",
            trigger_args={"seconds": max(tick_s, 5)},
        ),
        JobSpec(
            id="dispatch",
            target="fanzha.campaigns.scheduling:dispatch_job",
            trigger_args={"seconds": tick_s},
        ),
    ]
    if customers is not None:
        specs += [
            JobSpec(
                id=f"waves:{path.resolve()}",
                target="fanzha.campaigns.scheduling:wave_job",
                trigger_args={"minutes": WAVE_INTERVAL_MIN},
                kwargs={"campaign": str(path.resolve()), "customers": str(customers.resolve())},
            )
            for path in campaigns
        ]
    return specs


def build(
    ws: Workspace,
    campaigns: list[Path],
    customers: Path | None,
    tick_s: float,
    now: datetime | None,
) -> FanzhaScheduler:
    """A scheduler for these campaigns on the workspace's store, with a ``--now`` clock."""
    from fanzha.campaigns.dispatching import push_adapter
    from fanzha.delivery import build_scheduler, offset_clock

    _ = ws.engine  # create or upgrade the store before the job store touches it
    for path in campaigns:
        ws.campaign(path)  # refuse to start on a broken file
    return build_scheduler(
        ws.settings.db_url,
        jobs(campaigns, customers, tick_s),
        offset_clock(now),
        adapters={"push": push_adapter(ws)},
        extra={"workspace": ws},
    )


def prime(ws: Workspace, campaigns: list[Path], customers: Path | None, now: datetime) -> None:
    """Enqueue the current waves at start-up rather than a wave interval later (idempotent)."""
    from fanzha.campaigns.runner import run_campaign

    if customers is None:
        return
    for path in campaigns:
        result = run_campaign(ws, path, customers, now)
        log.info(
            "waves %s: enqueued %d, already there %d",
            result.campaign_id,
            result.inserted,
            result.skipped,
        )


def run_scheduler(
    ws: Workspace,
    campaigns: list[Path],
    customers: Path | None,
    tick_s: float,
    now: datetime | None,
) -> None:
    """Run until SIGINT or SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if campaigns and customers is None:
        log.warning("no --customers: campaign waves are not scheduled, only triggers and dispatch")
    from fanzha.delivery import utcnow

    scheduler = build(ws, campaigns, customers, tick_s, now)
    prime(ws, campaigns, customers, now or utcnow())
    scheduler.run_forever()
