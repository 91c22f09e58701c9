"""Two proportions compared: rates, absolute and relative effects with 95% intervals, a test.

- Each arm's rate has a Wilson score interval.
- The difference (treatment − control) has Newcombe's hybrid score interval (Newcombe 1998,
  method 10), built from the two Wilson intervals. Unlike the Wald interval it stays honest
  when an arm is small or has no events, typical of a 5% holdout.
- The ratio (treatment / control) has the Katz log interval (Katz et al. 1978); when an arm has
  no events, Walter's (1975) adjustment adds 0.5 to each arm's events and size for the
  interval. The relative change is the ratio minus one.
- The test of no difference is the pooled two-proportion z-test, or Fisher's exact test when
  an expected cell count is below 5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fanzha.campaigns.stats.results import Estimate, Result, TestResult
from scipy.special import ndtr, ndtri

__all__ = [
    "ProportionComparison",
    "Rate",
    "compare_proportions",
    "newcombe",
    "relative_risk",
    "wilson",
    "z_for",
]

WILSON = "Wilson score interval"
NEWCOMBE = "Newcombe hybrid score interval (1998, method 10)"
KATZ = "Katz log interval (Walter's +0.5 when an arm has no events)"
Z_TEST = "two-sided pooled two-proportion z-test"
FISHER = "two-sided Fisher exact test (an expected count below 5)"


def z_for(confidence: float) -> float:
    """The two-sided normal critical value for a confidence level (1.96 for 0.95)."""
    return float(ndtri(1 - (1 - confidence) / 2))


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(
    k1: int, n1: int, k0: int, n0: int, z: float = 1.959963984540054
) -> tuple[float, float]:
    """Newcombe's hybrid score interval of k1/n1 − k0/n0; NaN where an arm is empty."""
    if n1 == 0 or n0 == 0:
        return math.nan, math.nan
    p1, p0 = k1 / n1, k0 / n0
    l1, u1 = wilson(k1, n1, z)
    l0, u0 = wilson(k0, n0, z)
    d = p1 - p0
    return d - math.hypot(p1 - l1, u0 - p0), d + math.hypot(u1 - p1, p0 - l0)


def relative_risk(
    k1: int, n1: int, k0: int, n0: int, z: float = 1.959963984540054
) -> tuple[float, float, float]:
    """(k1/n1) / (k0/n0) and its Katz log interval; NaN when undefined."""
    if n1 == 0 or n0 == 0 or (k1 == 0 and k0 == 0):
        return math.nan, math.nan, math.nan
    ratio = (k1 / n1) / (k0 / n0) if k0 else math.inf
    a, b, m1, m0 = float(k1), float(k0), float(n1), float(n0)
    if k1 == 0 or k0 == 0:
        a, b, m1, m0 = a + 0.5, b + 0.5, m1 + 0.5, m0 + 0.5
    centre = math.log((a / m1) / (b / m0))
    se = math.sqrt(1 / a - 1 / m1 + 1 / b - 1 / m0)
    return ratio, math.exp(centre - z * se), math.exp(centre + z * se)


@dataclass(frozen=True)
class Rate(Result):
    """One arm: customers ``n``, customers with the outcome ``events``, and the rate."""

    arm: str
    n: int
    events: int
    rate: Estimate


@dataclass(frozen=True)
class ProportionComparison(Result):
    """Treatment against control on one binary outcome (intention to treat)."""

    label: str
    treatment: Rate
    control: Rate
    difference: Estimate  # treatment − control, in proportion units
    ratio: Estimate  # treatment / control
    relative_change: Estimate  # ratio − 1
    test: TestResult


def _rate(arm: str, k: int, n: int, z: float, confidence: float) -> Rate:
    low, high = wilson(k, n, z) if n else (math.nan, math.nan)
    value = k / n if n else math.nan
    return Rate(arm, n, k, Estimate(value, low, high, WILSON, confidence))


def _test(k1: int, n1: int, k0: int, n0: int) -> TestResult:
    if n1 == 0 or n0 == 0:
        return TestResult(math.nan, math.nan, Z_TEST)
    pooled = (k1 + k0) / (n1 + n0)
    expected = (n1 * pooled, n1 * (1 - pooled), n0 * pooled, n0 * (1 - pooled))
    if min(expected) < 5:
        from scipy.stats import fisher_exact  # scipy.stats costs ~0.6 s to import: only if needed

        table = [[k1, n1 - k1], [k0, n0 - k0]]
        return TestResult(math.nan, float(fisher_exact(table).pvalue), FISHER)
    z = (k1 / n1 - k0 / n0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return TestResult(z, float(2 * ndtr(-abs(z))), Z_TEST)


def compare_proportions(
    k_treatment: int,
    n_treatment: int,
    k_control: int,
    n_control: int,
    *,
    treatment: str = "contacted",
    control: str = "holdout",
    confidence: float = 0.95,
    label: str = "",
) -> ProportionComparison:
    """Rates, difference, ratio and relative change with intervals, and the test of no effect."""
    k1, n1, k0, n0 = int(k_treatment), int(n_treatment), int(k_control), int(n_control)
    if not (0 <= k1 <= n1 and 0 <= k0 <= n0):
        raise ValueError(f"events must be between 0 and n: {k1}/{n1}, {k0}/{n0}")
    z = z_for(confidence)
    nan = math.nan
    difference = (k1 / n1 - k0 / n0) if n1 and n0 else nan
    d_low, d_high = newcombe(k1, n1, k0, n0, z)
    ratio, r_low, r_high = relative_risk(k1, n1, k0, n0, z)
    return ProportionComparison(
        label=label,
        treatment=_rate(treatment, k1, n1, z, confidence),
        control=_rate(control, k0, n0, z, confidence),
        difference=Estimate(difference, d_low, d_high, NEWCOMBE, confidence),
        ratio=Estimate(ratio, r_low, r_high, KATZ, confidence),
        relative_change=Estimate(ratio - 1, r_low - 1, r_high - 1, KATZ, confidence),
        test=_test(k1, n1, k0, n0),
    )
