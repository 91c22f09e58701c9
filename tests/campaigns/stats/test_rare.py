"""Rare outcomes: Poisson rates against statsmodels and scipy, and cost per prevented case."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fanzha.campaigns.stats import compare_rates, prevention
from fanzha.campaigns.stats.rare import garwood
from scipy.stats import binomtest
from statsmodels.stats import rates as sm_rates

CASES = [
    (5, 100.0, 12, 90.0),
    (30, 380_000.0, 4, 20_000.0),
    (0, 19_000.0, 3, 1_000.0),
    (60, 51_477.5, 30, 54_308.7),
]


@pytest.mark.parametrize(("k1", "t1", "k0", "t0"), CASES)
def test_exact_test_and_difference_match_statsmodels(
    k1: int, t1: float, k0: int, t0: float
) -> None:
    result = compare_rates(k1, t1, k0, t0)
    oracle = sm_rates.test_poisson_2indep(k1, t1, k0, t0, method="exact-cond")
    assert result.test.p_value == pytest.approx(oracle.pvalue, rel=1e-9)
    low, high = sm_rates.confint_poisson_2indep(
        k1, t1, k0, t0, compare="diff", method="mover", method_mover="exact-c"
    )
    assert (result.difference.low, result.difference.high) == pytest.approx((low, high), rel=1e-9)
    assert result.rate_control.low == pytest.approx(
        sm_rates.confint_poisson(k0, t0, method="exact-c")[0], rel=1e-9
    )


@pytest.mark.parametrize(("k1", "t1", "k0", "t0"), CASES)
def test_ratio_interval_is_clopper_pearson_mapped_to_the_ratio(
    k1: int, t1: float, k0: int, t0: float
) -> None:
    ratio = compare_rates(k1, t1, k0, t0).ratio
    ci = binomtest(k1, k1 + k0).proportion_ci(0.95, method="exact")
    assert ratio.low == pytest.approx(ci.low * t0 / ((1 - ci.low) * t1), rel=1e-9)
    assert ratio.value == pytest.approx((k1 / t1) / (k0 / t0))
    assert ratio.method.startswith("exact conditional")


def test_garwood_by_hand() -> None:
    # no events in 1,000 customer-months: upper bound −ln(0.025)/1000 = 3.689e-3
    assert garwood(0, 1000.0) == pytest.approx((0.0, -math.log(0.025) / 1000), rel=1e-9)


def test_exact_ratio_interval_covers_at_least_95_percent() -> None:
    rng = np.random.default_rng(9)
    t1, t0, r1, r0 = 19_000.0, 1_000.0, 0.0008, 0.001  # 0.10% monthly, 20% fewer when contacted
    k1, k0 = rng.poisson(r1 * t1, 1000), rng.poisson(r0 * t0, 1000)
    covered = [
        compare_rates(a, t1, b, t0).ratio.covers(r1 / r0) for a, b in zip(k1, k0, strict=True)
    ]
    assert 0.95 <= np.mean(covered) <= 0.995  # exact intervals are conservative, never liberal


def test_cost_per_prevented_case() -> None:
    # 380,000 contacted customer-months with 304 cases; 20,000 held out with 20 (1.0 per 1,000)
    result = compare_rates(304, 380_000.0, 20, 20_000.0)
    out = prevention(result, campaign_cost=190_000.0, loss_per_case=50_000.0)
    assert out.cases_prevented.value == pytest.approx((0.001 - 0.0008) * 380_000)  # 76 cases
    assert out.cost_per_prevented_case.value == pytest.approx(190_000 / 76)
    # the interval of cases prevented reaches below zero, so the cost has no upper bound
    assert out.cases_prevented.low < 0 and out.cost_per_prevented_case.high == math.inf
    assert out.cost_per_prevented_case.low == pytest.approx(190_000 / out.cases_prevented.high)
    assert out.losses_prevented.value == pytest.approx(76 * 50_000)
    assert prevention(result).cost_per_prevented_case is None
    assert out.to_dict()["cost_per_prevented_case"]["high"] == math.inf


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        compare_rates(-1, 10.0, 1, 10.0)
    with pytest.raises(ValueError):
        compare_rates(1, 0.0, 1, 10.0)
    nothing = compare_rates(0, 10.0, 0, 10.0)
    assert math.isnan(nothing.ratio.value) and nothing.test.p_value == 1.0
