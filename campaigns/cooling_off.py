"""The cooling-off journey: after the first-loan notice, a reminder two days before the end.

The seed's 贷款冷静期 is ``FANZHA_COOLING_OFF_DAYS`` (7) days of free repayment after a first
loan. Each first-loan notice the triggers enqueue brings a second message, due that many days
minus two after the loan ("冷静期还剩2天"); a ``loan_repaid`` event cancels it if it has not
gone out. Hooked into ``triggers.process_events`` (two calls).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from fanzha.campaigns.workspace import Workspace

NOTICE = "loan-cooling-off"


def with_reminders(
    ws: Workspace, rows: pd.DataFrame | None, ev: pd.DataFrame
) -> pd.DataFrame | None:
    """``rows`` plus a reminder for every first-loan notice among them."""
    from fanzha.content.reminders import DAYS_LEFT, cooling_off_reminder
    from fanzha.delivery.risk_cooling import reminder_wave

    days = ws.settings.cooling_off_days
    if rows is None or rows.empty or days <= DAYS_LEFT:
        return rows
    loans = ev.loc[ev["kind"] == "first_loan", ["event_id", "occurred_at"]]
    notices = rows[(rows["warning_id"] == NOTICE) & rows["wave"].isin("event:" + loans["event_id"])]
    if notices.empty:
        return rows
    event_id = notices["wave"].str.removeprefix("event:")
    occurred = event_id.map(dict(zip(loans["event_id"], loans["occurred_at"], strict=True)))
    copy = {loc: cooling_off_reminder(ws.content_config, loc) for loc in notices["locale"].unique()}
    reminders = notices.assign(
        wave=event_id.map(reminder_wave),
        due_at=pd.to_datetime(occurred, utc=True) + timedelta(days=days - DAYS_LEFT),
        title=notices["locale"].map(lambda loc: copy[loc][0]),
        body=notices["locale"].map(lambda loc: copy[loc][1]),
    )
    return pd.concat([rows, reminders], ignore_index=True)


def cancel_when_repaid(ws: Workspace, ev: pd.DataFrame, now) -> int:  # type: ignore[no-untyped-def]
    """Cancel the unsent reminders of customers whose loan_repaid event arrived."""
    from fanzha.delivery.risk_cooling import REPAID, cancel_reminders

    repaid = ev.loc[ev["kind"] == REPAID, "customer_id"].tolist()
    return cancel_reminders(ws.engine, repaid, now) if repaid else 0


__all__ = ["NOTICE", "cancel_when_repaid", "with_reminders"]
