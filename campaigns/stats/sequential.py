"""Always-valid intervals for a report that is looked at again and again (mixture SPRT).

A 95% interval is 95% only if it is read once, at a sample size fixed in advance. Looking every
day and stopping when the interval excludes zero finds an "effect" far more often than 5% of
the time. The mixture sequential probability ratio test (Robbins 1970; Johari, Koomen, Pekelis
& Walsh 2017) gives a confidence sequence instead: intervals that hold the true effect at
every look at once with probability ≥ 95%, however often the report is opened.

For the difference of two proportions d̂ with plug-in variance V = p1(1−p1)/n1 + p0(1−p0)/n0
and a normal mixing distribution N(0, τ²) over the effect, the likelihood ratio against the
value θ is

    Λ(θ) = √(V / (V + τ²)) · exp(τ² (d̂ − θ)² / (2V(V + τ²)))

and the interval at level 1 − α is every θ with Λ(θ) < 1/α:

    d̂ ± √(V (V + τ²) / τ² · (2 log(1/α) + log((V + τ²) / V)))

intersected with the intervals of the earlier looks. τ sets where the interval is tightest:
:func:`tau_for` chooses it for the planned sample. The plug-in variance makes the guarantee
asymptotic (it holds once each arm has a few dozen events). The always-valid p-value is
min(1, 1 / max Λ(0)) over the looks so far.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from fanzha.campaigns.stats.results import Estimate, Result
from scipy.optimize import minimize_scalar

__all__ = [
    "MSPRT",
    "SequentialLook",
    "SequentialResult",
    "always_valid_intervals",
    "confidence_sequence",
    "tau_for",
]

MSPRT = "always-valid mixture SPRT confidence sequence (Johari et al. 2017)"


def _half_width(variance: np.ndarray, tau2: float, alpha: float) -> np.ndarray:
    return np.sqrt(
        variance * (variance + tau2) / tau2 * (2 * math.log(1 / alpha) + np.log1p(tau2 / variance))
    )


def confidence_sequence(
    difference: np.ndarray, variance: np.ndarray, tau: float, *, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Always-valid (low, high) along the last axis (the looks), running intersection included.

    Arrays broadcast, so many simulated sequences can be bounded at once.
    """
    d, v = np.asarray(difference, dtype=float), np.asarray(variance, dtype=float)
    informative = v > 0  # no events yet in either arm: that look bounds nothing
    half = np.where(
        informative, _half_width(np.where(informative, v, 1.0), tau * tau, alpha), np.inf
    )
    low = np.maximum.accumulate(np.where(np.isfinite(d - half), d - half, -np.inf), axis=-1)
    high = np.minimum.accumulate(np.where(np.isfinite(d + half), d + half, np.inf), axis=-1)
    return low, high


def tau_for(planned_variance: float, *, alpha: float = 0.05) -> float:
    """The mixing scale τ that makes the interval narrowest at the planned sample's variance."""

    def width(log_tau2: float) -> float:
        return float(_half_width(np.array(planned_variance), math.exp(log_tau2), alpha))

    guess = math.log(planned_variance)
    found = minimize_scalar(width, bracket=(guess - 5, guess + 5))
    return math.sqrt(math.exp(found.x))


@dataclass(frozen=True)
class SequentialLook(Result):
    """One look: arm sizes, the difference with its always-valid interval, its p-value."""

    look: int
    n_treatment: int
    events_treatment: int
    n_control: int
    events_control: int
    difference: Estimate  # always_valid=True
    p_value_always_valid: float


@dataclass(frozen=True)
class SequentialResult(Result):
    """Every look so far; the last one is what the report shows now."""

    looks: tuple[SequentialLook, ...]
    tau: float
    method: str = MSPRT

    @property
    def latest(self) -> SequentialLook:
        """The most recent look."""
        return self.looks[-1]


def always_valid_intervals(
    events_treatment: Sequence[int],
    n_treatment: Sequence[int],
    events_control: Sequence[int],
    n_control: Sequence[int],
    *,
    tau: float,
    confidence: float = 0.95,
) -> SequentialResult:
    """Intervals for cumulative counts at each look (treatment − control difference)."""
    k1, n1 = np.asarray(events_treatment, float), np.asarray(n_treatment, float)
    k0, n0 = np.asarray(events_control, float), np.asarray(n_control, float)
    if not (len(k1) == len(n1) == len(k0) == len(n0)) or not len(k1):
        raise ValueError("one count per look in each of the four sequences")
    if (n1 <= 0).any() or (n0 <= 0).any():
        raise ValueError("every look needs customers in both arms")
    if (np.diff(n1) < 0).any() or (np.diff(n0) < 0).any():
        raise ValueError("counts are cumulative: they never decrease from one look to the next")
    p1, p0 = k1 / n1, k0 / n0
    d, v = p1 - p0, p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0
    alpha = 1 - confidence
    low, high = confidence_sequence(d, v, tau, alpha=alpha)
    tau2 = tau * tau
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        log_lr = 0.5 * np.log(v / (v + tau2)) + tau2 * d * d / (2 * v * (v + tau2))
    log_lr = np.where(v > 0, log_lr, 0.0)
    p_value = np.minimum(1.0, np.exp(-np.maximum.accumulate(log_lr)))
    looks = tuple(
        SequentialLook(
            i + 1,
            int(n1[i]),
            int(k1[i]),
            int(n0[i]),
            int(k0[i]),
            Estimate(float(d[i]), float(low[i]), float(high[i]), MSPRT, confidence, True),
            float(p_value[i]),
        )
        for i in range(len(d))
    )
    return SequentialResult(looks, tau)
