"""Holdout uplift statistics against hand-computed and published values."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from fanzha.campaigns.stats import _diff, uplift_table, wilson


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
    _, _, _, got_low, got_high = _diff(k1, n1, k0, n0)
    assert got_low == pytest.approx(low, abs=1e-4)
    assert got_high == pytest.approx(high, abs=1e-4)


def test_wilson_interval() -> None:
    assert wilson(20, 200) == pytest.approx((0.065670, 0.149406), abs=1e-6)
    low, high = wilson(0, 13)
    assert low == pytest.approx(0.0, abs=1e-12) and high > 0.2  # no events is not certainty


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
