"""Power, sample size, MDE and the holdout share needed, against standard formulas and oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fanzha.campaigns.stats import (
    holdout_share_needed,
    minimum_detectable_effect,
    plan_power,
    power_check,
    power_two_proportions,
    sample_size,
)
from scipy.stats import norm
from statsmodels.stats.power import NormalIndPower, normal_power_het
from statsmodels.stats.proportion import power_proportions_2indep


def test_issue_18s_planning_figure() -> None:
    # a 20% relative drop in a 0.10% monthly victimisation rate, 5% held out: about 4.1M
    need = sample_size(0.001, -0.2, 0.05)
    assert round(need.total / 1e6, 1) == 4.1
    assert need.total == 4_085_623
    assert need.n_control == math.ceil(need.total * 0.05)
    assert power_two_proportions(0.001, 0.0008, need.n_control, need.n_treatment) >= 0.8


def test_sample_size_is_the_textbook_formula() -> None:
    # N = (z_{α/2} + z_β)² (p0 q0 / f + p1 q1 / (1 − f)) / (p1 − p0)²
    p0, p1, f = 0.12, 0.096, 0.1
    z = norm.ppf(0.975) + norm.ppf(0.8)
    by_hand = z**2 * (p0 * (1 - p0) / f + p1 * (1 - p1) / (1 - f)) / (p1 - p0) ** 2
    assert sample_size(p0, -0.2, f).total == math.ceil(by_hand)


@pytest.mark.parametrize(
    ("p0", "p1", "n0", "n1"), [(0.001, 0.0008, 204_282, 3_881_341), (0.3, 0.35, 800, 2400)]
)
def test_power_matches_statsmodels(p0: float, p1: float, n0: int, n1: int) -> None:
    # unpooled: statsmodels' heteroscedastic normal power with the same standard error
    std = math.sqrt(p1 * (1 - p1) + p0 * (1 - p0) * n1 / n0)
    unpooled = normal_power_het(p1 - p0, n1, 0.05, std_null=std, std_alternative=std)
    assert power_two_proportions(p0, p1, n0, n1) == pytest.approx(unpooled, rel=1e-9)
    # pooled under the null: statsmodels' power_proportions_2indep
    pooled = power_proportions_2indep(p1 - p0, p0, n1, ratio=n0 / n1, return_results=False)
    assert power_two_proportions(p0, p1, n0, n1, variance="pooled") == pytest.approx(
        pooled, rel=1e-9
    )


def test_power_matches_normal_ind_power_where_the_variances_agree() -> None:
    # p(1−p) is the same at 0.4 and 0.6, so the standardised effect is exact
    p0, p1, n0, n1 = 0.4, 0.6, 60, 180
    effect = (p1 - p0) / math.sqrt(p0 * (1 - p0))
    oracle = NormalIndPower().power(effect, nobs1=n0, alpha=0.05, ratio=n1 / n0)
    assert power_two_proportions(p0, p1, n0, n1) == pytest.approx(oracle, rel=1e-9)
    n_needed = NormalIndPower().solve_power(effect, nobs1=None, alpha=0.05, power=0.8, ratio=3)
    size = sample_size(p0, 0.5, 0.25)
    assert size.n_control == pytest.approx(n_needed, abs=1.5)


def test_mde_round_trips_with_the_sample_size() -> None:
    size = sample_size(0.05, -0.2, 0.05)
    mde = minimum_detectable_effect(size.n_control, size.n_treatment, 0.05)
    assert mde.detectable and mde.relative == pytest.approx(-0.2, abs=0.002)
    assert power_two_proportions(
        0.05, mde.p_treatment, size.n_control, size.n_treatment
    ) == pytest.approx(0.8)
    up = minimum_detectable_effect(size.n_control, size.n_treatment, 0.05, direction="increase")
    assert 0.2 < up.relative < 0.21  # a rise has the larger variance: slightly harder to see
    tiny = minimum_detectable_effect(5, 95, 0.001)
    assert not tiny.detectable and math.isnan(tiny.absolute)


def test_simulated_power_at_the_planned_size_is_80_percent() -> None:
    p0, p1, f = 0.10, 0.08, 0.2
    size = sample_size(p0, -0.2, f)
    rng = np.random.default_rng(13)
    k0 = rng.binomial(size.n_control, p0, 8000)
    k1 = rng.binomial(size.n_treatment, p1, 8000)
    r0, r1 = k0 / size.n_control, k1 / size.n_treatment
    se = np.sqrt(r0 * (1 - r0) / size.n_control + r1 * (1 - r1) / size.n_treatment)
    rejected = np.abs(r1 - r0) / se > norm.ppf(0.975)  # the Wald test the formula assumes
    assert rejected.mean() == pytest.approx(0.8, abs=0.02)


def test_holdout_share_needed() -> None:
    share = holdout_share_needed(4_085_623, 0.001, -0.2)
    assert share == pytest.approx(0.05, abs=0.0005)
    assert power_two_proportions(
        0.001, 0.0008, share * 4_085_623, (1 - share) * 4_085_623
    ) == pytest.approx(0.8)
    assert holdout_share_needed(100_000, 0.001, -0.2) is None  # no split of 100k suffices


def test_plan_power_for_a_segment() -> None:
    plan = plan_power(40_000, 0.05, 0.12)
    assert (plan.n_control, plan.n_treatment) == (2_000, 38_000)
    assert plan.mde.relative < 0 and plan.power_at_target > 0.8
    assert plan.holdout_share_needed is not None and plan.holdout_share_needed < 0.05
    assert plan.needed_at_declared_share is not None
    assert plan.to_dict()["mde"]["method"].startswith("normal approximation")


def test_issue_13s_warning_for_a_small_holdout() -> None:
    # the elderly segment: 700 contacted, 36 held out, 12% reported a scam
    check = power_check(700, 36, 90)
    assert not check.adequate and check.achieved_power < 0.2
    assert check.needed is not None and check.needed.n_control > 1000
    assert f"{check.needed.n_control:,} held out" in check.reason
    for change in (0.8, 1.2):  # the size needed detects a drop and a rise alike
        rate = check.base_rate * change
        assert (
            power_two_proportions(
                check.base_rate, rate, check.needed.n_control, check.needed.n_treatment
            )
            >= 0.8
        )
    big = power_check(380_000, 20_000, 45_600)
    assert big.adequate and big.reason == ""
    none = power_check(700, 36, 0)
    assert not none.adequate and "no variation" in none.reason and none.needed is None
