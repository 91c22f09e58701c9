"""Loses nothing, sends nothing twice: SIGKILL mid-run, injected faults, concurrent dispatchers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fanzha.delivery import (
    Backoff,
    DispatchConfig,
    Dispatcher,
    FakeGateway,
    FaultSpec,
    MockAdapter,
    WebhookAdapter,
    enqueue,
)
from fanzha.delivery.clock import utcnow
from fanzha.delivery.keys import KeyRing
from fanzha.delivery.models import Message

from tests.conftest import TEST_KEYS, backend_url
from tests.delivery.helpers import messages, states, store, table

ROOT = Path(__file__).resolve().parents[2]
# The dispatchers' FANZHA_WEBHOOK_SECRET, which the gateway checks.
KEYS = KeyRing.parse("FANZHA_WEBHOOK_SECRET", TEST_KEYS["FANZHA_WEBHOOK_SECRET"])


# These runs start real processes and take 2-10 s each. CI runs them on PostgreSQL, where
# dispatchers race through SKIP LOCKED; their SQLite runs are with the long tests (`slow`:
# ./dev test --all), which keeps CI under six minutes on a two-core machine.
@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.slow), "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend (PostgreSQL only when FANZHA_TEST_PG is set)."""
    yield from backend_url(request.param, tmp_path)


def dispatcher_process(
    db_url: str, gateway_url: str, *, batch: int = 100, lease: float = 60.0
) -> subprocess.Popen[str]:
    """A real dispatcher process (``fanzha dispatch --until-idle``), the command users run."""
    cmd = [
        sys.executable,
        "-m",
        "fanzha",
        "dispatch",
        "--until-idle",
        "--interval",
        "0.1",
        "--lease",
        str(lease),
    ]
    env = {
        **os.environ,
        **TEST_KEYS,
        "PYTHONPATH": str(ROOT),
        "FANZHA_DB": db_url,
        "FANZHA_GATEWAY_URL": gateway_url,
        "FANZHA_GATEWAY_BATCH": str(batch),
    }
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen[str], timeout: float = 180) -> dict[str, int]:
    """The counts the dispatcher printed last (``delivered 3000, rejected 0, …``)."""
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    pairs = (part.rsplit(" ", 1) for part in out.strip().splitlines()[-1].split(", "))
    return {name: int(value) for name, value in pairs}


def all_ids(engine) -> set[str]:  # type: ignore[no-untyped-def]
    return set(table(engine, Message)["id"])


def test_a_killed_dispatcher_restarts_and_every_message_arrives_exactly_once(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(3000, due=utcnow() - timedelta(minutes=1)))
    with FakeGateway(FaultSpec(latency_ms=40), keys=KEYS) as gw:
        proc = dispatcher_process(db_url, gw.url, lease=2)
        deadline = time.monotonic() + 60
        while len(gw.accepted_ids()) < 600 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        before = states(engine)
        assert before.get("pending", 0) + before.get("claimed", 0) > 0  # it died mid-run
        finish(dispatcher_process(db_url, gw.url, lease=2))
        accepted = gw.accepted_ids()
        stats = gw.stats()
    assert states(engine) == {"delivered": 3000}
    assert len(accepted) == len(set(accepted)) == 3000
    assert set(accepted) == all_ids(engine)
    # Only the batch in flight at the kill can reach the gateway a second time.
    assert stats["duplicates"] <= 100


def test_with_injected_faults_every_message_ends_delivered_or_dead_lettered(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(3000, due=utcnow() - timedelta(minutes=1)))
    faults = FaultSpec(error_rate=0.2, rate_429=0.1, retry_after=0.05, drop_rate=0.1, seed=11)
    with FakeGateway(faults, keys=KEYS) as gw:
        config = DispatchConfig(
            batch_size=100, max_attempts=5, backoff=Backoff(0.02, 0.2), poll_s=0.05, workers=2
        )
        stats = Dispatcher(
            engine, {"push": WebhookAdapter(gw.url, KEYS, max_batch=100)}, config
        ).run(until_idle=True)
        accepted = gw.accepted_ids()
        gateway = gw.stats()
    rows = table(engine, Message)
    assert set(rows["state"]) <= {"delivered", "dead"}
    assert stats.retried > 0 and gateway["statuses"].get("429", 0) > 0 and gateway["dropped"] > 0
    dead = rows[rows["state"] == "dead"]
    assert (dead["reason"] == "max_attempts").all() and dead["last_error"].str.len().gt(0).all()
    delivered = set(rows.loc[rows["state"] == "delivered", "id"])
    assert len(accepted) == len(set(accepted))  # none duplicated
    assert delivered <= set(accepted) <= set(rows["id"])  # none lost, nothing invented
    assert len(delivered) + len(dead) == 3000


def test_four_concurrent_dispatchers_send_each_message_once(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(6000, due=utcnow() - timedelta(minutes=1)))
    with FakeGateway(FaultSpec(latency_ms=15), keys=KEYS) as gw:
        procs = [dispatcher_process(db_url, gw.url) for _ in range(4)]
        results = [finish(p) for p in procs]
        accepted = gw.accepted_ids()
        gateway = gw.stats()
    assert sum(r["delivered"] for r in results) == 6000
    assert len(accepted) == len(set(accepted)) == 6000
    assert gateway["duplicates"] == 0 and gateway["received"] == 6000
    assert states(engine) == {"delivered": 6000}


@pytest.mark.postgres
def test_skip_locked_claims_do_not_overlap(pg_url: str) -> None:
    engine = store(pg_url)
    enqueue(engine, messages(500))
    d = Dispatcher(engine, {"push": MockAdapter()})
    now = utcnow() + timedelta(days=400)
    # Claims inside open transactions: the second one skips the rows the first has locked.
    with engine.connect() as a, engine.connect() as b:
        import sqlalchemy as sa

        m = Message.__table__
        pick = (
            sa.select(m.c.id)
            .where(m.c.state == "pending")
            .limit(200)
            .with_for_update(skip_locked=True)
        )
        first = {r[0] for r in a.execute(pick)}
        second = {r[0] for r in b.execute(pick)}
        assert len(first) == len(second) == 200 and not first & second
        a.rollback()
        b.rollback()
    assert len(d.claim(now, 500)) == 500
