"""The report's statistics: from assignments, messages and outcomes to every estimate shown.

Everything here is intention to treat: customers are compared by the group they were
assigned to (contacted or holdout, an experiment's arm), whether or not a message reached
them. The primary outcome and its window are the campaign file's (``outcome:``), declared
before the data: a customer has the outcome when a row of that metric with a value above 0 is
dated from the start until start + window (undated rows always count). Methods and their
assumptions are in docs/STATISTICS.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from fanzha.campaigns import stats as S
from fanzha.campaigns.spec import Campaign

RARE_BELOW = 0.01  # a pooled rate below 1%: Poisson exact methods beside the proportions
DAYS_PER_MONTH = 30.4375
MIN_EVENTS = 5  # per arm, before an always-valid look (its variance is a plug-in estimate)


@dataclass
class ExperimentResult:
    """One experiment: customers and metric per arm, arm comparisons, SRM, bandit history."""

    id: str
    segment: str
    mode: str
    metric: str
    arms: list[dict[str, Any]]
    comparisons: list[S.ProportionComparison]
    srm: S.SampleRatioCheck | None
    history: list[dict[str, Any]]


@dataclass
class Analysis:
    """Everything the report shows beyond the funnels (None: not computable, with a reason)."""

    primary: str
    window_days: int
    has_outcomes: bool
    srm: S.SampleRatioCheck | None = None
    overall: S.ProportionComparison | None = None
    mde: S.Mde | None = None
    cuped: S.AdjustedDifference | None = None
    segments: S.SegmentEffects | None = None
    power: list[tuple[str, S.PowerCheck]] = field(default_factory=list)
    weekly: S.WeeklyEffects | None = None
    sequential: S.SequentialResult | None = None
    sequential_weeks: list[int] = field(default_factory=list)  # the week of each look
    rare: S.RateComparison | None = None
    prevention: S.Prevention | None = None
    guardrails: list[tuple[str, S.ProportionComparison | None]] = field(default_factory=list)
    secondary: pd.DataFrame | None = None
    experiments: list[ExperimentResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def primary_events(campaign: Campaign, outcomes: pd.DataFrame, metric: str) -> pd.DataFrame:
    """customer_id, date of the metric's positive rows inside the declared window."""
    rows = outcomes[(outcomes["metric"] == metric) & (outcomes["value"] > 0)]
    start = pd.Timestamp(campaign.starts)
    end = start + pd.Timedelta(campaign.outcome.window)
    dates = pd.to_datetime(rows["date"])
    inside = dates.isna() | ((dates >= start) & (dates < end))
    return rows.loc[inside, ["customer_id", "date"]]


def covariate(campaign: Campaign, outcomes: pd.DataFrame, metric: str) -> pd.Series | None:
    """The pre-period covariate per customer: the metric before the start, or ``pre_<metric>``."""
    dates = pd.to_datetime(outcomes["date"])
    before = outcomes[(outcomes["metric"] == metric) & (dates < pd.Timestamp(campaign.starts))]
    wide = outcomes[outcomes["metric"] == f"pre_{metric}"]
    rows = pd.concat([before, wide])
    if rows.empty:
        return None
    return rows.groupby("customer_id")["value"].sum()


def analyse(
    campaign: Campaign,
    groups: pd.DataFrame,
    activity: pd.DataFrame,
    outcomes: pd.DataFrame | None,
    *,
    as_of: date,
    opt_outs: pd.DataFrame,
    messages_sent: int,
    arms: pd.DataFrame,
    events: list[dict[str, Any]],
    arm_names: tuple[str, str] = ("contacted", "holdout"),
) -> Analysis:
    """All estimates of the report. ``groups``: customer_id, segment, arm (contacted/holdout)."""
    metric = campaign.outcome.primary.removeprefix("custom:")
    has = outcomes is not None and not outcomes.empty
    out = Analysis(metric, campaign.outcome.window.days, has)
    counts = groups["arm"].value_counts()
    n1, n0 = int(counts.get("contacted", 0)), int(counts.get("holdout", 0))
    h = campaign.holdout_pct / 100
    if n1 + n0 and 0 < h < 1:
        out.srm = S.sample_ratio_mismatch(
            {"contacted": n1, "holdout": n0}, {"contacted": 1 - h, "holdout": h}
        )
    outcomes = (
        outcomes
        if outcomes is not None
        else pd.DataFrame(columns=["customer_id", "date", "metric", "value"])
    )
    out.guardrails = _guardrails(groups, opt_outs, outcomes)
    out.experiments = [_experiment(e, arms, outcomes, events) for e in campaign.experiments]
    if not has:
        return out
    hits = primary_events(campaign, outcomes, metric)
    y = groups["customer_id"].isin(set(hits["customer_id"]))
    treated = (groups["arm"] == "contacted").to_numpy()
    k1, k0 = int(y[treated].sum()), int(y[~treated].sum())
    if n1 and n0:
        out.overall = S.compare_proportions(k1, n1, k0, n0, label=metric)
        pooled = (k1 + k0) / (n1 + n0)
        out.mde = S.minimum_detectable_effect(n0, n1, pooled) if 0 < pooled < 1 else None
        x = covariate(campaign, outcomes, metric)
        if x is not None:
            xs = groups["customer_id"].map(x).fillna(0.0).to_numpy(dtype=float)
            if np.var(xs) > 0:
                out.cuped = S.cuped(y.to_numpy(dtype=float), xs, treated)
        if 0 < pooled < RARE_BELOW:
            months = campaign.outcome.window.days / DAYS_PER_MONTH
            out.rare = S.compare_rates(k1, n1 * months, k0, n0 * months)
            cost = (
                messages_sent * campaign.outcome.cost_per_message
                if campaign.outcome.cost_per_message is not None
                else None
            )
            out.prevention = S.prevention(
                out.rare, campaign_cost=cost, loss_per_case=campaign.outcome.loss_per_case
            )
        out.sequential = _sequential(campaign, groups, hits, treated, as_of, out.sequential_weeks)
    table = hits.assign(outcome=metric)[["customer_id", "outcome"]]
    out.segments = S.segment_effects(groups[["customer_id", "segment", "arm"]], table, metric)
    for seg, rows in groups.groupby("segment"):
        t = rows["arm"] == "contacted"
        ev = int(rows["customer_id"].isin(set(hits["customer_id"])).sum())
        out.power.append((str(seg), S.power_check(int(t.sum()), int((~t).sum()), ev)))
    out.weekly = _weekly(campaign, groups, activity, hits, as_of, arm_names)
    secondary = outcomes[outcomes["metric"] != metric]
    secondary = secondary[(secondary["value"] > 0) & ~secondary["metric"].str.startswith("pre_")]
    if not secondary.empty:
        table = secondary.rename(columns={"metric": "outcome"})[["customer_id", "outcome"]]
        out.secondary = S.uplift_table(groups[["customer_id", "segment", "arm"]], table)
    return out


def _starts(campaign: Campaign, groups: pd.DataFrame, activity: pd.DataFrame) -> pd.Series:
    """Each customer's first send; a held-out (or never-sent) customer takes the segment's first."""
    first = groups["customer_id"].map(activity.set_index("customer_id")["first_at"])
    seg_first = first.groupby(groups["segment"]).transform("min")
    fallback = pd.Timestamp(campaign.starts, tz="UTC")
    return first.fillna(seg_first).fillna(fallback)


def _weekly(
    campaign: Campaign,
    groups: pd.DataFrame,
    activity: pd.DataFrame,
    hits: pd.DataFrame,
    as_of: date,
    names: tuple[str, str],
) -> S.WeeklyEffects | None:
    dated = hits.dropna(subset=["date"])
    if dated.empty:
        return None
    frame = groups.assign(start=_starts(campaign, groups, activity).to_numpy())
    # the figure's legend shows the arm names: the page's words for them
    frame["arm"] = frame["arm"].map({"contacted": names[0], "holdout": names[1]})
    weekly = S.effect_by_week(
        frame[["customer_id", "arm", "start"]], dated, as_of, treatment=names[0], control=names[1]
    )
    return weekly if weekly.weeks else None


def _sequential(
    campaign: Campaign,
    groups: pd.DataFrame,
    hits: pd.DataFrame,
    treated: np.ndarray,
    as_of: date,
    weeks: list[int],
) -> S.SequentialResult | None:
    """Always-valid intervals at each week's end since the start (the looks a team takes)."""
    dated = hits.dropna(subset=["date"])
    if dated.empty:
        return None
    first = dated.groupby("customer_id")["date"].min()
    when = groups["customer_id"].map(first)
    ends = pd.date_range(
        pd.Timestamp(campaign.starts) + timedelta(days=7),
        pd.Timestamp(as_of) + timedelta(days=6),
        freq="7D",
    )
    if not len(ends):
        return None
    n1, n0 = int(treated.sum()), int((~treated).sum())
    k1 = [int(((when <= e) & treated).sum()) for e in ends]
    k0 = [int(((when <= e) & ~treated).sum()) for e in ends]
    # The interval's variance is plugged in from each arm's rate: with fewer than 5 events in
    # an arm that estimate is near 0 and the normal mixture's interval far too narrow.
    keep = [i for i in range(len(ends)) if k1[i] >= MIN_EVENTS and k0[i] >= MIN_EVENTS]
    if not keep:
        return None
    weeks[:] = [i + 1 for i in keep]
    k1, k0 = [k1[i] for i in keep], [k0[i] for i in keep]
    p = (k1[-1] + k0[-1]) / (n1 + n0)
    if not 0 < p < 1:
        return None
    tau = S.tau_for(p * (1 - p) * (1 / n1 + 1 / n0))
    return S.always_valid_intervals(k1, [n1] * len(k1), k0, [n0] * len(k1), tau=tau)


def _guardrails(
    groups: pd.DataFrame, opt_outs: pd.DataFrame, outcomes: pd.DataFrame
) -> list[tuple[str, S.ProportionComparison | None]]:
    """Opt-outs since the start and complaints (metric ``complaint``), contacted vs holdout."""
    treated = groups["arm"] == "contacted"
    out: list[tuple[str, S.ProportionComparison | None]] = []
    complaints = outcomes[(outcomes["metric"] == "complaint") & (outcomes["value"] > 0)]
    for name, ids in (
        ("opt_out", opt_outs["customer_id"]),
        ("complaint", complaints["customer_id"]),
    ):
        if name == "complaint" and complaints.empty:
            out.append((name, None))
            continue
        hit = groups["customer_id"].isin(set(ids))
        n1, n0 = int(treated.sum()), int((~treated).sum())
        if not (n1 and n0):
            out.append((name, None))
            continue
        out.append(
            (
                name,
                S.compare_proportions(
                    int(hit[treated].sum()), n1, int(hit[~treated].sum()), n0, label=name
                ),
            )
        )
    return out


def _experiment(
    exp: Any, arms: pd.DataFrame, outcomes: pd.DataFrame, events: list[dict[str, Any]]
) -> ExperimentResult:
    mine = arms[arms["experiment_id"] == exp.id]
    if exp.metric == "read":
        hit = mine["read"].astype(bool)
    else:
        metric = exp.metric.removeprefix("custom:")
        rows = outcomes[(outcomes["metric"] == metric) & (outcomes["value"] > 0)]
        hit = mine["customer_id"].isin(set(rows["customer_id"]))
    table = mine.assign(hit=hit.to_numpy()).groupby("arm")["hit"].agg(["sum", "size"])
    names = [a for a, _ in exp.arms]
    declared = dict(exp.arms)
    rows_out = []
    for arm in names:
        k = int(table.at[arm, "sum"]) if arm in table.index else 0
        n = int(table.at[arm, "size"]) if arm in table.index else 0
        rows_out.append(
            {
                "arm": arm,
                "declared": declared[arm],
                "customers": n,
                "successes": k,
                "rate": k / n if n else math.nan,
            }
        )
    comparisons = []
    base = rows_out[0]
    for r in rows_out[1:]:
        if r["customers"] and base["customers"]:
            comparisons.append(
                S.compare_proportions(
                    r["successes"],
                    r["customers"],
                    base["successes"],
                    base["customers"],
                    treatment=r["arm"],
                    control=base["arm"],
                    label=f"{r['arm']} − {base['arm']}",
                )
            )
    srm = None
    total = sum(r["customers"] for r in rows_out)
    if exp.mode == "fixed" and total:
        srm = S.sample_ratio_mismatch({r["arm"]: r["customers"] for r in rows_out}, declared)
    history = [e for e in events if e["experiment_id"] == exp.id]
    return ExperimentResult(
        exp.id, exp.segment, exp.mode, exp.metric, rows_out, comparisons, srm, history
    )
