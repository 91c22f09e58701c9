"""Who is contacted and what each due send carries: the part of a run that one chunk repeats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from fanzha.campaigns import audience as A
from fanzha.campaigns import experiments as X
from fanzha.campaigns import waves as W
from fanzha.campaigns.spec import Campaign
from fanzha.campaigns.workspace import Workspace


def history(
    ws: Workspace,
    customer_ids: pd.Series | None,
    now: datetime,
    days: int = 28,
    *,
    rebuilding: Campaign | None = None,
) -> pd.DataFrame:
    """Warnings these customers (None: all) were sent, or will be, within the repeat window.

    With ``rebuilding``, that campaign's unsent wave messages are left out: the run builds them
    again (a new version supersedes them).
    """
    from fanzha.delivery.campaign_reads import recent_sends

    by = None if rebuilding is None else rebuilding.id
    return recent_sends(ws.engine, customer_ids, now, days=days, rebuilding=by)


def generic_warnings(ws: Workspace, today) -> list[str]:  # type: ignore[no-untyped-def]
    """Approved warnings that suit anyone (for customers who refused personalization)."""
    return ws.generic_ids(today)


def choose(
    ws: Workspace,
    campaign: Campaign,
    aud: A.Audience,
    now: datetime,
    *,
    arms: dict[str, Any],
    past: pd.DataFrame,
    backlog: pd.DataFrame | None = None,
    since: datetime | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Who is contacted (with arms) and the content of each due send, before ``finish``.

    ``past`` holds recent sends (any customers: only these customers' are read); ``since``
    is where a partial ``backlog`` (one chunk's customers) starts the waves.
    """
    people = X.with_arms(campaign, A.contacted(aud), **arms)
    horizon = ws.settings.horizon
    due = W.due_times(campaign, people, now=now, horizon=horizon, backlog=backlog, since=since)
    past = past[past["customer_id"].isin(people["customer_id"])].reset_index(drop=True)
    generic = generic_warnings(ws, now.date())
    picks = X.pick_by_arm(  # an experiment's story arms pick only their own warning
        campaign,
        people,
        due,
        lambda c, p, d: W.pick_content(
            c,
            p,
            d,
            ws.library,
            history=past,
            now=now,
            generic=generic,
            no_personal=aud.personalization_opt_out,
        ),
    )
    return people, picks


def finish(picks: pd.DataFrame, people: pd.DataFrame, aud: A.Audience) -> pd.DataFrame:
    """Picks with each customer's text mode and zone; no segment for who refused it."""
    picks = picks.merge(people[["customer_id", "large_text"]], on="customer_id", how="left")
    if "timezone" not in picks.columns:
        picks = picks.merge(people[["customer_id", "timezone"]], on="customer_id", how="left")
    # Generic warnings for who refused personalization carry no segment (PIPL art. 24).
    picks.loc[picks["customer_id"].isin(aud.personalization_opt_out), "segment"] = ""
    return picks


def arm_state(ws: Workspace, campaign: Campaign, use_store: bool) -> dict[str, Any]:
    """The bandits' arm layouts and the arms already on messages (none for a dry run)."""
    if not campaign.experiments or not use_store:
        return {}
    from fanzha.campaigns.experiments_bandit import layouts
    from fanzha.delivery.experiments import experiment_events, message_arms

    events = experiment_events(ws.engine, campaign.id)
    return {"layouts": layouts(campaign, events), "recorded": message_arms(ws.engine, campaign.id)}
