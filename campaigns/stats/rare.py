"""Rare outcomes (fraud victimisation): Poisson rates, an exact test, and cost per prevented case.

With a 0.1% monthly rate a 5% holdout of 20,000 sees about one case a month: the normal
approximation fails, so counts are compared as Poisson rates per unit of exposure
(customer-months, or customers for a fixed window):

- the rate ratio's test and interval are exact and conditional: given the total count
  K = k1 + k0, k1 is Binomial(K, π) with π = t1·R / (t1·R + t0). The test of R = 1 is the
  exact binomial test (two-sided by minimum likelihood); the interval is Clopper–Pearson's
  for π, mapped to R.
- the rate difference's interval is MOVER (Li, Tang & Wong 2014) from each rate's exact
  (Garwood) Poisson interval, the Poisson analogue of Newcombe's interval.

Cases prevented among the treated are (control rate − treated rate) × treated exposure, with
the interval of the difference scaled alike. Given the campaign's cost, the cost per prevented
case is cost / cases prevented; its interval is the inverse of that interval, open-ended
(infinite) when the campaign may have prevented nothing. Given the loss per case, the losses
prevented are cases prevented × loss per case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fanzha.campaigns.stats.results import Estimate, Result, TestResult
from scipy.special import chdtri

__all__ = ["Prevention", "RateComparison", "compare_rates", "garwood", "prevention"]

EXACT_RATIO = "exact conditional (binomial) interval for the Poisson rate ratio"
EXACT_TEST = "two-sided exact conditional binomial test of equal Poisson rates"
MOVER = "MOVER (Li, Tang & Wong 2014) from exact Garwood Poisson intervals"
GARWOOD = "exact Garwood Poisson interval"


def garwood(k: int, exposure: float, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood 1936) interval of a Poisson rate k / exposure."""
    a = 1 - confidence
    low = chdtri(2 * k, 1 - a / 2) / 2 if k > 0 else 0.0  # the a/2 quantile of χ²(2k)
    high = chdtri(2 * k + 2, a / 2) / 2
    return float(low / exposure), float(high / exposure)


@dataclass(frozen=True)
class RateComparison(Result):
    """Events per unit of exposure in each arm, their ratio and difference, and the exact test."""

    events_treatment: int
    exposure_treatment: float
    events_control: int
    exposure_control: float
    rate_treatment: Estimate
    rate_control: Estimate
    ratio: Estimate  # treatment / control
    difference: Estimate  # treatment − control, per unit of exposure
    test: TestResult


def compare_rates(
    events_treatment: int,
    exposure_treatment: float,
    events_control: int,
    exposure_control: float,
    *,
    confidence: float = 0.95,
) -> RateComparison:
    """Compare two Poisson rates exactly (see the module doc)."""
    from scipy.stats import binomtest  # scipy.stats costs ~0.6 s to import: only when used

    k1, t1, k0, t0 = (
        int(events_treatment),
        float(exposure_treatment),
        int(events_control),
        float(exposure_control),
    )
    if k1 < 0 or k0 < 0 or t1 <= 0 or t0 <= 0:
        raise ValueError("counts must be ≥ 0 and exposures > 0")
    r1, r0 = k1 / t1, k0 / t0
    l1, u1 = garwood(k1, t1, confidence)
    l0, u0 = garwood(k0, t0, confidence)
    total = k1 + k0
    if total:
        ci = binomtest(k1, total).proportion_ci(confidence, method="exact")
        to_ratio = lambda p: p * t0 / ((1 - p) * t1) if p < 1 else math.inf  # noqa: E731
        ratio = Estimate(
            r1 / r0 if k0 else math.inf,
            to_ratio(ci.low),
            to_ratio(ci.high),
            EXACT_RATIO,
            confidence,
        )
        p_value = float(binomtest(k1, total, t1 / (t1 + t0)).pvalue)
    else:
        ratio = Estimate(math.nan, math.nan, math.nan, EXACT_RATIO, confidence)
        p_value = 1.0
    d = r1 - r0
    difference = Estimate(
        d, d - math.hypot(r1 - l1, u0 - r0), d + math.hypot(u1 - r1, r0 - l0), MOVER, confidence
    )
    return RateComparison(
        k1,
        t1,
        k0,
        t0,
        Estimate(r1, l1, u1, GARWOOD, confidence),
        Estimate(r0, l0, u0, GARWOOD, confidence),
        ratio,
        difference,
        TestResult(math.nan, p_value, EXACT_TEST),
    )


@dataclass(frozen=True)
class Prevention(Result):
    """Cases prevented among the treated, and what each cost or saved, when those are given."""

    cases_prevented: Estimate
    cost_per_prevented_case: Estimate | None
    losses_prevented: Estimate | None


def prevention(
    comparison: RateComparison,
    *,
    campaign_cost: float | None = None,
    loss_per_case: float | None = None,
) -> Prevention:
    """Cases prevented, cost per prevented case (given the cost) and losses prevented."""
    t1, d = comparison.exposure_treatment, comparison.difference
    prevented = Estimate(
        -d.value * t1,
        -d.high * t1,
        -d.low * t1,
        f"(control − treated rate) × treated exposure; {d.method}",
        d.confidence,
    )
    cost = None
    if campaign_cost is not None:
        cost = Estimate(
            _per(campaign_cost, prevented.value),
            _per(campaign_cost, prevented.high),
            _per(campaign_cost, prevented.low),
            "campaign cost ÷ cases prevented, interval inverted (∞: maybe none prevented)",
            d.confidence,
        )
    losses = None
    if loss_per_case is not None:
        losses = Estimate(
            prevented.value * loss_per_case,
            prevented.low * loss_per_case,
            prevented.high * loss_per_case,
            "cases prevented × loss per case",
            d.confidence,
        )
    return Prevention(prevented, cost, losses)


def _per(cost: float, cases: float) -> float:
    """Cost per case; infinite when no case (or a negative number) was prevented."""
    return cost / cases if cases > 0 else math.inf
