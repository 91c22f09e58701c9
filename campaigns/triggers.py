"""Event triggers: a first loan, a new payee or a large transfer brings a warning in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from fanzha.campaigns import cooling_off, runner
from fanzha.campaigns import messages as M
from fanzha.campaigns.loader import LoadContext, load_campaign_text
from fanzha.campaigns.spec import Campaign
from fanzha.campaigns.workspace import Workspace
from sqlalchemy import text

TRIGGER_SEGMENT = "__trigger__"


@dataclass
class TriggerResult:
    """Events read and messages they produced."""

    events: int = 0
    messages: int = 0
    skipped: int = 0


def active_campaigns(ws: Workspace) -> list[Campaign]:
    """The active version of every campaign run against this store."""
    with ws.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT source, campaign_id FROM campaign_versions WHERE active")
        ).all()
    return [load_campaign_text(source, f"<{cid}>", LoadContext()) for source, cid in rows]


def process_events(ws: Workspace, now: datetime, *, limit: int = 5000) -> TriggerResult:
    """Turn pending app events into messages (feed at once after the delay; push outside quiet hours)."""
    from fanzha.delivery import enqueue, mark_events_processed, pending_events

    events = pending_events(ws.engine, limit, now)
    result = TriggerResult(events=len(events))
    if not events:
        return result
    ev = pd.DataFrame([e.__dict__ for e in events])
    for campaign in active_campaigns(ws):
        rows = cooling_off.with_reminders(ws, _messages_for(ws, campaign, ev, now), ev)
        if rows is not None and not rows.empty:
            outcome = enqueue(ws.engine, rows)
            result.messages += outcome.inserted
            result.skipped += outcome.skipped
    cooling_off.cancel_when_repaid(ws, ev, now)  # reminders of repaid loans (cooling_off.py)
    mark_events_processed(ws.engine, ev["event_id"].tolist(), now)
    return result


def _assignments(ws: Workspace, campaign_id: str, customer_ids: list[str]) -> pd.DataFrame:
    query = text(
        "SELECT customer_id, segment, holdout, eligible, locale, timezone FROM assignments WHERE campaign_id = :c"
    )
    with ws.engine.connect() as conn:
        frame = pd.read_sql(query, conn, params={"c": campaign_id})
    return frame[frame["customer_id"].isin(customer_ids)]


def _messages_for(
    ws: Workspace, campaign: Campaign, ev: pd.DataFrame, now: datetime
) -> pd.DataFrame | None:
    from fanzha.content import select_warnings

    people = _assignments(ws, campaign.id, ev["customer_id"].unique().tolist())
    # Holdout customers are never contacted; ineligible ones (no consent, opted out) neither.
    people = people[people["eligible"].astype(bool) & ~people["holdout"].astype(bool)]
    frames = []
    for trig in campaign.triggers:
        hits = ev[ev["kind"] == trig.on].merge(people, on="customer_id", how="inner")
        if not trig.warning:
            hits = hits[hits["segment"].fillna("") != ""]
        if hits.empty:
            continue
        seg_warnings = {s.id: list(s.warnings) for s in campaign.segments}
        if trig.warning:
            seg_warnings[TRIGGER_SEGMENT] = [trig.warning]
        chooser = hits.assign(segment=TRIGGER_SEGMENT if trig.warning else hits["segment"])
        past = runner.history(ws, hits["customer_id"], now)
        chosen = select_warnings(
            chooser[["customer_id", "segment", "locale"]].drop_duplicates("customer_id"),
            seg_warnings,
            ws.library,
            wave_index=0,
            history=past,
            now=now,
        )
        chosen = chosen.drop(columns=["segment"]).rename(columns={"locale": "copy_locale"})
        picks = hits.merge(chosen, on="customer_id", how="inner")
        picks = picks.assign(
            wave="event:" + picks["event_id"],
            due_at=pd.to_datetime(picks["occurred_at"], utc=True) + trig.delay,
            large_text=False,
        )
        picks.loc[picks["segment"] == "", "segment"] = TRIGGER_SEGMENT if trig.warning else ""
        frames.append(picks)
    if not frames:
        return None
    picks = pd.concat(frames, ignore_index=True).drop_duplicates(["customer_id", "wave"])
    copies = M.resolve_copies(ws, campaign, picks)
    images = M.render_cards(ws, campaign, picks, copies)
    # The feed item appears after the delay; the push also waits out quiet hours, which the
    # dispatcher enforces at send time from the message's own quiet_hours and time zone.
    return M.build_messages(ws, campaign, picks, copies, images)
