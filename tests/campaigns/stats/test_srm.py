"""Sample-ratio mismatch: flagged on a skewed split, quiet on a fair one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fanzha.campaigns.stats import sample_ratio_mismatch
from fanzha.segments.arms import ArmSplit, assign_arms
from fanzha.segments.generate import customer_ids
from fanzha.segments.holdout import in_holdout
from scipy.stats import chisquare


def test_a_skewed_split_is_flagged() -> None:
    # 50.9% / 49.1% of 100,000 against a declared 50/50: χ² = 32.4, p ≈ 1.3e-8
    check = sample_ratio_mismatch({"a": 50_900, "b": 49_100}, {"a": 50, "b": 50})
    assert check.mismatch
    assert check.statistic == pytest.approx(32.4)
    assert check.p_value == pytest.approx(chisquare([50_900, 49_100]).pvalue, rel=1e-9)
    assert check.method.startswith("Pearson χ²") and check.threshold == 0.001


def test_a_fair_split_from_the_real_assignment_is_not_flagged() -> None:
    ids = customer_ids(0, 100_000)
    arms = assign_arms("story-test", ids, ArmSplit.of({"a": 0.5, "b": 0.3, "c": 0.2}))
    check = sample_ratio_mismatch(arms.value_counts().to_dict(), {"a": 0.5, "b": 0.3, "c": 0.2})
    assert not check.mismatch and check.p_value > 0.01
    assert check.degrees_of_freedom == 2
    held = int(in_holdout("spring-2027", ids, 5).sum())
    holdout = sample_ratio_mismatch(
        {"contacted": len(ids) - held, "holdout": held}, {"contacted": 95, "holdout": 5}
    )
    assert not holdout.mismatch


def test_the_flag_rate_under_fair_multinomial_splits_is_the_threshold() -> None:
    rng = np.random.default_rng(7)
    draws = rng.multinomial(20_000, [0.5, 0.3, 0.2], size=4000)
    flagged = [
        sample_ratio_mismatch(dict(zip("abc", row, strict=True)), {"a": 5, "b": 3, "c": 2}).mismatch
        for row in draws
    ]
    assert np.mean(flagged) < 0.004  # expected 0.001


def test_a_small_holdout_shortfall_is_caught() -> None:
    # a declared 5% holdout that lost a fifth of its customers (a join that drops rows)
    check = sample_ratio_mismatch(
        {"contacted": 95_000, "holdout": 4_000}, {"contacted": 0.95, "holdout": 0.05}
    )
    assert check.mismatch
    holdout = next(a for a in check.arms if a.arm == "holdout")
    assert holdout.expected == pytest.approx(4_950)
    assert holdout.observed_share == pytest.approx(4_000 / 99_000)


def test_edge_cases() -> None:
    assert sample_ratio_mismatch({"a": 3, "b": 0}, {"a": 1, "b": 0}).mismatch is False
    assert sample_ratio_mismatch({"a": 3, "b": 1}, {"a": 1, "b": 0}).mismatch  # arm declared empty
    empty = sample_ratio_mismatch({}, {"a": 1, "b": 1})
    assert math.isnan(empty.p_value) and not empty.mismatch
    with pytest.raises(ValueError, match="not declared"):
        sample_ratio_mismatch({"a": 1, "z": 1}, {"a": 1, "b": 1})
    assert (
        sample_ratio_mismatch({"a": 10, "b": 12}, {"a": 1, "b": 1}).to_dict()["arms"][0]["arm"]
        == "a"
    )
