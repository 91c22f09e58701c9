"""Power for two proportions: sample size, minimum detectable effect, holdout share needed.

The two-sided z-test of control rate p0 against treatment rate p1 with n0 and n1 customers
has power

    Φ((|p1 − p0| − z·se0) / se1) + Φ((−|p1 − p0| − z·se0) / se1),     z = Φ⁻¹(1 − α/2)

with se1² = p0(1−p0)/n0 + p1(1−p1)/n1. ``variance="unpooled"`` (the default) also uses se1 for
se0; it is the textbook formula behind the planning figure of issue 18 (a 20% relative drop in
a 0.10% monthly rate at a 5% holdout needs about 4.1M customers). ``variance="pooled"`` uses
the pooled rate under the null for se0, like statsmodels' ``power_proportions_2indep``; it asks
for fewer customers when the holdout is the smaller arm. The sample size solves the power
equation without the far tail (negligible), the closed form of every textbook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from fanzha.campaigns.stats.results import Result
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri

__all__ = [
    "METHOD",
    "Mde",
    "SampleSize",
    "Variance",
    "holdout_share_needed",
    "minimum_detectable_effect",
    "power_two_proportions",
    "sample_size",
]

Variance = Literal["unpooled", "pooled"]
METHOD = {
    "unpooled": "normal approximation, two-sided z-test, unpooled variances",
    "pooled": "normal approximation, two-sided z-test, pooled variance under the null",
}


def _se(p0: float, p1: float, n0: float, n1: float, variance: Variance) -> tuple[float, float]:
    """(se under the null, se under the alternative) of p1 − p0."""
    se1 = math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
    if variance == "unpooled":
        return se1, se1
    pooled = (n0 * p0 + n1 * p1) / (n0 + n1)
    return math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1)), se1


def power_two_proportions(
    p_control: float,
    p_treatment: float,
    n_control: float,
    n_treatment: float,
    *,
    alpha: float = 0.05,
    variance: Variance = "unpooled",
) -> float:
    """The probability that the two-sided z-test at ``alpha`` detects p_treatment ≠ p_control."""
    if n_control <= 0 or n_treatment <= 0:
        return math.nan
    se0, se1 = _se(p_control, p_treatment, n_control, n_treatment, variance)
    if se1 == 0:
        return math.nan
    z, delta = ndtri(1 - alpha / 2), abs(p_treatment - p_control)
    return float(ndtr((delta - z * se0) / se1) + ndtr((-delta - z * se0) / se1))


@dataclass(frozen=True)
class SampleSize(Result):
    """Customers needed in all and per arm to detect ``p_control → p_treatment``."""

    total: int
    n_control: int
    n_treatment: int
    p_control: float
    p_treatment: float
    control_share: float
    power: float
    alpha: float
    method: str


def sample_size(
    p_control: float,
    relative_change: float,
    control_share: float,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    variance: Variance = "unpooled",
) -> SampleSize:
    """Customers needed when the control (holdout) gets ``control_share`` of them."""
    if not 0 < control_share < 1:
        raise ValueError(
            f"the control share must lie strictly between 0 and 1, not {control_share}"
        )
    p0 = p_control
    p1 = p0 * (1 + relative_change)
    if not (0 < p0 < 1 and 0 <= p1 <= 1) or p1 == p0:
        raise ValueError(f"no test can tell {p0} from {p1}")
    f = control_share
    za, zb = ndtri(1 - alpha / 2), ndtri(power)
    spread = math.sqrt(p0 * (1 - p0) / f + p1 * (1 - p1) / (1 - f))
    null = spread
    if variance == "pooled":
        pooled = f * p0 + (1 - f) * p1
        null = math.sqrt(pooled * (1 - pooled) * (1 / f + 1 / (1 - f)))
    total = math.ceil(((za * null + zb * spread) / (p1 - p0)) ** 2)
    n0 = math.ceil(total * f)
    return SampleSize(total, n0, total - n0, p0, p1, f, power, alpha, METHOD[variance])


@dataclass(frozen=True)
class Mde(Result):
    """The smallest change the design detects with the given power (NaN if none can be)."""

    absolute: float  # p_treatment − p_control
    relative: float  # absolute / p_control
    p_control: float
    p_treatment: float
    n_control: int
    n_treatment: int
    power: float
    alpha: float
    detectable: bool
    method: str


def minimum_detectable_effect(
    n_control: int,
    n_treatment: int,
    p_control: float,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    direction: Literal["decrease", "increase"] = "decrease",
    variance: Variance = "unpooled",
) -> Mde:
    """The MDE for a base rate and arm sizes; a drop by default (fraud should go down)."""
    p0 = p_control

    def gap(p1: float) -> float:
        return (
            power_two_proportions(p0, p1, n_control, n_treatment, alpha=alpha, variance=variance)
            - power
        )

    edge = 0.0 if direction == "decrease" else 1.0
    ok = 0 < p0 < 1 and n_control > 0 and n_treatment > 0 and gap(edge) >= 0
    # gap(p0) = alpha − power < 0: the root lies between the extreme rate and the base rate
    p1 = float(brentq(gap, edge, p0, xtol=1e-15)) if ok else math.nan
    absolute = p1 - p0
    return Mde(
        absolute,
        absolute / p0 if p0 else math.nan,
        p0,
        p1,
        int(n_control),
        int(n_treatment),
        power,
        alpha,
        bool(ok),
        METHOD[variance],
    )


def holdout_share_needed(
    n_total: int,
    p_control: float,
    relative_change: float,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    variance: Variance = "unpooled",
) -> float | None:
    """The smallest holdout share of ``n_total`` customers that detects the change, or None.

    Power grows with the holdout share up to the optimal (Neyman) split, so the answer is
    searched below it; None means no split of these customers reaches the power.
    """
    p0, p1 = p_control, p_control * (1 + relative_change)
    if not (0 < p0 < 1 and 0 <= p1 <= 1) or n_total < 2:
        return None
    s0, s1 = math.sqrt(p0 * (1 - p0)), math.sqrt(p1 * (1 - p1))
    best = s0 / (s0 + s1)

    def gap(f: float) -> float:
        return (
            power_two_proportions(
                p0, p1, f * n_total, (1 - f) * n_total, alpha=alpha, variance=variance
            )
            - power
        )

    low = 1 / n_total
    if gap(best) < 0:
        return None
    if gap(low) >= 0:
        return low
    return float(brentq(gap, low, best, xtol=1e-10))
