"""Experiment arms: deterministic, independent of the holdout, weighted, stable when re-weighted."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fanzha.segments.arms import Allocation, ArmSplit, arm_scores, assign_arms, moved_share
from fanzha.segments.errors import ArmSplitError
from fanzha.segments.generate import customer_ids
from fanzha.segments.holdout import holdout_scores, in_holdout
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

MILLION = customer_ids(0, 1_000_000)


def joint_p_value(first: np.ndarray, second: np.ndarray) -> float:
    """χ² test of independence of two categorical codes."""
    table = pd.crosstab(first, second).to_numpy()
    return float(chi2_contingency(table, correction=False).pvalue)


def deciles(scores: np.ndarray) -> np.ndarray:
    return np.minimum((scores * 10).astype(int), 9)


@pytest.mark.parametrize("experiment", ["story-test-elderly", "spring-2027"])
def test_arms_are_independent_of_the_holdout_over_a_million_ids(experiment: str) -> None:
    # "spring-2027" is also the campaign id: sharing an id must not couple the two hashes
    held = in_holdout("spring-2027", MILLION, 5)
    arms = assign_arms(experiment, MILLION, ArmSplit.of({"a": 0.5, "b": 0.5}))
    assert joint_p_value(held, arms.cat.codes.to_numpy()) > 0.01
    # finer: the two scores' deciles, a 10 × 10 table (81 degrees of freedom)
    fine = joint_p_value(
        deciles(holdout_scores("spring-2027", MILLION)), deciles(arm_scores(experiment, MILLION))
    )
    assert fine > 0.01
    # and the arm shares inside the holdout are the declared ones
    assert arms[held].value_counts(normalize=True)["a"] == pytest.approx(0.5, abs=0.01)


def test_the_independence_test_catches_a_coupled_hash() -> None:
    # a naive scheme that reuses the holdout score for arms is flagged at once
    coupled = deciles(holdout_scores("spring-2027", MILLION))
    assert joint_p_value(in_holdout("spring-2027", MILLION, 5), coupled) < 1e-12


@pytest.mark.parametrize(
    "weights", [{"a": 0.5, "b": 0.5}, {"a": 0.7, "b": 0.2, "c": 0.1}, {"x": 0.9, "y": 0.1}]
)
def test_arm_shares_match_the_declared_split(weights: dict[str, float]) -> None:
    arms = assign_arms("story-test", MILLION, ArmSplit.of(weights))
    shares = arms.value_counts(normalize=True)
    for arm, share in weights.items():
        assert shares[arm] == pytest.approx(share, abs=0.003)  # 1M ids: sd ≤ 0.05%
    assert list(arms.cat.categories) == list(weights)


def test_assignment_is_deterministic_and_aligned_with_the_index() -> None:
    ids = pd.Series(["C1", "C2", "C3", "张三", ""], index=[10, 11, 12, 13, 14])
    split = ArmSplit.from_percentages({"a": 50, "b": 50})
    first = assign_arms("exp", ids, split)
    again = assign_arms("exp", ids[::-1], split)
    assert first.index.tolist() == [10, 11, 12, 13, 14]
    assert (again.sort_index() == first).all()  # order and batch do not matter
    other = assign_arms("other-exp", MILLION[:1000], split)
    assert (other != assign_arms("exp", MILLION[:1000], split)).any()


def test_bad_splits_are_refused_with_the_reason() -> None:
    with pytest.raises(ArmSplitError, match="add up to 90%"):
        ArmSplit.from_percentages({"a": 50, "b": 40})
    with pytest.raises(ArmSplitError, match="repeat"):
        ArmSplit(("a", "a"), (0.5, 0.5))
    with pytest.raises(ArmSplitError, match="≥ 0"):
        ArmSplit.of({"a": 1.2, "b": -0.2})
    with pytest.raises(ValueError):  # the error is also a ValueError
        ArmSplit.of({})


def test_reweighting_moves_only_the_customers_it_must() -> None:
    before = Allocation.initial(ArmSplit.of({"a": 0.5, "b": 0.3, "c": 0.2}))
    after = before.reweight(ArmSplit.of({"a": 0.2, "b": 0.3, "c": 0.5}))
    assert after.shares() == pytest.approx({"a": 0.2, "b": 0.3, "c": 0.5})
    # the least possible: total variation distance 0.3; the naive re-layout moves 0.6
    assert moved_share(before, after) == pytest.approx(0.3)
    naive = Allocation.initial(ArmSplit.of({"a": 0.2, "b": 0.3, "c": 0.5}))
    assert moved_share(before, naive) == pytest.approx(0.6)
    # measured on a million customers, not just on the layout
    old = before.assign_codes(arm_scores("exp", MILLION))
    new = after.assign_codes(arm_scores("exp", MILLION))
    assert (old != new).mean() == pytest.approx(0.3, abs=0.003)
    assert ((old == 1) == (new == 1)).all()  # b's weight did not change: nobody entered or left


weights = st.lists(st.integers(1, 100), min_size=3, max_size=3).map(
    lambda w: tuple(x / sum(w) for x in w)
)


@settings(max_examples=60, deadline=None)
@given(st.lists(weights, min_size=1, max_size=8))
def test_any_sequence_of_reweights_is_exact_and_minimal(sequence: list[tuple[float, ...]]) -> None:
    arms = ("a", "b", "c")
    layout = Allocation.initial(ArmSplit.equal(arms))
    for target in sequence:
        split = ArmSplit(arms, target)
        nxt = layout.reweight(split)
        # contiguous pieces covering [0, 1) exactly, the shares as asked
        assert nxt.pieces[0][0] == 0.0 and nxt.pieces[-1][1] == 1.0
        assert all(a[1] == b[0] for a, b in zip(nxt.pieces, nxt.pieces[1:], strict=False))
        assert list(nxt.shares().values()) == pytest.approx(list(target), abs=1e-9)
        # the share that changed arm is the total variation distance: the minimum possible
        distance = sum(
            max(0.0, h - w) for h, w in zip(layout.shares().values(), target, strict=True)
        )
        assert moved_share(layout, nxt) == pytest.approx(distance, abs=1e-9)
        layout = nxt
    rebuilt = Allocation.from_dict(json.loads(json.dumps(layout.to_dict())))
    assert rebuilt == layout  # the recorded layout rebuilds exactly
