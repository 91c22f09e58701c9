"""The scheduler: APScheduler 3 with its jobs persisted in the store's own database.

Jobs are campaign waves, trigger processing and dispatch ticks, never one job per message.
A job names its target as ``"module:function"``; the target is called as
``target(ctx, now=..., **kwargs)`` with a :class:`SchedulerContext` that lives only in this
process (engine, adapters, the ``--now`` clock), so nothing secret is pickled into the store.
Restarting keeps each job's next run time: missed runs are coalesced into one within the
misfire grace time instead of being replayed or skipped.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import signal
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from fanzha.delivery.clock import Clock, utcnow
from fanzha.delivery.dispatch_config import DispatchConfig, DispatchStats
from fanzha.delivery.dispatcher import Dispatcher
from fanzha.delivery.errors import ScheduleError
from fanzha.delivery.store import open_engine
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
JOBS_TABLE = "apscheduler_jobs"


@dataclass(frozen=True)
class JobSpec:
    """One recurring job: ``target`` is ``"module:function"``; trigger as APScheduler names it."""

    id: str
    target: str
    trigger: str = "interval"  # interval | cron | date
    trigger_args: Mapping[str, Any] = field(default_factory=dict)
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class SchedulerContext:
    """What jobs of this process share: the store, the channel adapters and the clock."""

    engine: Engine
    adapters: Mapping[str, Any]
    now_fn: Clock = utcnow
    dispatch: DispatchConfig = field(default_factory=DispatchConfig)
    extra: dict[str, Any] = field(default_factory=dict)


_context: SchedulerContext | None = None


def resolve(target: str) -> Any:
    """The callable named by ``"module:function"``."""
    module, _, name = target.partition(":")
    if not module or not name:
        raise ScheduleError(f"a job target must look like 'module:function', got {target!r}")
    return getattr(importlib.import_module(module), name)


def run_job(target: str, kwargs: Mapping[str, Any]) -> Any:
    """What APScheduler runs (picklable): the target with this process's context and clock."""
    if _context is None:
        raise ScheduleError("no scheduler context in this process; use build_scheduler")
    return resolve(target)(_context, now=_context.now_fn(), **dict(kwargs))


def dispatch_tick(ctx: SchedulerContext, now: Any, **_: Any) -> DispatchStats:
    """A dispatch tick: one pass of the dispatch loop over everything due now."""
    dispatcher = Dispatcher(ctx.engine, ctx.adapters, ctx.dispatch, clock=ctx.now_fn)
    stats = dispatcher.run(once=True, now=now)
    note = dispatcher.waiting_note(now)
    if note:
        log.warning(note)
    log.info("dispatch tick: %s", stats)
    return stats


DISPATCH_TICK = "fanzha.delivery.scheduler:dispatch_tick"


def spec_name(spec: JobSpec) -> str:
    """The job's name: its id plus a digest of its definition, to notice changes on restart."""
    definition = json.dumps(
        [spec.target, spec.trigger, dict(spec.trigger_args), dict(spec.kwargs)],
        sort_keys=True,
        default=str,
    )
    return f"{spec.id}#{hashlib.sha256(definition.encode()).hexdigest()[:12]}"


class FanzhaScheduler:
    """A started-on-demand APScheduler whose jobs are synced, not blindly replaced, on start."""

    def __init__(self, scheduler: BackgroundScheduler, jobs: list[JobSpec]) -> None:
        self.scheduler = scheduler
        self.specs = jobs

    def _sync(self) -> None:
        for spec in self.specs:
            args, name = [spec.target, dict(spec.kwargs)], spec_name(spec)
            existing = self.scheduler.get_job(spec.id)
            if existing is None:
                self.scheduler.add_job(
                    run_job,
                    spec.trigger,
                    args=args,
                    id=spec.id,
                    name=name,
                    **dict(spec.trigger_args),
                )
            elif existing.name != name:  # the definition changed: adopt it
                self.scheduler.modify_job(spec.id, args=args, name=name)
                self.scheduler.reschedule_job(
                    spec.id, trigger=spec.trigger, **dict(spec.trigger_args)
                )
            # else: keep the stored job and its next run time (a restart resumes it)

    def start(self) -> None:
        """Start in the background, resuming the stored jobs and adding new ones."""
        self.scheduler.start(paused=True)
        self._sync()
        self.scheduler.resume()

    def run_forever(self) -> None:
        """Start and block until SIGINT or SIGTERM (``fanzha scheduler``)."""
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.start()
        stop.wait()
        self.shutdown()

    def shutdown(self, wait: bool = True) -> None:
        """Stop; running jobs finish first when ``wait``."""
        self.scheduler.shutdown(wait=wait)

    def job_ids(self) -> list[str]:
        """The ids of the stored jobs."""
        return sorted(job.id for job in self.scheduler.get_jobs())


def build_scheduler(
    engine_url: str,
    jobs: Iterable[JobSpec],
    now_fn: Clock = utcnow,
    *,
    adapters: Mapping[str, Any] | None = None,
    dispatch: DispatchConfig | None = None,
    misfire_grace_s: int = 300,
    extra: Mapping[str, Any] | None = None,
) -> FanzhaScheduler:
    """A scheduler over ``jobs`` with its job store in the database at ``engine_url``."""
    global _context
    engine = open_engine(engine_url)
    _context = SchedulerContext(
        engine, dict(adapters or {}), now_fn, dispatch or DispatchConfig(), dict(extra or {})
    )
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        job_defaults={"coalesce": True, "misfire_grace_time": misfire_grace_s, "max_instances": 1},
        timezone=UTC,
    )
    return FanzhaScheduler(scheduler, list(jobs))
