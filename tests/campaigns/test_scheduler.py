"""``fanzha scheduler``: waves, triggers and dispatch as persistent jobs; a restart duplicates nothing."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from fanzha.campaigns import scheduling
from fanzha.campaigns.workspace import Workspace
from sqlalchemy import text

from tests.campaigns.conftest import START

pytestmark = pytest.mark.slow  # a live scheduler


def _count(ws: Workspace, sql: str) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar() or 0)


def _wait_for(predicate, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_scheduler_enqueues_dispatches_and_resumes_without_duplicates(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    from fanzha.delivery import FakeGateway

    with FakeGateway() as gateway:
        local = Workspace(ws.settings.replace(gateway_url=gateway.url))
        # 2027-03-01 12:15 Shanghai: the founders' Monday 12:15 wave is due at once.
        now = START + timedelta(hours=12, minutes=15)
        sched = scheduling.build(local, [campaign_file], customers_file, 1.0, now)
        scheduling.prime(local, [campaign_file], customers_file, now)
        sched.start()
        try:
            assert _wait_for(
                lambda: _count(local, "SELECT COUNT(*) FROM messages WHERE state = 'delivered'") > 0
            )
            ids_before = sched.job_ids()
        finally:
            sched.shutdown()
        messages = _count(local, "SELECT COUNT(*) FROM messages")

        again = scheduling.build(local, [campaign_file], customers_file, 1.0, now)
        again.start()
        try:
            time.sleep(3)
            assert sorted(again.job_ids()) == ids_before
            assert len(ids_before) == 3  # waves, triggers, dispatch — not one per message
        finally:
            again.shutdown()
        assert _count(local, "SELECT COUNT(*) FROM messages") == messages
        accepted = gateway.accepted_ids()
    assert len(accepted) == len(set(accepted)) > 0


def test_a_scheduler_without_a_gateway_delivers_the_feed_and_pushes_wait(
    ws: Workspace, campaign_file: Path, customers_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert ws.settings.gateway_url is None
    now = START + timedelta(hours=12, minutes=15)  # the founders' wave is due
    sched = scheduling.build(ws, [campaign_file], customers_file, 1.0, now)  # no SettingsError
    scheduling.prime(ws, [campaign_file], customers_file, now)
    with caplog.at_level("WARNING"):
        sched.start()
        try:
            feed = "SELECT COUNT(*) FROM messages WHERE channel = 'feed' AND state = 'delivered'"
            assert _wait_for(lambda: _count(ws, feed) > 0)
            assert _wait_for(lambda: "no push gateway is configured" in caplog.text)
        finally:
            sched.shutdown()
    pushes = "SELECT COUNT(*) FROM messages WHERE channel = 'push' AND state = 'pending'"
    assert _count(ws, pushes) > 0
    # No push was leased: a dispatcher without a gateway leaves them to one that has.
    assert _count(ws, "SELECT COUNT(*) FROM messages WHERE claimed_by IS NOT NULL") == 0
