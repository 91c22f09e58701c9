"""Effect by week since the first send: counts by hand, and a planted fading effect."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from fanzha.campaigns.stats import effect_by_week


def test_weeks_count_by_hand() -> None:
    groups = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "arm": ["contacted", "contacted", "holdout", "holdout"],
            "start": pd.to_datetime(["2027-03-01", "2027-03-08", "2027-03-01", "2027-03-01"]),
        }
    )
    events = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "c", "d"],
            "date": pd.to_datetime(
                ["2027-03-02", "2027-03-03", "2027-03-09", "2027-03-09", "2027-02-20", "2027-03-10"]
            ),
        }
    )
    frame = effect_by_week(groups, events, dt.date(2027, 3, 16)).to_frame()
    # as of 16 March a has two complete weeks, b one, c and d two
    assert frame["week"].tolist() == [0, 1]
    assert frame["n_treatment"].tolist() == [2, 1]
    assert frame["n_control"].tolist() == [2, 2]
    # week 0: a (twice, counted once) and b; c's event came before its start
    assert frame["rate_treatment"].tolist() == pytest.approx([1.0, 1.0])
    assert frame["rate_control"].tolist() == pytest.approx([0.0, 0.5])


def test_a_fading_effect_shows_week_by_week() -> None:
    rng = np.random.default_rng(11)
    n = 60_000
    treated = rng.random(n) < 0.8
    start = pd.Timestamp("2027-03-01") + pd.to_timedelta(rng.integers(0, 7, n), unit="D")
    effect = [-0.03, -0.02, -0.01, 0.0]  # the warning wears off after three weeks
    rows = []
    for week, drop in enumerate(effect):
        hit = rng.random(n) < 0.10 + drop * treated
        day = start[hit] + pd.to_timedelta(7 * week + rng.integers(0, 7, hit.sum()), unit="D")
        rows.append(pd.DataFrame({"customer_id": np.flatnonzero(hit), "date": day}))
    groups = pd.DataFrame(
        {
            "customer_id": np.arange(n),
            "arm": np.where(treated, "contacted", "holdout"),
            "start": start,
        }
    )
    weekly = effect_by_week(
        groups, pd.concat(rows), dt.date(2027, 4, 4)
    )  # four full weeks for everyone
    assert [w.week for w in weekly.weeks] == [0, 1, 2, 3]
    for w, truth in zip(weekly.weeks, effect, strict=True):
        assert w.comparison.difference.covers(truth)
    assert (
        weekly.weeks[0].comparison.difference.high < 0 < weekly.weeks[3].comparison.difference.high
    )
    assert weekly.to_dict()["weeks"][0]["comparison"]["label"] == "week 1"
