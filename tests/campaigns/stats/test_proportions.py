"""Two proportions: published values, scipy/statsmodels oracles, and coverage of planted effects."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from fanzha.campaigns.stats import (
    compare_proportions,
    newcombe,
    relative_risk,
    uplift_table,
    wilson,
)
from scipy.stats import contingency
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest


def test_uplift_matches_hand_computation() -> None:
    # 200 contacted (20 reported a scam: 10%), 100 held out (5 reported: 5%).
    # Wilson(20, 200) = [0.065670, 0.149406]; Wilson(5, 100) = [0.021544, 0.111750]
    # low  = 0.05 - sqrt((0.1 - 0.065670)^2 + (0.111750 - 0.05)^2) = -0.020652
    # high = 0.05 + sqrt((0.149406 - 0.1)^2 + (0.05 - 0.021544)^2) =  0.107015
    groups = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(300)],
            "segment": "elderly",
            "arm": ["contacted"] * 200 + ["holdout"] * 100,
        }
    )
    outcomes = pd.DataFrame(
        {"customer_id": [f"c{i}" for i in [*range(20), *range(200, 205)]], "outcome": "scam_report"}
    )
    row = uplift_table(groups, outcomes).iloc[0]
    assert (row.n_contacted, row.k_contacted, row.n_holdout, row.k_holdout) == (200, 20, 100, 5)
    assert row.difference == pytest.approx(0.05)
    assert row.ci_low == pytest.approx(-0.020652, abs=1e-5)
    assert row.ci_high == pytest.approx(0.107015, abs=1e-5)


@pytest.mark.parametrize(
    ("k1", "n1", "k0", "n0", "low", "high"),
    [  # Newcombe (1998), Statistics in Medicine 17:873, Table II, method 10
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
    ],
)
def test_interval_matches_newcombes_published_values(
    k1: int, n1: int, k0: int, n0: int, low: float, high: float
) -> None:
    got = compare_proportions(k1, n1, k0, n0).difference
    assert (got.low, got.high) == pytest.approx((low, high), abs=1e-4)
    assert got.method.startswith("Newcombe hybrid score")
    oracle = confint_proportions_2indep(k1, n1, k0, n0, compare="diff", method="newcomb")
    assert newcombe(k1, n1, k0, n0) == pytest.approx(oracle, abs=1e-12)


def test_wilson_interval() -> None:
    assert wilson(20, 200) == pytest.approx((0.065670, 0.149406), abs=1e-6)
    low, high = wilson(0, 13)
    assert low == pytest.approx(0.0, abs=1e-12) and high > 0.2  # no events is not certainty


@pytest.mark.parametrize(
    ("k1", "n1", "k0", "n0"),
    [(56, 70, 48, 80), (9, 1900, 3, 100), (120, 19000, 11, 1000), (2, 5, 4, 9)],
)
def test_relative_risk_matches_scipy_and_statsmodels(k1: int, n1: int, k0: int, n0: int) -> None:
    ratio = compare_proportions(k1, n1, k0, n0).ratio
    scipy_rr = contingency.relative_risk(k1, n1, k0, n0)
    ci = scipy_rr.confidence_interval(0.95)
    assert ratio.value == pytest.approx(scipy_rr.relative_risk, rel=1e-12)
    assert (ratio.low, ratio.high) == pytest.approx((ci.low, ci.high), rel=1e-9)
    oracle = confint_proportions_2indep(k1, n1, k0, n0, compare="ratio", method="log")
    assert (ratio.low, ratio.high) == pytest.approx(oracle, rel=1e-9)


def test_relative_risk_with_no_events_in_an_arm_uses_walters_adjustment() -> None:
    ratio, low, high = relative_risk(0, 1900, 4, 100)
    assert ratio == 0.0
    oracle = confint_proportions_2indep(0, 1900, 4, 100, compare="ratio", method="log-adjusted")
    assert (low, high) == pytest.approx(oracle, rel=1e-9)
    assert math.isnan(relative_risk(0, 10, 0, 10)[0])  # nothing happened anywhere: no ratio


def test_test_is_a_z_test_or_fisher_when_counts_are_small() -> None:
    big = compare_proportions(120, 19000, 11, 1000).test
    z, p = proportions_ztest([120, 11], [19000, 1000])
    assert (big.statistic, big.p_value) == pytest.approx((z, p), rel=1e-9)
    assert big.method.startswith("two-sided pooled")
    small = compare_proportions(5, 56, 0, 29).test
    assert small.method.startswith("two-sided Fisher") and math.isnan(small.statistic)


def test_result_carries_method_names_and_is_json_ready() -> None:
    result = compare_proportions(0, 500, 0, 40)
    record = result.to_dict()
    json.dumps(record, allow_nan=False)  # NaN became None
    assert record["ratio"]["value"] is None
    for key in ("difference", "ratio", "relative_change"):
        assert record[key]["method"] and record[key]["confidence"] == 0.95
    assert record["treatment"]["rate"]["method"] == "Wilson score interval"


def test_relative_change_is_the_ratio_minus_one() -> None:
    c = compare_proportions(80, 1000, 100, 1000)
    assert c.relative_change.value == pytest.approx(-0.2)
    assert c.relative_change.low == pytest.approx(c.ratio.low - 1)


@pytest.mark.parametrize(("p_contacted", "p_holdout"), [(0.08, 0.10), (0.012, 0.010)])
def test_intervals_cover_a_planted_effect_in_95_percent_of_1000_simulations(
    p_contacted: float, p_holdout: float
) -> None:
    rng = np.random.default_rng(18)
    n1, n0 = 19_000, 1_000  # a 5% holdout
    k1 = rng.binomial(n1, p_contacted, size=1000)
    k0 = rng.binomial(n0, p_holdout, size=1000)
    found = [compare_proportions(a, n1, b, n0) for a, b in zip(k1, k0, strict=True)]
    difference = np.mean([c.difference.covers(p_contacted - p_holdout) for c in found])
    ratio = np.mean([c.ratio.covers(p_contacted / p_holdout) for c in found])
    assert abs(difference - 0.95) <= 0.02, difference
    assert abs(ratio - 0.95) <= 0.02, ratio


def test_repeated_outcomes_count_a_customer_once_and_segments_stay_apart() -> None:
    groups = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "segment": ["s1", "s1", "s2", "s2"],
            "arm": ["contacted", "holdout"] * 2,
        }
    )
    outcomes = pd.DataFrame({"customer_id": ["a", "a", "c"], "outcome": ["blocked_transfer"] * 3})
    table = uplift_table(groups, outcomes).set_index("segment")
    assert table.loc["s1", "k_contacted"] == 1
    assert table.loc["s2", "k_contacted"] == 1
    assert table.loc["s1", "rate_holdout"] == 0


def test_empty_arm_gives_no_interval() -> None:
    groups = pd.DataFrame({"customer_id": ["a"], "segment": ["s"], "arm": ["contacted"]})
    table = uplift_table(groups, pd.DataFrame({"customer_id": ["a"], "outcome": ["x"]}))
    assert math.isnan(table.iloc[0].difference)
