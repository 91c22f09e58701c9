"""Event triggers: campaign dates, one notice per loan window, bad events set aside alone."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.campaigns import dispatching, runner, triggers
from fanzha.campaigns.workspace import Workspace
from fanzha.delivery import MockAdapter, pending_events, record_event
from fanzha.delivery.models import AppEvent, Assignment, Message
from fanzha.delivery.trigger_store import failed_event_count, failed_events

from tests.campaigns.conftest import START

pytestmark = pytest.mark.slow  # a campaign run with renders

NOON = START + timedelta(days=2, hours=12)  # 2027-03-03 12:00 Shanghai, outside quiet hours


@pytest.fixture(scope="module")
def few_customers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fanzha.segments import generate_customers, write_customers

    path = tmp_path_factory.mktemp("few") / "customers.parquet"
    write_customers(generate_customers(400, seed=5), path)
    return path


@pytest.fixture
def ran(ws: Workspace, campaign_file: Path, few_customers: Path) -> list[str]:
    """The campaign run; some contactable customers with a segment."""
    runner.run_campaign(ws, campaign_file, few_customers, START)
    a = Assignment.__table__
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(a.c.customer_id)
            .where(a.c.eligible, ~a.c.holdout, a.c.segment != "")
            .order_by(a.c.customer_id)
            .limit(4)
        ).all()
    return [r[0] for r in rows]


def event(
    ws: Workspace,
    event_id: str,
    customer: str,
    at: datetime,
    kind: str = "first_loan",
    loan: str | None = None,
) -> None:
    assert record_event(
        ws.engine,
        event_id=event_id,
        customer_id=customer,
        kind=kind,
        occurred_at=at,
        now=at,
        loan_id=loan,
    )


def notices(ws: Workspace, customer: str) -> pd.DataFrame:
    m = Message.__table__
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(m.c.wave, m.c.channel, m.c.timezone, m.c.state).where(
                m.c.customer_id == customer, m.c.wave.like("event:%")
            )
        ).all()
    return pd.DataFrame(rows, columns=["wave", "channel", "timezone", "state"])


def test_an_event_whose_warning_expired_fails_alone_with_its_reason(
    ws: Workspace, ran: list[str], tmp_path: Path
) -> None:
    from fanzha.content import BUNDLED

    library = tmp_path / "library"
    shutil.copytree(BUNDLED, library)
    for locale in ("zh-CN", "en"):
        target = library / locale / "loan-cooling-off.yaml"
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("expires: 2027-12-31", "expires: 2027-03-02"), "utf-8")
    later = Workspace(ws.settings.replace(content_paths=(library,)))
    loan, payee = ran[0], ran[1]
    event(ws, "loan-late", loan, NOON)  # the notice expired the day before
    event(ws, "payee-1", payee, NOON, kind="new_payee")  # its segment's warnings are fine
    dispatching.drain(later, NOON + timedelta(minutes=15), MockAdapter())  # no error
    assert notices(ws, loan).empty
    sent = notices(ws, payee)  # the payee's push and feed item went out
    assert len(sent) == 2 and set(sent["state"]) == {"delivered"}
    assert pending_events(ws.engine, 10, NOON + timedelta(days=1)) == []  # not retried
    failed = failed_events(ws.engine)
    assert list(failed["event_id"]) == ["loan-late"]
    assert "no approved, unexpired warning" in failed["failed_reason"].item()
    assert failed_event_count(ws.engine) == 1


def test_the_report_counts_events_that_brought_no_notice(ws: Workspace, ran: list[str]) -> None:
    from fanzha.campaigns.api import report

    e = AppEvent.__table__
    event(ws, "gone", ran[0], NOON)
    with ws.engine.begin() as conn:  # as the trigger processor leaves one it could not use
        conn.execute(sa.update(e).values(processed_at=NOON, failed_reason="c: no approved warning"))
    out = report(
        "spring-2027-new-citizens", ws.settings.media_dir.parent / "rep", settings=ws.settings
    )
    assert "app events that brought no notice (warning unavailable): 1" in out.render()


def test_events_outside_the_campaign_dates_bring_no_notice(ws: Workspace, ran: list[str]) -> None:
    event(ws, "before", ran[0], START - timedelta(days=3))
    event(ws, "after", ran[1], datetime.fromisoformat("2027-05-02T12:00+08:00"))
    result = triggers.process_events(ws, datetime.fromisoformat("2027-05-03T00:00+08:00"))
    assert (result.events, result.messages, result.outside_dates) == (2, 0, 2)
    assert notices(ws, ran[0]).empty and notices(ws, ran[1]).empty
    assert failed_event_count(ws.engine) == 0  # nothing wrong with them: processed, no notice


def test_the_same_loan_posted_again_brings_one_notice_in_thirty_days(
    ws: Workspace, ran: list[str]
) -> None:
    customer = ran[0]
    event(ws, "loan-a", customer, NOON)
    event(ws, "loan-a-again", customer, NOON + timedelta(minutes=5))  # same batch
    first = triggers.process_events(ws, NOON + timedelta(minutes=6))
    assert (first.messages, first.repeats) == (2, 1)
    event(ws, "loan-a-third", customer, NOON + timedelta(days=3))  # a later batch
    assert triggers.process_events(ws, NOON + timedelta(days=3)).repeats == 1
    event(ws, "loan-b", customer, NOON + timedelta(days=31))  # a new loan, a month on
    assert triggers.process_events(ws, NOON + timedelta(days=31)).messages == 2
    assert sorted(set(notices(ws, customer)["wave"])) == ["event:loan-a", "event:loan-b"]


def test_a_loan_posted_again_under_a_new_event_id_brings_no_second_notice(
    ws: Workspace, ran: list[str]
) -> None:
    customer, later = ran[3], NOON + timedelta(days=40)  # beyond the trigger's 30-day window
    event(ws, "e1", customer, NOON, loan="L-1")
    event(ws, "e1-again", customer, NOON + timedelta(minutes=1), loan="L-1")  # same batch
    first = triggers.process_events(ws, NOON + timedelta(minutes=2))
    assert (first.messages, first.repeats) == (2, 1)
    event(ws, "e1-weeks-later", customer, later, loan="L-1")
    event(ws, "e2", customer, later + timedelta(minutes=1), loan="L-2")
    second = triggers.process_events(ws, later + timedelta(minutes=2))
    assert (second.messages, second.repeats) == (2, 1)
    assert sorted(set(notices(ws, customer)["wave"])) == ["event:e1", "event:e2"]


def test_a_trigger_message_never_carries_an_unknown_time_zone(
    ws: Workspace, ran: list[str]
) -> None:
    a = Assignment.__table__
    with ws.engine.begin() as conn:  # a row stored before zones were checked at load
        conn.execute(sa.update(a).where(a.c.customer_id == ran[2]).values(timezone="Asia/Shangai"))
    event(ws, "loan-z", ran[2], NOON)
    dispatching.drain(ws, NOON + timedelta(minutes=15), MockAdapter())
    sent = notices(ws, ran[2])
    assert len(sent) == 2
    assert set(sent["timezone"]) == {"Asia/Shanghai"} and set(sent["state"]) == {"delivered"}
