"""Sample-ratio mismatch: do the arms hold the shares the experiment declared?

A mismatch (say 50.9% / 49.1% on 100,000 customers for a declared 50/50) means the assignment
or the data lost customers unevenly: a bug, a filter applied to one arm, a join that drops
rows. Every effect computed on such data is suspect, so the report flags it before any effect.
The check is Pearson's χ² goodness-of-fit test of the observed counts against the declared
split, flagged at p < 0.001 (a strict threshold because the check runs on every report).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from fanzha.campaigns.stats.results import Result
from scipy.special import chdtrc

__all__ = ["SRM_THRESHOLD", "ArmCount", "SampleRatioCheck", "sample_ratio_mismatch"]

SRM_THRESHOLD = 0.001
SRM = "Pearson χ² goodness of fit against the declared split"


@dataclass(frozen=True)
class ArmCount(Result):
    """One arm's observed and expected customers and shares."""

    arm: str
    observed: int
    expected: float
    observed_share: float
    declared_share: float


@dataclass(frozen=True)
class SampleRatioCheck(Result):
    """The χ² statistic, its p-value, and whether the split is flagged as a mismatch."""

    arms: tuple[ArmCount, ...]
    statistic: float
    degrees_of_freedom: int
    p_value: float
    threshold: float
    mismatch: bool
    method: str = SRM


def sample_ratio_mismatch(
    observed: Mapping[str, int],
    declared: Mapping[str, float],
    threshold: float = SRM_THRESHOLD,
) -> SampleRatioCheck:
    """Check observed arm sizes against declared shares (any positive scale: 50/50 or .5/.5)."""
    if set(observed) - set(declared):
        raise ValueError(f"arms not declared: {', '.join(sorted(set(observed) - set(declared)))}")
    names = list(declared)
    counts = [int(observed.get(a, 0)) for a in names]
    weights = [float(declared[a]) for a in names]
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("declared shares must be non-negative with a positive total")
    total, scale = sum(counts), sum(weights)
    shares = [w / scale for w in weights]
    expected = [total * s for s in shares]
    if total == 0:
        statistic, df, p = math.nan, len(names) - 1, math.nan
    elif any(e == 0 and o > 0 for e, o in zip(expected, counts, strict=True)):
        statistic, df, p = math.inf, len(names) - 1, 0.0  # customers in an arm declared empty
    else:
        kept = [(o, e) for o, e in zip(counts, expected, strict=True) if e > 0]
        statistic = sum((o - e) ** 2 / e for o, e in kept)
        df = len(kept) - 1
        p = float(chdtrc(df, statistic)) if df > 0 else 1.0
    arms = tuple(
        ArmCount(a, o, e, o / total if total else math.nan, s)
        for a, o, e, s in zip(names, counts, expected, shares, strict=True)
    )
    return SampleRatioCheck(arms, float(statistic), df, p, threshold, bool(p < threshold))
