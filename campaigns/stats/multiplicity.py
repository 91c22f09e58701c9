"""Benjamini–Hochberg adjustment: effects across many segments without a flood of false hits.

Testing ten segments at α = 0.05 finds an "effect" somewhere by chance alone about four times
in ten. Benjamini and Hochberg (1995) control the false discovery rate instead: among the
segments reported as discoveries, the expected share of false ones is at most the declared
rate, under independence or positive dependence of the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from fanzha.campaigns.stats.results import Result

__all__ = ["BH", "Adjusted", "benjamini_hochberg"]

BH = "Benjamini–Hochberg false discovery rate (1995)"


@dataclass(frozen=True)
class Adjusted(Result):
    """Adjusted p-values in the input order, and which are discoveries at the rate."""

    p_values: tuple[float, ...]
    p_adjusted: tuple[float, ...]
    rejected: tuple[bool, ...]
    false_discovery_rate: float
    method: str = BH


def benjamini_hochberg(p_values: Sequence[float], false_discovery_rate: float = 0.05) -> Adjusted:
    """BH step-up adjusted p-values; NaN p-values (no test possible) stay NaN and don't count."""
    p = np.asarray(p_values, dtype=float)
    if ((p < 0) | (p > 1)).any():
        raise ValueError("p-values must lie between 0 and 1")
    adjusted = np.full(p.shape, np.nan)
    rejected = np.zeros(p.shape, dtype=bool)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    if m:
        order = valid[np.argsort(p[valid], kind="stable")]
        ranks = np.arange(1, m + 1)
        scaled = p[order] * m / ranks
        adjusted[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
        # the step-up rule itself (p(i) <= i/m * q), not adjusted <= q: p * m / i can round
        # above q at the boundary (0.1 * 3 / 3 > 0.1) and lose a discovery
        passing = np.flatnonzero(p[order] <= ranks / m * false_discovery_rate)
        if len(passing):
            rejected[order[: passing[-1] + 1]] = True
    return Adjusted(
        tuple(float(x) for x in p),
        tuple(float(a) for a in adjusted),
        tuple(bool(r) for r in rejected),
        false_discovery_rate,
    )
