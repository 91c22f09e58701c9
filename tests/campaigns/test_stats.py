"""Holdout uplift statistics against a hand-computed example."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from campaigns.stats import uplift_table


def test_uplift_matches_hand_computation() -> None:
    # 200 contacted (20 reported a scam: 10%), 100 held out (5 reported: 5%).
    # se = sqrt(.1*.9/200 + .05*.95/100) = sqrt(.00045 + .000475) = 0.0304138
    # 95% CI = 0.05 ± 1.959964 * 0.0304138 = [-0.009610, 0.109610]
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
    assert row.ci_low == pytest.approx(-0.009610, abs=1e-6)
    assert row.ci_high == pytest.approx(0.109610, abs=1e-6)


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
