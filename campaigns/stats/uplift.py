"""Intention-to-treat uplift per segment: every assigned customer counts in their arm.

A customer assigned to the contacted arm stays there whether or not a message reached them
(suppressed, failed, opted out later): comparing by assignment, not by delivery, keeps the two
arms random samples of the same population, so the difference estimates the effect of running
the campaign. Segments are compared separately and their p-values adjusted together with
Benjamini–Hochberg, so the report can say which segments' effects survive the multiplicity.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from fanzha.campaigns.stats.multiplicity import BH, benjamini_hochberg
from fanzha.campaigns.stats.proportions import ProportionComparison, compare_proportions
from fanzha.campaigns.stats.results import Result

__all__ = ["SegmentEffect", "SegmentEffects", "arm_counts", "segment_effects", "uplift_table"]

UPLIFT_COLUMNS = [
    "segment",
    "outcome",
    "n_contacted",
    "k_contacted",
    "rate_contacted",
    "n_holdout",
    "k_holdout",
    "rate_holdout",
    "difference",
    "ci_low",
    "ci_high",
]


def arm_counts(
    groups: pd.DataFrame, outcomes: pd.DataFrame, names: list[str] | None = None
) -> pd.DataFrame:
    """Customers and customers with each outcome, per segment, outcome and arm.

    ``groups``: customer_id, segment, arm (one row per assigned customer).
    ``outcomes``: customer_id, outcome (a customer counts once per outcome type).
    Returns segment, outcome, arm, n, events, with a row for every arm of every segment and
    every outcome seen (or every one of ``names``, when given).
    """
    columns = ["segment", "outcome", "arm", "n", "events"]
    if groups.empty or (outcomes.empty and not names):
        return pd.DataFrame(columns=columns)
    sizes = groups.groupby(["segment", "arm"], observed=True).size().rename("n").reset_index()
    hits = outcomes.drop_duplicates(["customer_id", "outcome"])
    joined = hits.merge(groups, on="customer_id", how="inner")
    events = joined.groupby(["segment", "outcome", "arm"], observed=True).size().rename("events")
    listed = names if names is not None else sorted(hits["outcome"].unique())
    grid = sizes.merge(pd.DataFrame({"outcome": listed}), how="cross")
    out = grid.merge(events.reset_index(), on=["segment", "outcome", "arm"], how="left")
    out["events"] = out["events"].fillna(0).astype(int)
    return out[columns]


def _comparisons(
    counts: pd.DataFrame, treatment: str, control: str, *, skip_empty: bool
) -> list[tuple[str, str, ProportionComparison]]:
    """One comparison per (segment, outcome); ``skip_empty``: not those without any event."""
    out = []
    for (segment, outcome), rows in counts.groupby(["segment", "outcome"], sort=True):
        by_arm = rows.set_index("arm")
        if skip_empty and int(by_arm["events"].sum()) == 0:
            continue
        n1, k1 = _get(by_arm, treatment)
        n0, k0 = _get(by_arm, control)
        label = f"{segment} · {outcome}"
        cmp = compare_proportions(k1, n1, k0, n0, treatment=treatment, control=control, label=label)
        out.append((str(segment), str(outcome), cmp))
    return out


def _get(by_arm: pd.DataFrame, arm: str) -> tuple[int, int]:
    if arm not in by_arm.index:
        return 0, 0
    return int(by_arm.at[arm, "n"]), int(by_arm.at[arm, "events"])


def uplift_table(groups: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per segment and outcome: n and rate in each arm, the difference and its 95% interval.

    The interval is Newcombe's hybrid score interval (contacted − holdout).
    """
    rows = []
    for segment, outcome, c in _comparisons(
        arm_counts(groups, outcomes), "contacted", "holdout", skip_empty=True
    ):
        t, h, d = c.treatment, c.control, c.difference
        d_row = (d.value, d.low, d.high)
        rows.append(
            (segment, outcome, t.n, t.events, t.rate.value, h.n, h.events, h.rate.value, *d_row)
        )
    return pd.DataFrame(rows, columns=UPLIFT_COLUMNS)


@dataclass(frozen=True)
class SegmentEffect(Result):
    """One segment's comparison with its Benjamini–Hochberg adjusted p-value."""

    segment: str
    outcome: str
    comparison: ProportionComparison
    p_adjusted: float
    discovery: bool  # adjusted p-value at or below the false discovery rate


@dataclass(frozen=True)
class SegmentEffects(Result):
    """Effects per segment on one outcome, adjusted together for multiple comparisons."""

    outcome: str
    effects: tuple[SegmentEffect, ...]
    false_discovery_rate: float
    adjustment: str = BH

    def to_frame(self) -> pd.DataFrame:
        """One row per segment: arms, difference and ratio with intervals, p and adjusted p."""
        rows = []
        for e in self.effects:
            c = e.comparison
            rows.append(
                {
                    "segment": e.segment,
                    "n_treatment": c.treatment.n,
                    "rate_treatment": c.treatment.rate.value,
                    "n_control": c.control.n,
                    "rate_control": c.control.rate.value,
                    "difference": c.difference.value,
                    "difference_low": c.difference.low,
                    "difference_high": c.difference.high,
                    "relative_change": c.relative_change.value,
                    "relative_low": c.relative_change.low,
                    "relative_high": c.relative_change.high,
                    "p_value": c.test.p_value,
                    "p_adjusted": e.p_adjusted,
                    "discovery": e.discovery,
                }
            )
        return pd.DataFrame(rows)


def segment_effects(
    groups: pd.DataFrame,
    outcomes: pd.DataFrame,
    outcome: str,
    *,
    treatment: str = "contacted",
    control: str = "holdout",
    false_discovery_rate: float = 0.05,
) -> SegmentEffects:
    """Intention-to-treat effect on ``outcome`` in each segment, BH-adjusted across segments."""
    counts = arm_counts(groups, outcomes[outcomes["outcome"] == outcome], [outcome])
    found = _comparisons(counts, treatment, control, skip_empty=False)
    adjusted = benjamini_hochberg([c.test.p_value for _, _, c in found], false_discovery_rate)
    effects = tuple(
        SegmentEffect(segment, name, c, p_adj, bool(rejected))
        for (segment, name, c), p_adj, rejected in zip(
            found, adjusted.p_adjusted, adjusted.rejected, strict=True
        )
    )
    return SegmentEffects(outcome, effects, false_discovery_rate)
