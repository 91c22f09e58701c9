"""One grammar for send settings: what each syntax means, its ranges, and its JSON patterns."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from fanzha.delivery import Cadence, QuietHours, parse_rate
from fanzha.delivery.errors import ScheduleError
from fanzha.delivery.syntax import (
    EVERY_MAX,
    EVERY_PATTERN,
    QUIET_HOURS_PATTERN,
    RATE_PATTERN,
    TIME_PATTERN,
    duration_pattern,
    parse_duration,
    parse_every,
    parse_hhmm,
    parse_quiet_hours,
    show_duration,
)
from hypothesis import given, settings
from hypothesis import strategies as st


def accepts(parse, text: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        parse(text)
    except ScheduleError:
        return False
    return True


def test_100_per_min_is_100_a_minute_everywhere() -> None:
    assert parse_rate("100/min") == parse_rate("100/m") == pytest.approx(100 / 60)
    assert parse_rate("500/s") == parse_rate(500) == 500
    assert parse_rate("2000/h") == pytest.approx(2000 / 3600)
    for bad in ("fast", "0/s", "-3/s", "5/sec", "5/day", True, float("inf")):
        with pytest.raises(ScheduleError):
            parse_rate(bad)  # type: ignore[arg-type]
    assert parse_rate("1/min") == pytest.approx(1 / 60)
    for slow_or_fast in ("0.5/min", "10/h", "0.0000001/s", "200000/s"):
        with pytest.raises(ScheduleError, match="out of range; allowed 1/min to 100000/s"):
            parse_rate(slow_or_fast)


def test_every_1w_is_every_seven_days_everywhere() -> None:
    assert parse_every("1w") == 7 and parse_every("3d") == 3
    assert Cadence.parse({"every": "1w", "at": "09:30"}) == Cadence(time(9, 30), every_days=7)
    for bad in ("0d", "3h", "53w", "366d", "week"):
        with pytest.raises(ScheduleError):
            parse_every(bad)


def test_weekdays_are_lower_case_three_letter_names() -> None:
    assert Cadence.parse({"days": ["fri", "tue"], "at": "9:30"}) == Cadence(time(9, 30), (1, 4))
    with pytest.raises(ScheduleError, match=r'"Tue" is not a weekday.*did you mean "tue"'):
        Cadence.parse({"days": ["Tue"], "at": "09:30"})


def test_the_cadence_rule_and_quiet_hours_words_are_the_campaign_files() -> None:
    with pytest.raises(ScheduleError, match='give either "days" or "every"'):
        Cadence.parse({"days": ["tue"], "every": "2d", "at": "09:00"})
    with pytest.raises(ScheduleError, match="is not a quiet-hours range"):
        QuietHours.parse("21:30 to 08:00")
    with pytest.raises(ScheduleError, match='"08:00-08:00" is empty'):
        QuietHours.parse("08:00-08:00")
    assert parse_quiet_hours(" 22:00 - 1:30 ") == (time(22), time(1, 30))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("99999999999d", '"99999999999d" is out of range; allowed 0s to 30d'),
        ("9" * 5000 + "d", "is out of range; allowed 0s to 30d"),
        ("31d", '"31d" is out of range; allowed 0s to 30d'),
        ("ten minutes", "is not a duration; expected a number and a unit (Ns, Nm, Nh, Nd, Nw)"),
        ("3hd", "is not a duration"),
    ],
)
def test_durations_out_of_range_say_the_range_and_never_overflow(text: str, message: str) -> None:
    with pytest.raises(ScheduleError) as info:
        parse_duration(text, maximum=timedelta(days=30))
    assert message in str(info.value)


def test_durations_and_their_display() -> None:
    assert parse_duration("10m") == timedelta(minutes=10)
    assert parse_duration(" 2w ", units="dw") == timedelta(days=14)
    assert [show_duration(timedelta(seconds=s)) for s in (0, 45, 5400, 7200, 86400 * 7)] == [
        "0s",
        "45s",
        "90m",
        "2h",
        "7d",
    ]


def test_times_refuse_what_is_not_a_time_of_day() -> None:
    assert parse_hhmm("9:30") == time(9, 30)
    with pytest.raises(ScheduleError, match="not a time of day"):
        parse_hhmm("24:30")
    with pytest.raises(ScheduleError, match="not a time;"):
        parse_hhmm("9.30")


def parse_per_second(text: str) -> float:
    number, unit = (part.strip() for part in text.split("/"))
    return float(number) / {"s": 1, "m": 60, "min": 60, "h": 3600}[unit]


# The JSON Schema patterns editors use never refuse what the parsers accept.
_SPACE = st.sampled_from(["", " "])
_NUM = st.integers(0, 400).map(str) | st.sampled_from(["007", "99999999999", "0"])


@settings(max_examples=300, deadline=None)
@given(h=st.integers(0, 30), m=st.integers(0, 70), pad=st.booleans(), sp=_SPACE)
def test_time_pattern_matches_exactly_what_parses(h: int, m: int, pad: bool, sp: str) -> None:
    text = f"{sp}{h:02d}:{m:02d}{sp}" if pad else f"{sp}{h}:{m:02d}{sp}"
    assert bool(re.search(TIME_PATTERN, text)) == accepts(parse_hhmm, text)


@settings(max_examples=300, deadline=None)
@given(
    a=st.integers(0, 25),
    b=st.integers(0, 62),
    c=st.integers(0, 25),
    d=st.integers(0, 62),
    sp=_SPACE,
)
def test_quiet_hours_pattern_refuses_nothing_the_parser_accepts(
    a: int, b: int, c: int, d: int, sp: str
) -> None:
    text = f"{a}:{b:02d}{sp}-{sp}{c:02d}:{d:02d}"
    if accepts(parse_quiet_hours, text):
        assert re.search(QUIET_HOURS_PATTERN, text)
    elif (a, b) != (c, d):  # an empty window is the one thing the pattern cannot see
        assert not re.search(QUIET_HOURS_PATTERN, text)


@settings(max_examples=300, deadline=None)
@given(
    n=_NUM,
    frac=st.sampled_from(["", ".5", ".25"]),
    unit=st.sampled_from(["s", "m", "min", "h", "sec", "d"]),
    sp=_SPACE,
)
def test_rate_pattern_refuses_nothing_the_parser_accepts(
    n: str, frac: str, unit: str, sp: str
) -> None:
    text = f"{n}{frac}{sp}/{sp}{unit}"
    if accepts(parse_rate, text):
        assert re.search(RATE_PATTERN, text)
    else:
        assert not re.search(RATE_PATTERN, text) or not 1 / 60 <= parse_per_second(text) <= 100_000


@settings(max_examples=300, deadline=None)
@given(n=_NUM, unit=st.sampled_from(list("smhdwx")), sp=_SPACE)
def test_duration_patterns_refuse_nothing_the_parser_accepts(n: str, unit: str, sp: str) -> None:
    text = f"{sp}{n}{sp}{unit}"
    for units, high in (
        ("dw", EVERY_MAX),
        ("hdw", timedelta(days=365)),
        ("smhdw", timedelta(days=30)),
    ):
        pattern = EVERY_PATTERN if units == "dw" else duration_pattern(units, high)
        parsed = accepts(lambda t: parse_duration(t, units=units, maximum=high), text)
        if parsed:
            assert re.search(pattern, text), (text, units)
        if not re.search(pattern, text):
            assert not parsed
