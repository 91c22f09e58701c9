"""What the report reads besides the funnel: the stored campaign, activity, outcomes, events;
and the funnel figures (customers and messages on separate charts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from fanzha.campaigns.errors import CampaignNotFound
from fanzha.campaigns.report_analysis import Analysis, primary_events
from fanzha.campaigns.spec import Campaign, ExperimentSpec
from fanzha.campaigns.workspace import Workspace
from matplotlib.figure import Figure

__all__ = [
    "Gathered",
    "as_of",
    "customer_funnel",
    "figures",
    "gather",
    "stored_campaign",
    "uplift",
    "weights_figure",
]


def stored_campaign(ws: Workspace, campaign_id: str) -> tuple[Campaign, str, str]:
    """The campaign as run (its stored file), its display name and version."""
    from fanzha.campaigns.cross_checks import LoadContext
    from fanzha.campaigns.loader import load_campaign_text
    from fanzha.delivery.experiments import campaign_record

    record = campaign_record(ws.engine, campaign_id)
    if record is None:
        raise CampaignNotFound(
            f'no campaign "{campaign_id}" has been run against {ws.settings.db_url}'
        )
    name, source = record
    campaign = load_campaign_text(source, f"{campaign_id} (as run)", LoadContext())
    return campaign, name, campaign.version


@dataclass
class Gathered:
    """The store's data for one report."""

    activity: pd.DataFrame
    outcomes: pd.DataFrame | None
    opt_outs: pd.DataFrame
    arms: pd.DataFrame
    events: list[dict[str, Any]]
    control: int
    epoch: str = ""  # the global control group's epoch label, when there is a group


def gather(
    ws: Workspace, campaign: Campaign, groups: pd.DataFrame, outcomes_path: Path | None
) -> Gathered:
    """Activity per customer, outcomes (file or store), opt-outs, arms and events."""
    from fanzha.campaigns.outcomes import read_any
    from fanzha.delivery import experiments as E

    engine = ws.engine
    if outcomes_path is not None:
        outcomes: pd.DataFrame | None = read_any(outcomes_path)
    else:
        stored = E.read_outcomes(engine)
        outcomes = stored[stored["customer_id"].isin(set(groups["customer_id"]))]
    start = datetime.combine(campaign.starts, datetime.min.time(), tzinfo=UTC)
    events = E.experiment_events(engine, campaign.id)
    epochs = [e["payload"]["label"] for e in events if e["kind"] == "control_epoch"]
    return Gathered(
        E.customer_activity(engine, campaign.id),
        outcomes,
        E.opt_outs_since(engine, start),
        E.message_arms(engine, campaign.id),
        [e for e in events if e["kind"] != "control_epoch"],
        E.control_members(engine, campaign.id),
        epochs[-1] if epochs else "",
    )


def as_of(campaign: Campaign, outcomes: pd.DataFrame | None) -> date:
    """The latest outcome date, else today (never after the campaign's end)."""
    if outcomes is not None and not outcomes.empty:
        dated = pd.to_datetime(outcomes["date"]).dropna()
        if len(dated):
            return dated.max().date()
    return min(datetime.now(UTC).date(), campaign.ends)


# The customer funnel's columns after the segment, in the order a reader follows them.
CUSTOMER_STAGES = (
    "eligible",
    "held_out",
    "contacted",
    "scheduled",
    "sent",
    "delivered",
    "in_feed",
    "read",
)


def customer_funnel(
    fun: pd.DataFrame, groups: pd.DataFrame, activity: pd.DataFrame
) -> pd.DataFrame:
    """Per segment, customers: eligible, held out, contacted, then with a message at each stage."""
    merged = groups.merge(activity, on="customer_id", how="left")
    contacted = merged[merged["arm"] == "contacted"]
    rows = []
    for seg, part in merged.groupby("segment", sort=True):
        c = contacted[contacted["segment"] == seg]
        rows.append(
            {
                "segment": seg,
                "eligible": len(part),
                "held_out": int((part["arm"] == "holdout").sum()),
                "contacted": len(c),
                "scheduled": int(c["first_at"].notna().sum()),
                "sent": int(c["sent"].fillna(False).astype(bool).sum()),
                "delivered": int(c["delivered"].fillna(False).astype(bool).sum()),
                "in_feed": int(c["in_feed"].fillna(False).astype(bool).sum()),
                "read": int(c["read"].fillna(False).astype(bool).sum()),
            }
        )
    return pd.DataFrame(rows, columns=["segment", *CUSTOMER_STAGES])


def uplift(campaign: Campaign, groups: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """uplift.csv: every outcome in the window, per segment, contacted against holdout."""
    from fanzha.campaigns.stats import uplift_table

    frames = [
        primary_events(campaign, outcomes, m).assign(outcome=m)
        for m in sorted(outcomes["metric"].unique())
        if not str(m).startswith("pre_")
    ]
    events = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["customer_id", "outcome"])
    )
    return uplift_table(
        groups[["customer_id", "segment", "arm"]], events[["customer_id", "outcome"]]
    )


def figures(
    campaign: Campaign, customers: pd.DataFrame, fun: pd.DataFrame, a: Analysis, out: Path
) -> dict[str, str]:
    """Write the report's PNGs; return {key: file name}."""
    from fanzha.campaigns.report_figures import funnel_figure
    from fanzha.campaigns.report_labels import figure_labels, labels
    from fanzha.campaigns.stats import plots

    t, ft = labels(campaign.locale), figure_labels(campaign.locale)
    made: dict[str, str] = {}
    stages = ["eligible", "held_out", "contacted", "scheduled", "delivered", "in_feed", "read"]
    plots.save_png(
        funnel_figure(customers, stages, t, t["figure_customers"], t["customers"]),
        out / "customers.png",
    )
    made["customers"] = "customers.png"
    by = (
        fun.groupby("segment")[["scheduled", "sent", "delivered", "read", "dismissed"]]
        .sum()
        .reset_index()
    )
    plots.save_png(
        funnel_figure(
            by,
            ["scheduled", "sent", "delivered", "read", "dismissed"],
            t,
            t["figure_messages"],
            t["messages"],
        ),
        out / "messages.png",
    )
    made["messages"] = "messages.png"
    if a.segments is not None and a.segments.effects:
        plots.save_png(plots.segment_effects_figure(a.segments, labels=ft), out / "segments.png")
        made["segments"] = "segments.png"
    if a.weekly is not None:
        plots.save_png(plots.weekly_trend_figure(a.weekly, labels=ft), out / "weekly.png")
        made["weekly"] = "weekly.png"
    for e, spec in zip(a.experiments, campaign.experiments, strict=True):
        if spec.mode != "bandit":
            continue
        name = f"weights-{e.id}.png"
        plots.save_png(weights_figure(campaign, spec, e.history, ft), out / name)
        made[f"weights_{e.id}"] = name
    return made


def weights_figure(
    campaign: Campaign, spec: ExperimentSpec, history: list[dict[str, Any]], ft: dict[str, str]
) -> Figure:
    """A bandit's arm weights from the start (midnight in the campaign's zone) through its events."""
    from fanzha.campaigns.experiments_bandit import _change
    from fanzha.campaigns.stats import plots

    changes = [_change(h["payload"]) for h in history if h["kind"] in ("reweight", "stop")]
    started = datetime.combine(campaign.starts, time(0), tzinfo=ZoneInfo(campaign.timezone))
    return plots.arm_weights_figure(changes, dict(spec.arms), started, floor=spec.floor, labels=ft)
