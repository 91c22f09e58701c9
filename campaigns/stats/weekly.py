"""Effect by week since the first send: does the warning wear off (habituation)?

Week k of a customer runs from ``start + 7k`` days to ``start + 7(k+1)``, where ``start`` is
the customer's first send, or for a held-out customer the send they would have had (the
segment's first send serves). A customer counts in week k only once that week has ended by
``as_of``, so late starters do not dilute the recent weeks; in each week the outcome is "had
at least one event that week", and the arms are compared as in
:func:`~fanzha.campaigns.stats.proportions.compare_proportions`. Weekly estimates share
customers, so they are not independent: read the trend from the plot, not as a test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from fanzha.campaigns.stats.proportions import ProportionComparison, compare_proportions
from fanzha.campaigns.stats.results import Result

__all__ = ["WeekEffect", "WeeklyEffects", "effect_by_week"]


@dataclass(frozen=True)
class WeekEffect(Result):
    """Week ``week`` (0 = the first seven days after the first send) and its comparison."""

    week: int
    comparison: ProportionComparison


@dataclass(frozen=True)
class WeeklyEffects(Result):
    """The comparison for each complete week since the first send."""

    weeks: tuple[WeekEffect, ...]
    as_of: str

    def to_frame(self) -> pd.DataFrame:
        """One row per week: customers and rates per arm, difference and its interval."""
        return pd.DataFrame(
            [
                {
                    "week": w.week,
                    "n_treatment": w.comparison.treatment.n,
                    "rate_treatment": w.comparison.treatment.rate.value,
                    "n_control": w.comparison.control.n,
                    "rate_control": w.comparison.control.rate.value,
                    "difference": w.comparison.difference.value,
                    "difference_low": w.comparison.difference.low,
                    "difference_high": w.comparison.difference.high,
                    "method": w.comparison.difference.method,
                }
                for w in self.weeks
            ]
        )


def effect_by_week(
    groups: pd.DataFrame,
    events: pd.DataFrame,
    as_of: dt.date,
    *,
    treatment: str = "contacted",
    control: str = "holdout",
    max_weeks: int = 52,
) -> WeeklyEffects:
    """Weekly comparisons; ``groups``: customer_id, arm, start; ``events``: customer_id, date."""
    groups = groups[groups["arm"].isin([treatment, control])]
    start = pd.to_datetime(groups["start"]).dt.tz_localize(None).dt.normalize()
    end = pd.Timestamp(as_of).normalize()
    complete = ((end - start).dt.days // 7).clip(lower=0, upper=max_weeks).to_numpy()
    is_treated = (groups["arm"] == treatment).to_numpy()
    # customers whose week k has ended: complete > k, counted per arm with a reverse cumsum
    at_risk = {
        flag: np.cumsum(np.bincount(complete[is_treated == flag], minlength=max_weeks + 1)[::-1])[
            ::-1
        ]
        for flag in (True, False)
    }
    starts = pd.DataFrame(
        {"customer_id": groups["customer_id"].to_numpy(), "start": start.to_numpy()}
    )
    starts["complete"], starts["treated"] = complete, is_treated
    hits = events[["customer_id", "date"]].merge(starts, on="customer_id", how="inner")
    days = (pd.to_datetime(hits["date"]).dt.tz_localize(None) - hits["start"]).dt.days
    hits = hits.assign(week=days // 7)
    hits = hits[(days >= 0) & (hits["week"] < hits["complete"])]
    counts = hits.drop_duplicates(["customer_id", "week"]).groupby(["week", "treated"]).size()
    rows = []
    for week in range(max_weeks):
        n1, n0 = int(at_risk[True][week + 1]), int(at_risk[False][week + 1])
        if n1 == 0 and n0 == 0:
            break
        k1, k0 = int(counts.get((week, True), 0)), int(counts.get((week, False), 0))
        label = f"week {week + 1}"
        cmp = compare_proportions(k1, n1, k0, n0, treatment=treatment, control=control, label=label)
        rows.append(WeekEffect(week, cmp))
    return WeeklyEffects(tuple(rows), pd.Timestamp(as_of).date().isoformat())
