"""Benjamini–Hochberg against statsmodels (a test-only oracle), and per-segment effects."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from fanzha.campaigns.stats import benjamini_hochberg, segment_effects
from hypothesis import example, given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

p_values = st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(p_values, st.sampled_from([0.01, 0.05, 0.1, 0.25]))
@example([0.0, 0.0, 0.1], 0.1)  # p(3) = 3/3 · q exactly: a discovery (0.1 · 3 / 3 rounds above q)
def test_bh_matches_statsmodels(p: list[float], rate: float) -> None:
    ours = benjamini_hochberg(p, rate)
    rejected, adjusted, _, _ = multipletests(p, alpha=rate, method="fdr_bh")
    assert list(ours.p_adjusted) == pytest.approx(list(adjusted), abs=1e-12)
    assert list(ours.rejected) == list(rejected)


def test_bh_by_hand_and_with_missing_tests() -> None:
    # m = 4: sorted 0.01, 0.02, 0.03, 0.5 → 0.04, 0.04, 0.04, 0.5
    out = benjamini_hochberg([0.03, 0.5, 0.01, 0.02], 0.05)
    assert out.p_adjusted == pytest.approx((0.04, 0.5, 0.04, 0.04))
    assert out.rejected == (True, False, True, True)
    gap = benjamini_hochberg([0.01, math.nan, 0.04])  # a segment with an empty arm: no test
    assert math.isnan(gap.p_adjusted[1]) and not gap.rejected[1]
    assert gap.p_adjusted[0] == pytest.approx(0.02)  # m = 2, not 3
    with pytest.raises(ValueError):
        benjamini_hochberg([1.5])


def test_segment_effects_adjust_across_segments() -> None:
    rng = np.random.default_rng(4)
    frames, hits = [], []
    rates = {"elderly": (0.06, 0.10), "students": (0.10, 0.10), "migrants": (0.09, 0.10)}
    for segment, (p_contacted, p_holdout) in rates.items():
        n1, n0 = 9_000, 3_000
        ids = [f"{segment}-{i}" for i in range(n1 + n0)]
        arm = ["contacted"] * n1 + ["holdout"] * n0
        frames.append(pd.DataFrame({"customer_id": ids, "segment": segment, "arm": arm}))
        p = np.r_[np.full(n1, p_contacted), np.full(n0, p_holdout)]
        event = rng.random(n1 + n0) < p
        hits += list(np.array(ids)[event])
    groups = pd.concat(frames, ignore_index=True)
    outcomes = pd.DataFrame({"customer_id": hits, "outcome": "scam_reported"})
    result = segment_effects(groups, outcomes, "scam_reported")
    by = {e.segment: e for e in result.effects}
    assert set(by) == set(rates)
    assert by["elderly"].discovery and not by["students"].discovery
    raw = [by[s].comparison.test.p_value for s in sorted(by)]
    assert [by[s].p_adjusted for s in sorted(by)] == pytest.approx(
        list(multipletests(raw, method="fdr_bh")[1])
    )
    frame = result.to_frame()
    assert list(frame["segment"]) == sorted(rates) and "p_adjusted" in frame
    assert result.adjustment.startswith("Benjamini–Hochberg")


def test_a_segment_without_events_still_gets_its_row() -> None:
    groups = pd.DataFrame(
        {
            "customer_id": list("abcd"),
            "segment": ["s1", "s1", "s2", "s2"],
            "arm": ["contacted", "holdout"] * 2,
        }
    )
    outcomes = pd.DataFrame({"customer_id": ["a"], "outcome": ["read"]})
    result = segment_effects(groups, outcomes, "read")
    assert [e.segment for e in result.effects] == ["s1", "s2"]
    empty = segment_effects(groups, outcomes.iloc[:0], "read")
    assert [e.comparison.test.p_value for e in empty.effects] == [1.0, 1.0]
