"""The global control group: epochs, a persistent share, reshuffles, holdouts drawn outside it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from fanzha.segments.arms import ArmSplit, assign_arms
from fanzha.segments.control import EpochSchedule, GlobalControl, split_population
from fanzha.segments.errors import ArmSplitError
from fanzha.segments.generate import customer_ids
from fanzha.segments.holdout import in_holdout
from scipy.stats import chi2_contingency

IDS = customer_ids(0, 1_000_000)
CONTROL = GlobalControl(2.0)  # 2%, quarterly


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (dt.date(2027, 3, 31), dt.date(2027, 1, 1), dt.date(2027, 4, 1)),
        (dt.date(2027, 4, 1), dt.date(2027, 4, 1), dt.date(2027, 7, 1)),
        (dt.date(2027, 12, 31), dt.date(2027, 10, 1), dt.date(2028, 1, 1)),
        (dt.date(1999, 12, 31), dt.date(1999, 10, 1), dt.date(2000, 1, 1)),
        (dt.datetime(2027, 5, 5, 23, 59), dt.date(2027, 4, 1), dt.date(2027, 7, 1)),
    ],
)
def test_quarterly_epochs_follow_the_calendar(day: dt.date, start: dt.date, end: dt.date) -> None:
    epoch = EpochSchedule().epoch_of(day)
    assert (epoch.start, epoch.end) == (start, end)
    assert epoch.label == f"{start.isoformat()}/P3M"


def test_other_schedules_and_bad_ones() -> None:
    monthly = EpochSchedule(months=1, anchor=dt.date(2027, 1, 1))
    assert monthly.epoch_of(dt.date(2027, 2, 14)).index == 1
    yearly = EpochSchedule(months=12, anchor=dt.date(2026, 7, 1))
    assert yearly.epoch_of(dt.date(2027, 6, 30)).start == dt.date(2026, 7, 1)
    with pytest.raises(ArmSplitError, match="first of a month"):
        EpochSchedule(anchor=dt.date(2027, 1, 15))
    with pytest.raises(ArmSplitError, match="0–100"):
        GlobalControl(120)


def test_membership_is_persistent_within_an_epoch_and_reshuffled_across() -> None:
    jan = CONTROL.members(IDS, dt.date(2027, 1, 2))
    march = CONTROL.members(IDS, dt.date(2027, 3, 30))
    april = CONTROL.members(IDS, dt.date(2027, 4, 1))
    assert (jan == march).all()
    assert jan.mean() == pytest.approx(0.02, abs=0.001)
    assert april.mean() == pytest.approx(0.02, abs=0.001)
    # a reshuffle draws afresh: the overlap is what chance gives (2% of 2%), not persistence
    assert (jan & april).mean() == pytest.approx(0.02 * 0.02, abs=0.0001)


def test_holdouts_are_drawn_outside_the_control_group_at_the_declared_share() -> None:
    day = dt.date(2027, 3, 1)
    groups = split_population(
        IDS, campaign_id="spring-2027", holdout_pct=5, control=CONTROL, day=day
    )
    in_control = CONTROL.members(IDS, day)
    assert (groups[in_control] == "global_control").all()  # no control member in any arm
    rest = groups[~in_control]
    # the holdout is the declared 5% of the non-control customers, and the same people the
    # campaign's own holdout hash picks among them: conditioning leaves that hash untouched
    assert (rest == "holdout").mean() == pytest.approx(0.05, abs=0.001)
    plain = in_holdout("spring-2027", IDS, 5)
    assert ((groups == "holdout").to_numpy() == (plain & ~in_control)).all()
    # control membership and the holdout hash are independent
    table = pd.crosstab(in_control, plain).to_numpy()
    assert chi2_contingency(table, correction=False).pvalue > 0.01
    # and experiment arms are independent of the control group too
    arms = assign_arms("story-test", IDS, ArmSplit.equal(["a", "b"])).cat.codes.to_numpy()
    assert chi2_contingency(pd.crosstab(in_control, arms).to_numpy()).pvalue > 0.01


def test_without_a_control_group_the_split_is_the_plain_holdout() -> None:
    ids = IDS[:50_000]
    groups = split_population(
        ids, campaign_id="c", holdout_pct=10, control=None, day=dt.date(2027, 1, 1)
    )
    assert ((groups == "holdout").to_numpy() == in_holdout("c", ids, 10)).all()
    assert set(groups.cat.categories) == {"global_control", "holdout", "contacted"}
    assert not (groups == "global_control").any()


def test_named_control_groups_differ() -> None:
    day = dt.date(2027, 3, 1)
    other = GlobalControl(2.0, name="bank-b")
    assert not np.array_equal(
        CONTROL.members(IDS[:100_000], day), other.members(IDS[:100_000], day)
    )
