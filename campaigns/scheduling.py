"""``fanzha scheduler``: APScheduler 3 with its job store in fanzha's own database.

Jobs are campaign waves, trigger processing and dispatch ticks — never one job per message.
Fixed job ids with ``replace_existing`` make a restart resume the same jobs instead of adding
copies; ``coalesce`` and a grace time fold missed runs into one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from campaigns.settings import Settings
from campaigns.workspace import Workspace

log = logging.getLogger("fanzha.scheduler")
MISFIRE_GRACE_S = 120
WAVE_INTERVAL_MIN = 30


def _now(offset_s: float) -> datetime:
    return datetime.fromtimestamp(datetime.now(UTC).timestamp() + offset_s, UTC)


def wave_job(settings: Settings, campaign: str, customers: str, offset_s: float) -> None:
    """Enqueue the campaign's waves that entered the horizon (idempotent)."""
    from campaigns.runner import run_campaign

    result = run_campaign(Workspace(settings), Path(campaign), Path(customers), _now(offset_s))
    log.info(
        "waves %s: enqueued %d, already there %d",
        result.campaign_id,
        result.inserted,
        result.skipped,
    )


def trigger_job(settings: Settings, offset_s: float) -> None:
    """Turn pending app events into messages."""
    from campaigns.triggers import process_events

    result = process_events(Workspace(settings), _now(offset_s))
    if result.events:
        log.info("triggers: %d events → %d messages", result.events, result.messages)


def dispatch_job(settings: Settings, offset_s: float) -> None:
    """Send what is due."""
    from campaigns.dispatching import drain

    totals = drain(Workspace(settings), _now(offset_s))
    if any(totals.values()):
        log.info("dispatch: %s", totals)


def build_scheduler(
    settings: Settings,
    campaigns: list[Path],
    customers: Path | None,
    tick_s: float,
    now: datetime | None,
    *,
    blocking: bool = True,
):  # type: ignore[no-untyped-def]
    """A scheduler whose jobs persist in the store; restarting replaces rather than duplicates."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    url = settings.db_url.replace("postgresql://", "postgresql+psycopg://", 1)
    offset = (now - datetime.now(UTC)).total_seconds() if now else 0.0
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(
        jobstores={"default": SQLAlchemyJobStore(url=url, tablename="scheduler_jobs")},
        executors={"default": ThreadPoolExecutor(1)},  # one job at a time: the store is the lock
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_S},
        timezone=UTC,
    )
    if campaigns and customers is not None:
        for path in campaigns:
            scheduler.add_job(
                wave_job,
                "interval",
                minutes=WAVE_INTERVAL_MIN,
                id=f"waves:{path.resolve()}",
                replace_existing=True,
                args=[settings, str(path.resolve()), str(customers.resolve()), offset],
                next_run_time=datetime.now(UTC),
            )
    scheduler.add_job(
        trigger_job,
        "interval",
        seconds=max(tick_s, 5),
        id="triggers",
        replace_existing=True,
        args=[settings, offset],
    )
    scheduler.add_job(
        dispatch_job,
        "interval",
        seconds=tick_s,
        id="dispatch",
        replace_existing=True,
        args=[settings, offset],
    )
    return scheduler


def run_scheduler(
    ws: Workspace,
    campaigns: list[Path],
    customers: Path | None,
    tick_s: float,
    now: datetime | None,
) -> None:
    """Run until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    _ = ws.engine  # create or upgrade the store before the job store touches it
    for path in campaigns:
        ws.campaign(path)  # refuse to start on a broken file
    scheduler = build_scheduler(ws.settings, campaigns, customers, tick_s, now)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
