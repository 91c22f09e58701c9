"""Power at planning time (``fanzha plan``) and the report's warning of a too-small holdout.

``plan_power`` gives, for a segment's declared holdout and outcome base rate, the minimum
detectable effect, the power against the target effect, the holdout share that target needs
and the customers needed at the declared share. ``power_check`` is the report's warning
(issue 13): at the observed base rate, can this holdout detect a 20% relative change with
power 0.8 at α = 0.05, and if not, how many customers would it take at the same split?
Power is computed for a declared target, never for the observed effect: "post-hoc power" at
the observed effect is a restatement of the p-value and says nothing new.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from fanzha.campaigns.stats.power import (
    METHOD,
    Mde,
    SampleSize,
    holdout_share_needed,
    minimum_detectable_effect,
    power_two_proportions,
    sample_size,
)
from fanzha.campaigns.stats.results import Result

__all__ = ["PowerCheck", "PowerPlan", "plan_power", "power_check"]


@dataclass(frozen=True)
class PowerPlan(Result):
    """A segment's design: its MDE, its power for the target, and what the target needs."""

    n_treatment: int
    n_control: int
    base_rate: float
    target_relative_change: float
    mde: Mde
    power_at_target: float
    holdout_share_needed: float | None  # None: no split of these customers reaches the power
    needed_at_declared_share: SampleSize | None
    method: str


def plan_power(
    n_eligible: int,
    holdout_share: float,
    base_rate: float,
    *,
    target_relative_change: float = -0.2,
    power: float = 0.8,
    alpha: float = 0.05,
) -> PowerPlan:
    """Design figures for ``n_eligible`` customers with ``holdout_share`` (0–1) held out."""
    n0 = round(n_eligible * holdout_share)
    n1 = n_eligible - n0
    direction: Literal["decrease", "increase"] = (
        "decrease" if target_relative_change < 0 else "increase"
    )
    mde = minimum_detectable_effect(
        n0, n1, base_rate, power=power, alpha=alpha, direction=direction
    )
    p1 = base_rate * (1 + target_relative_change)
    usable = 0 < base_rate < 1 and 0 <= p1 <= 1
    at_target = power_two_proportions(base_rate, p1, n0, n1, alpha=alpha) if usable else math.nan
    share = (
        holdout_share_needed(
            n_eligible, base_rate, target_relative_change, power=power, alpha=alpha
        )
        if usable
        else None
    )
    needed = (
        sample_size(base_rate, target_relative_change, holdout_share, power=power, alpha=alpha)
        if usable and 0 < holdout_share < 1
        else None
    )
    return PowerPlan(
        n1, n0, base_rate, target_relative_change, mde, at_target, share, needed, METHOD["unpooled"]
    )


@dataclass(frozen=True)
class PowerCheck(Result):
    """Whether a holdout can detect the target change at the observed base rate.

    ``adequate`` is False when the power is below the target or cannot be computed (no events
    yet: ``reason`` says so); ``needed`` is the sample at the same split that would suffice.
    """

    adequate: bool
    achieved_power: float
    target_power: float
    relative_change: float
    base_rate: float
    n_treatment: int
    n_control: int
    needed: SampleSize | None
    reason: str
    method: str


def power_check(
    n_treatment: int,
    n_control: int,
    events: int,
    *,
    relative_change: float = 0.2,
    power: float = 0.8,
    alpha: float = 0.05,
) -> PowerCheck:
    """Issue 13's warning: power for a ``relative_change`` at the pooled observed rate.

    ``events`` counts customers with the outcome in both arms; the pooled rate is the base rate
    (under no effect both arms share it, and it is steadier than a small holdout's own rate).
    A drop and a rise of the same relative size differ a little in power; the harder of the
    two to see (usually the rise: its rate has the larger variance) is the one checked.
    """
    n = n_treatment + n_control
    base = events / n if n else math.nan
    if n_control == 0 or n_treatment == 0:
        reason = "an arm is empty"
    elif events == 0 or events == n:
        reason = "no variation in the outcome yet: the base rate is 0% or 100%"
    else:
        reason = ""
    if reason:
        return PowerCheck(
            False,
            math.nan,
            power,
            relative_change,
            base,
            n_treatment,
            n_control,
            None,
            reason,
            METHOD["unpooled"],
        )
    changes = [c for c in (-abs(relative_change), abs(relative_change)) if base * (1 + c) <= 1]
    powers = [
        power_two_proportions(base, base * (1 + c), n_control, n_treatment, alpha=alpha)
        for c in changes
    ]
    achieved, change = min(zip(powers, changes, strict=True))
    needed = sample_size(base, change, n_control / n, power=power, alpha=alpha)
    adequate = achieved >= power
    reason = (
        ""
        if adequate
        else (
            f"a holdout of {n_control:,} has power {achieved:.2f} to detect a "
            f"{abs(relative_change):.0%} relative change of a {base:.2%} rate; "
            f"{needed.n_control:,} held out ({needed.total:,} in all at this split) would reach {power:.0%}"
        )
    )
    return PowerCheck(
        adequate,
        achieved,
        power,
        relative_change,
        base,
        n_treatment,
        n_control,
        needed,
        reason,
        METHOD["unpooled"],
    )
