"""The scheduler: jobs persisted in the store, resumed on restart, misfires coalesced."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from fanzha.delivery import (
    DISPATCH_TICK,
    JobSpec,
    MockAdapter,
    build_scheduler,
    enqueue,
    fixed_clock,
)
from fanzha.delivery.clock import utcnow

from tests.delivery.helpers import T0, messages, states, store

TARGET = "tests.delivery.scheduled_jobs:record"


def runs(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def wait_for(predicate, timeout: float = 15.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def backdate(url: str, job_id: str, when: datetime) -> None:
    """Set a stored job's next run time, as if the scheduler had been down since then."""
    jobstore = SQLAlchemyJobStore(engine=store(url), tablename="apscheduler_jobs")
    jobstore.start(BackgroundScheduler(), "default")
    job = jobstore.lookup_job(job_id)
    job._modify(next_run_time=when)
    jobstore.update_job(job)


def stored_jobs(url: str) -> int:
    engine = store(url)
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM apscheduler_jobs")).scalar_one())


def test_restarting_resumes_the_stored_jobs_without_duplicates(db_url: str, tmp_path: Path) -> None:
    store(db_url)
    log = tmp_path / "runs.txt"
    jobs = [
        JobSpec("wave:spring", TARGET, "interval", {"seconds": 1}, {"path": str(log)}),
        JobSpec("dispatch", DISPATCH_TICK, "interval", {"seconds": 30}),
    ]
    first = build_scheduler(db_url, jobs, adapters={"push": MockAdapter()})
    first.start()
    assert wait_for(lambda: len(runs(log)) >= 1)
    first.shutdown()
    second = build_scheduler(db_url, jobs, adapters={"push": MockAdapter()})
    second.start()
    count = len(runs(log))
    assert wait_for(lambda: len(runs(log)) > count)
    assert second.job_ids() == ["dispatch", "wave:spring"]
    second.shutdown()
    assert stored_jobs(db_url) == 2


def test_missed_runs_are_coalesced_into_one(db_url: str, tmp_path: Path) -> None:
    store(db_url)
    log = tmp_path / "runs.txt"
    jobs = [JobSpec("hourly", TARGET, "interval", {"minutes": 1}, {"path": str(log)})]
    first = build_scheduler(db_url, jobs)
    first.start()
    first.shutdown()
    # The process was down for five minutes: five runs were missed.
    backdate(db_url, "hourly", utcnow() - timedelta(minutes=5))
    second = build_scheduler(db_url, jobs, misfire_grace_s=600)
    second.start()
    assert wait_for(lambda: len(runs(log)) >= 1)
    time.sleep(1.0)
    second.shutdown()
    assert len(runs(log)) == 1


def test_a_changed_job_definition_replaces_the_stored_one(db_url: str, tmp_path: Path) -> None:
    store(db_url)
    old = [JobSpec("wave", TARGET, "interval", {"minutes": 10}, {"path": str(tmp_path / "a")})]
    new = [JobSpec("wave", TARGET, "interval", {"seconds": 1}, {"path": str(tmp_path / "b")})]
    first = build_scheduler(db_url, old)
    first.start()
    first.shutdown()
    second = build_scheduler(db_url, new)
    second.start()
    assert wait_for(lambda: len(runs(tmp_path / "b")) >= 1)
    second.shutdown()
    assert runs(tmp_path / "a") == [] and stored_jobs(db_url) == 1


def test_dispatch_ticks_use_the_schedulers_clock(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(50, due=T0), now=T0)  # due in 2027: only a --now clock sends them
    mock = MockAdapter()
    jobs = [JobSpec("dispatch", DISPATCH_TICK, "interval", {"seconds": 1})]
    sched = build_scheduler(
        db_url, jobs, fixed_clock(T0 + timedelta(minutes=1)), adapters={"push": mock}
    )
    sched.start()
    assert wait_for(lambda: states(engine) == {"delivered": 50})
    sched.shutdown()
    assert len(mock.sent_ids) == 50
