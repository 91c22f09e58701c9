"""Send times: the customer's own time zone, DST, campaign dates, quiet hours, rate spreading."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import pytest
from fanzha.delivery import Cadence, QuietHours, compute_due_times, parse_rate, spread_for_rate
from fanzha.delivery.errors import ScheduleError
from hypothesis import given, settings
from hypothesis import strategies as st

PEOPLE = pd.DataFrame(
    {
        "customer_id": ["sh", "ldn", "ny", "syd", "bad", "none"],
        "timezone": [
            "Asia/Shanghai",
            "Europe/London",
            "America/New_York",
            "Australia/Sydney",
            "Mars/Olympus",
            None,
        ],
    }
)
MARCH = {"starts": date(2027, 3, 1), "ends": date(2027, 4, 30)}


def due_of(frame: pd.DataFrame, customer: str) -> list[tuple[str, str]]:
    rows = frame[frame["customer_id"] == customer]
    return [(w, d.strftime("%Y-%m-%d %H:%M")) for w, d in zip(rows["wave"], rows["due_at"])]


def test_weekday_cadence_is_in_each_customers_local_time() -> None:
    due = compute_due_times(
        PEOPLE,
        Cadence.parse({"days": ["tue", "fri"], "at": "09:30"}),
        now=datetime(2027, 3, 1, tzinfo=UTC),
        horizon=timedelta(days=6),
        **MARCH,
    )
    # Tue 2 March and Fri 5 March, 09:30 local, written in UTC.
    assert due_of(due, "sh") == [
        ("2027-03-02", "2027-03-02 01:30"),
        ("2027-03-05", "2027-03-05 01:30"),
    ]
    assert due_of(due, "ldn") == [
        ("2027-03-02", "2027-03-02 09:30"),
        ("2027-03-05", "2027-03-05 09:30"),
    ]
    assert due_of(due, "ny") == [
        ("2027-03-02", "2027-03-02 14:30"),
        ("2027-03-05", "2027-03-05 14:30"),
    ]
    # Unknown or missing zones fall back to the campaign's default zone.
    assert due_of(due, "bad") == due_of(due, "sh") == due_of(due, "none")


def test_dst_changes_shift_utc_but_not_local_time() -> None:
    cadence = Cadence.parse({"days": ["mon"], "at": "09:00"})
    due = compute_due_times(
        PEOPLE, cadence, now=datetime(2027, 3, 1, tzinfo=UTC), horizon=timedelta(days=40), **MARCH
    )
    ny = dict(due_of(due, "ny"))
    assert ny["2027-03-08"] == "2027-03-08 14:00"  # EST, UTC-5
    assert ny["2027-03-15"] == "2027-03-15 13:00"  # EDT from 14 March, UTC-4
    ldn = dict(due_of(due, "ldn"))
    assert ldn["2027-03-22"] == "2027-03-22 09:00"  # GMT
    assert ldn["2027-03-29"] == "2027-03-29 08:00"  # BST from 28 March
    syd = dict(due_of(due, "syd"))
    assert syd["2027-03-29"] == "2027-03-28 22:00"  # AEDT, UTC+11
    assert syd["2027-04-05"] == "2027-04-04 23:00"  # AEST from 4 April, UTC+10


def test_a_local_time_skipped_by_dst_moves_forward_and_a_repeated_one_is_sent_once() -> None:
    people = PEOPLE[PEOPLE["customer_id"] == "ldn"]
    gap = compute_due_times(
        people,
        Cadence.parse({"days": ["sun"], "at": "01:30"}),
        now=datetime(2027, 3, 27, tzinfo=UTC),
        horizon=timedelta(days=2),
        **MARCH,
    )
    assert due_of(gap, "ldn") == [("2027-03-28", "2027-03-28 01:00")]  # 02:00 BST
    autumn = compute_due_times(
        people,
        Cadence.parse({"days": ["sun"], "at": "01:30"}),
        starts=date(2027, 10, 1),
        ends=date(2027, 11, 30),
        now=datetime(2027, 10, 30, tzinfo=UTC),
        horizon=timedelta(days=2),
    )
    assert due_of(autumn, "ldn") == [("2027-10-31", "2027-10-31 00:30")]  # the first 01:30


def test_every_n_days_counts_from_the_start_and_stays_inside_the_campaign() -> None:
    people = PEOPLE[PEOPLE["customer_id"] == "sh"]
    due = compute_due_times(
        people,
        Cadence.parse({"every": "3d", "at": "12:00"}),
        starts=date(2027, 3, 1),
        ends=date(2027, 3, 10),
        now=datetime(2027, 2, 20, tzinfo=UTC),
        horizon=timedelta(days=60),
    )
    assert list(due["wave"]) == ["2027-03-01", "2027-03-04", "2027-03-07", "2027-03-10"]


def test_past_occurrences_and_those_beyond_the_horizon_are_not_produced() -> None:
    people = PEOPLE[PEOPLE["customer_id"] == "sh"]
    due = compute_due_times(
        people,
        Cadence.parse({"days": ["tue", "fri"], "at": "09:30"}),
        now=datetime(2027, 3, 2, 3, 0, tzinfo=UTC),
        horizon=timedelta(days=3),
        **MARCH,
    )
    assert list(due["wave"]) == ["2027-03-05"]  # Tuesday 09:30 already passed


def test_quiet_hours_move_a_push_to_the_next_allowed_time_never_drop_it() -> None:
    people = PEOPLE[PEOPLE["customer_id"].isin(["sh", "ny"])]
    due = compute_due_times(
        people,
        Cadence.parse({"days": ["tue"], "at": "22:00"}),
        quiet=QuietHours.parse("21:30-08:00"),
        now=datetime(2027, 3, 1, tzinfo=UTC),
        horizon=timedelta(days=3),
        **MARCH,
    )
    # 22:00 Tuesday is quiet: 08:00 Wednesday local, still the Tuesday wave.
    assert due_of(due, "sh") == [("2027-03-02", "2027-03-03 00:00")]
    assert due_of(due, "ny") == [("2027-03-02", "2027-03-03 13:00")]


@pytest.mark.parametrize(
    ("spec", "local", "expected"),
    [
        ("21:30-08:00", "2027-03-02 23:00", "2027-03-03 08:00"),
        ("21:30-08:00", "2027-03-02 03:00", "2027-03-02 08:00"),
        ("21:30-08:00", "2027-03-02 08:00", "2027-03-02 08:00"),
        ("21:30-08:00", "2027-03-02 21:29", "2027-03-02 21:29"),
        ("12:00-13:30", "2027-03-02 12:10", "2027-03-02 13:30"),
        ("12:00-13:30", "2027-03-02 13:30", "2027-03-02 13:30"),
    ],
)
def test_quiet_hours_next_allowed(spec: str, local: str, expected: str) -> None:
    moved = QuietHours.parse(spec).next_allowed(pd.Series(pd.to_datetime([local])))
    assert moved.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize(
    "spec",
    [
        {"days": ["tue"]},
        {"days": ["tue"], "every": "2d", "at": "09:00"},
        {"days": ["someday"], "at": "09:00"},
        {"every": "2w", "at": "9"},
        {"days": ["tue"], "at": "25:00"},
        {"days": [], "at": "09:00"},
    ],
)
def test_bad_cadences_are_schedule_errors(spec: dict[str, object]) -> None:
    with pytest.raises(ScheduleError):
        Cadence.parse(spec)


def test_rates_and_quiet_hours_parse() -> None:
    assert parse_rate("500/s") == 500
    assert parse_rate("120/min") == 2
    assert str(QuietHours.parse("21:30-08:00")) == "21:30-08:00"
    assert Cadence.parse({"days": ["tue", "fri"], "at": "9:30"}) == Cadence(time(9, 30), (1, 4))
    for bad in ("fast", "0/s", "-3/s"):
        with pytest.raises(ScheduleError):
            parse_rate(bad)
    with pytest.raises(ScheduleError):
        QuietHours.parse("08:00-08:00")


@settings(max_examples=60, deadline=None)
@given(
    offsets=st.lists(st.integers(0, 5_000_000), min_size=1, max_size=300),
    rate=st.sampled_from([1, 3, 10, 500]),
)
def test_spreading_never_exceeds_the_rate_and_never_sends_early(
    offsets: list[int], rate: int
) -> None:
    base = pd.Timestamp("2027-03-02 01:30", tz="UTC")
    frame = pd.DataFrame(
        {"due_at": base + pd.to_timedelta(offsets, unit="ms"), "n": range(len(offsets))}
    )
    out = spread_for_rate(frame, rate)
    assert list(out["n"]) == list(frame["n"])
    assert (out["due_at"] >= frame["due_at"]).all()
    per_second = out["due_at"].dt.floor("s").value_counts()
    assert per_second.max() <= rate
    # Windows that do not start on a whole second too.
    times = out["due_at"].sort_values().to_numpy()
    ends = times.searchsorted(times + pd.Timedelta(seconds=1), side="left")
    assert (ends - pd.RangeIndex(len(times)).to_numpy()).max() <= rate


def test_spreading_leaves_a_sparse_schedule_alone() -> None:
    frame = pd.DataFrame(
        {"due_at": pd.to_datetime(["2027-03-02 01:30", "2027-03-02 02:30"], utc=True)}
    )
    assert spread_for_rate(frame, 1)["due_at"].equals(frame["due_at"])
