"""Event triggers: a first loan, a new payee or a large transfer brings a warning in time.

Each event is handled on its own: one that cannot become a notice (its warning expired, no
approved one) is marked failed with the reason and counted in ``fanzha report``; it never
holds up other events or other campaigns, and it is not retried. A campaign only answers
events that happen between its start and end dates. An event that names its loan
(``loan_id``) brings one notice per loan, whatever its event id; a trigger with ``once_per``
sends one notice per customer within that window.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from fanzha.campaigns import cooling_off, runner
from fanzha.campaigns import messages as M
from fanzha.campaigns.loader import LoadContext, load_campaign_text
from fanzha.campaigns.spec import Campaign, TriggerSpec
from fanzha.campaigns.workspace import Workspace

log = logging.getLogger(__name__)
TRIGGER_SEGMENT = "__trigger__"


@dataclass
class TriggerResult:
    """Events read and what became of them."""

    events: int = 0
    messages: int = 0
    skipped: int = 0  # messages already there
    failed: int = 0  # events that could not become a notice (reason recorded)
    outside_dates: int = 0  # event x campaign pairs outside the campaign's dates
    repeats: int = 0  # a loan's notice again, or within a trigger's once_per window


def active_campaigns(ws: Workspace) -> list[Campaign]:
    """The active version of every campaign run against this store."""
    from fanzha.delivery.trigger_store import active_campaign_sources

    return [
        load_campaign_text(source, f"<{cid}>", LoadContext())
        for cid, source in active_campaign_sources(ws.engine)
    ]


def process_events(ws: Workspace, now: datetime, *, limit: int = 5000) -> TriggerResult:
    """Turn pending app events into messages (feed at once after the delay; push outside quiet hours)."""
    from fanzha.delivery import enqueue, mark_events_processed, pending_events
    from fanzha.delivery.trigger_store import mark_events_failed

    events = pending_events(ws.engine, limit, now)
    result = TriggerResult(events=len(events))
    if not events:
        return result
    ev = pd.DataFrame([e.__dict__ for e in events])
    failed: dict[str, str] = {}
    for campaign in active_campaigns(ws):
        try:
            rows = _messages_for(ws, campaign, ev, now, failed, result)
            rows = cooling_off.with_reminders(ws, rows, ev)  # the day-5 reminder (cooling_off.py)
        except Exception as exc:  # one campaign's trouble never holds up the others
            log.exception("triggers of campaign %s failed", campaign.id)
            kinds = {t.on for t in campaign.triggers}
            for event_id in ev.loc[ev["kind"].isin(kinds), "event_id"]:
                failed.setdefault(event_id, f"{campaign.id}: {exc}")
            continue
        if rows is not None and not rows.empty:
            outcome = enqueue(ws.engine, rows)
            result.messages += outcome.inserted
            result.skipped += outcome.skipped
    result.failed = mark_events_failed(ws.engine, failed, now)
    cooling_off.cancel_when_repaid(ws, ev, now)  # reminders of repaid loans (cooling_off.py)
    mark_events_processed(ws.engine, [e for e in ev["event_id"] if e not in failed], now)
    if failed:
        log.warning("%d events could not become a notice (see fanzha report)", len(failed))
    return result


def _in_dates(campaign: Campaign, hits: pd.DataFrame) -> pd.Series:
    """Which events happened on a day (in the campaign's zone) the campaign runs."""
    day = pd.to_datetime(hits["occurred_at"], utc=True).dt.tz_convert(campaign.timezone).dt.date
    return (day >= campaign.starts) & (day <= campaign.ends)


def first_per_window(hits: pd.DataFrame, earlier: pd.DataFrame, window: timedelta) -> pd.DataFrame:
    """The events of ``hits`` that come ``window`` or more after the customer's last notice
    (``earlier`` notices, or a kept event of ``hits`` itself)."""
    keep = []
    last = earlier.groupby("customer_id")["occurred_at"].max().to_dict()
    ordered = hits.assign(_at=pd.to_datetime(hits["occurred_at"], utc=True))
    for index, row in ordered.sort_values(["_at", "event_id"]).iterrows():
        before = last.get(row["customer_id"])
        if before is None or row["_at"] - before >= window:
            keep.append(index)
            last[row["customer_id"]] = row["_at"]
    return hits.loc[sorted(keep)]


def _repeats_removed(
    ws: Workspace, campaign: Campaign, trig: TriggerSpec, hits: pd.DataFrame
) -> pd.DataFrame:
    """``hits`` without events for a loan that already brought a notice, nor (with
    ``once_per``) events within the window of the customer's last notice."""
    from fanzha.delivery.trigger_store import earlier_notices

    loans = hits["loan_id"].notna() if "loan_id" in hits else pd.Series(False, index=hits.index)
    if hits.empty or (trig.once_per is None and not loans.any()):
        return hits
    first = pd.to_datetime(hits["occurred_at"], utc=True).min()
    since = None if loans.any() or trig.once_per is None else first - trig.once_per
    earlier = earlier_notices(
        ws.engine,
        campaign.id,
        trig.on,
        hits["customer_id"].unique(),
        since.to_pydatetime() if since is not None else None,
    )
    earlier = earlier[~earlier["event_id"].isin(hits["event_id"])]  # a retried event is no repeat
    if loans.any():
        seen = set(zip(earlier["customer_id"], earlier["loan_id"], strict=True))
        ordered = hits.assign(_at=pd.to_datetime(hits["occurred_at"], utc=True))
        ordered = ordered.sort_values(["_at", "event_id"])
        keys = pd.Series(
            list(zip(ordered["customer_id"], ordered["loan_id"], strict=True)), index=ordered.index
        )
        again = loans.loc[ordered.index] & (keys.isin(seen) | keys.duplicated())
        hits = hits.drop(index=ordered.index[again.to_numpy()])
    if trig.once_per is None:
        return hits
    return first_per_window(hits, earlier, trig.once_per)


def _messages_for(
    ws: Workspace,
    campaign: Campaign,
    ev: pd.DataFrame,
    now: datetime,
    failed: dict[str, str],
    result: TriggerResult,
) -> pd.DataFrame | None:
    from fanzha.content import select_warnings
    from fanzha.delivery.schedule import resolve_zones
    from fanzha.delivery.trigger_store import EVENT_WAVE, trigger_audience

    kinds = {t.on for t in campaign.triggers}
    ev = ev[ev["kind"].isin(kinds)]
    if ev.empty:
        return None
    people = trigger_audience(ws.engine, campaign.id, ev["customer_id"].unique())
    # Holdout customers are never contacted; ineligible ones (no consent, opted out) neither.
    people = people[people["eligible"].astype(bool) & ~people["holdout"].astype(bool)]
    # A zone no one knows becomes the campaign's, as for waves (the loader rejects such rows).
    people = people.assign(timezone=resolve_zones(people["timezone"], campaign.timezone))
    frames = []
    for trig in campaign.triggers:
        hits = ev[ev["kind"] == trig.on].merge(people, on="customer_id", how="inner")
        if not trig.warning:
            hits = hits[hits["segment"].fillna("") != ""]
        dated = _in_dates(campaign, hits)
        result.outside_dates += int((~dated).sum())
        hits = hits[dated]
        once = _repeats_removed(ws, campaign, trig, hits)
        result.repeats += len(hits) - len(once)
        hits = once
        if hits.empty:
            continue
        seg_warnings = {s.id: list(s.warnings) for s in campaign.segments}
        if trig.warning:
            seg_warnings[TRIGGER_SEGMENT] = [trig.warning]
        chooser = hits.assign(segment=TRIGGER_SEGMENT if trig.warning else hits["segment"])
        past = runner.history(ws, hits["customer_id"], now)
        try:
            chosen = select_warnings(
                chooser[["customer_id", "segment", "locale"]].drop_duplicates("customer_id"),
                seg_warnings,
                ws.library,
                wave_index=0,
                history=past,
                now=now,
            )
        except LookupError as exc:  # no approved, unexpired warning: these events fail alone
            for event_id in hits["event_id"]:
                failed.setdefault(event_id, f"{campaign.id}: {exc}")
            continue
        chosen = chosen.drop(columns=["segment"]).rename(columns={"locale": "copy_locale"})
        picks = hits.merge(chosen, on="customer_id", how="inner")
        picks = picks.assign(
            wave=EVENT_WAVE + picks["event_id"],
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
