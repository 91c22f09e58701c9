"""The cooling-off journey: a reminder two days before the window closes, none once repaid."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from fanzha.campaigns import runner, triggers
from fanzha.campaigns.workspace import Workspace
from fanzha.delivery import record_event
from sqlalchemy import text

from tests.campaigns.conftest import START

pytestmark = pytest.mark.slow


def test_a_reminder_two_days_before_the_end_and_none_after_repayment(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    runner.run_campaign(ws, campaign_file, customers_file, START)
    with ws.engine.connect() as conn:
        keeps, repays = conn.execute(
            text(
                "SELECT customer_id FROM assignments WHERE eligible AND NOT holdout AND locale = 'zh-CN' "
                "ORDER BY customer_id LIMIT 2"
            )
        ).scalars()
    at = START + timedelta(days=1, hours=11)
    for n, customer in enumerate((keeps, repays)):
        record_event(
            ws.engine,
            event_id=f"loan-{n}",
            customer_id=customer,
            kind="first_loan",
            occurred_at=at,
            now=at,
        )
    assert triggers.process_events(ws, at).messages == 8  # (notice + reminder) × (push + feed)
    later = at + timedelta(days=3)
    record_event(
        ws.engine,
        event_id="repaid-1",
        customer_id=repays,
        kind="loan_repaid",
        occurred_at=later,
        now=later,
    )
    assert triggers.process_events(ws, later).events == 1
    with ws.engine.connect() as conn:
        frame = pd.read_sql(text("SELECT * FROM messages WHERE wave LIKE 'cooling:%'"), conn)
    frame["due_at"] = pd.to_datetime(frame["due_at"], utc=True)
    mine = frame[frame["customer_id"] == keeps]
    assert sorted(mine["channel"]) == ["feed", "push"]
    assert set(mine["state"]) == {"pending"}
    assert set(mine["title"]) == {"冷静期还剩2天"}
    assert all("冷静期还剩2天" in body and "您" in body for body in mine["body"])
    # 7 days of free repayment: the reminder is due on day 5, two days before the end
    assert set(mine["due_at"]) == {pd.Timestamp(at) + timedelta(days=5)}
    theirs = frame[frame["customer_id"] == repays]
    assert set(theirs["state"]) == {"cancelled"} and set(theirs["reason"]) == {"loan_repaid"}
