"""Holdout uplift: the difference in outcome rates between contacted and held-out customers.

The 95% interval of a difference of two proportions is Newcombe's hybrid score interval
(Newcombe 1998, method 10), built from each arm's Wilson interval. Unlike the Wald interval
it stays honest when an arm is small or has no events — typical of a 5% holdout.
"""

from __future__ import annotations

import math

import pandas as pd

Z95 = 1.959963984540054


def uplift_table(groups: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per segment and outcome: n and rate in each arm, difference and its 95% Wald interval.

    ``groups``: customer_id, segment, arm ("contacted" or "holdout").
    ``outcomes``: customer_id, outcome (a customer counts once per outcome type).
    """
    columns = [
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
    if groups.empty or outcomes.empty:
        return pd.DataFrame(columns=columns)
    hits = outcomes.drop_duplicates(["customer_id", "outcome"])
    sizes = groups.groupby(["segment", "arm"]).size().unstack("arm", fill_value=0)
    joined = hits.merge(groups, on="customer_id", how="inner")
    counts = joined.groupby(["segment", "outcome", "arm"]).size().unstack("arm", fill_value=0)
    rows = []
    for (segment, outcome), row in counts.iterrows():
        n1 = int(sizes.loc[segment].get("contacted", 0))
        n0 = int(sizes.loc[segment].get("holdout", 0))
        k1, k0 = int(row.get("contacted", 0)), int(row.get("holdout", 0))
        p1, p0, d, low, high = _diff(k1, n1, k0, n0)
        rows.append((segment, outcome, n1, k1, p1, n0, k0, p0, d, low, high))
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["segment", "outcome"], ignore_index=True
    )


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def _diff(k1: int, n1: int, k0: int, n0: int) -> tuple[float, float, float, float, float]:
    """(rate1, rate0, difference, low, high); NaN where an arm is empty."""
    if n1 == 0 or n0 == 0:
        nan = float("nan")
        return (k1 / n1 if n1 else nan, k0 / n0 if n0 else nan, nan, nan, nan)
    p1, p0 = k1 / n1, k0 / n0
    l1, u1 = wilson(k1, n1)
    l0, u0 = wilson(k0, n0)
    d = p1 - p0
    low = d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return p1, p0, d, low, high
