"""Always-valid (mixture SPRT) intervals hold under repeated looks, where fixed ones do not."""

from __future__ import annotations

import numpy as np
import pytest
from fanzha.campaigns.stats import (
    always_valid_intervals,
    compare_proportions,
    confidence_sequence,
    tau_for,
)

LOOKS, PER_LOOK, SIMS = 100, 400, 2000


def simulate(rng: np.random.Generator, p1: float, p0: float) -> tuple[np.ndarray, ...]:
    """Cumulative counts at each of LOOKS looks, PER_LOOK new customers per arm each time."""
    k1 = rng.binomial(PER_LOOK, p1, (SIMS, LOOKS)).cumsum(axis=1)
    k0 = rng.binomial(PER_LOOK, p0, (SIMS, LOOKS)).cumsum(axis=1)
    n = PER_LOOK * np.arange(1, LOOKS + 1)
    return k1, k0, n


def test_under_the_null_the_interval_excludes_the_truth_at_any_look_in_at_most_5_percent() -> None:
    k1, k0, n = simulate(np.random.default_rng(21), 0.1, 0.1)
    p1, p0 = k1 / n, k0 / n
    variance = p1 * (1 - p1) / n + p0 * (1 - p0) / n
    tau = tau_for(2 * 0.1 * 0.9 / (PER_LOOK * LOOKS / 2))  # tuned to the middle of the run
    low, high = confidence_sequence(p1 - p0, variance, tau)
    ever_wrong = ((low > 0) | (high < 0)).any(axis=1)
    assert ever_wrong.mean() <= 0.05
    # the same data with a fixed-sample 95% interval read at every look: far above 5%
    z = 1.959963984540054
    naive = (np.abs(p1 - p0) > z * np.sqrt(variance)).any(axis=1)
    assert naive.mean() > 0.25


def test_with_a_real_effect_the_interval_excludes_zero_in_time() -> None:
    k1, k0, n = simulate(np.random.default_rng(22), 0.08, 0.10)
    p1, p0 = k1 / n, k0 / n
    low, high = confidence_sequence(p1 - p0, p1 * (1 - p1) / n + p0 * (1 - p0) / n, 0.01)
    assert (high[:, -1] < 0).mean() > 0.95
    assert ((low <= -0.02) & (-0.02 <= high)).all(axis=1).mean() >= 0.95


def test_the_result_is_labelled_always_valid_and_nested() -> None:
    n = [1000, 2000, 4000, 8000]
    result = always_valid_intervals([100, 190, 330, 640], n, [100, 205, 410, 800], n, tau=0.02)
    for look in result.looks:
        assert look.difference.always_valid
        assert "always-valid" in look.difference.method and "SPRT" in look.difference.method
    widths = [lk.difference.high - lk.difference.low for lk in result.looks]
    assert widths == sorted(widths, reverse=True)  # intersected: never wider than before
    last = result.latest
    fixed = compare_proportions(640, 8000, 800, 8000).difference
    assert last.difference.low < fixed.low and last.difference.high > fixed.high  # wider: the price
    p = [lk.p_value_always_valid for lk in result.looks]
    assert p == sorted(p, reverse=True) and 0 < p[-1] < 0.05
    assert result.to_dict()["looks"][0]["difference"]["always_valid"] is True


def test_a_look_without_events_bounds_nothing() -> None:
    result = always_valid_intervals([0, 10], [100, 1000], [0, 12], [100, 1000], tau=0.02)
    first = result.looks[0].difference
    assert first.low == -np.inf and first.high == np.inf
    assert np.isfinite(result.looks[1].difference.low)


def test_bad_sequences_are_refused() -> None:
    with pytest.raises(ValueError, match="cumulative"):
        always_valid_intervals([5, 6], [100, 50], [5, 6], [100, 200], tau=0.02)
    with pytest.raises(ValueError, match="one count per look"):
        always_valid_intervals([5], [100, 200], [5], [100], tau=0.02)


def test_tau_for_minimises_the_width_at_the_planned_variance() -> None:
    v = 2 * 0.1 * 0.9 / 20_000
    tau = tau_for(v)
    width = lambda t: confidence_sequence(np.array([0.0]), np.array([v]), t)[1][0]  # noqa: E731
    assert width(tau) <= width(tau * 1.5) and width(tau) <= width(tau / 1.5)
