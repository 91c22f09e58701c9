"""Small parsers for the campaign file's value syntaxes: times, durations, rates, percentages."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import date, time, timedelta

_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|m|h)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option most like ``word``, if any is close enough to suggest."""
    matches = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean "x"?)`` or an empty string."""
    best = closest(word, options)
    return f' (did you mean "{best}"?)' if best else ""


def parse_date(text: object) -> date:
    """An ISO date; the message says why a date does not exist."""
    value = str(text).strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        raise ValueError(f'"{value}" is not a date; expected YYYY-MM-DD, e.g. 2027-03-01')
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f'"{value}" is not a real date ({exc})') from None


def parse_time(text: object) -> time:
    """A local time "HH:MM" (24-hour)."""
    value = str(text).strip()
    match = _TIME.fullmatch(value)
    if not match:
        raise ValueError(f'"{value}" is not a time; expected "HH:MM", e.g. "09:30"')
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f'"{value}" is not a time of day; hours 00-23, minutes 00-59')
    return time(hour, minute)


MAX_DURATION_S = 3650 * 86400  # ten years


def parse_duration(text: object, *, allowed: str = "smhdw") -> timedelta:
    """A duration like "10m", "3d", "2w"."""
    value = str(text)
    match = _DURATION.fullmatch(value)
    if not match or match.group(2) not in allowed:
        units = ", ".join(f"N{u}" for u in allowed)
        raise ValueError(f'"{value}" is not a duration; expected a number and a unit ({units})')
    seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if seconds > MAX_DURATION_S:  # beyond any campaign, and beyond what timedelta holds
        raise ValueError(f'"{value}" is too long; at most {MAX_DURATION_S // 86400}d')
    return timedelta(seconds=seconds)


def parse_every(text: object) -> int:
    """A cadence interval in whole days ("3d", "1w")."""
    span = parse_duration(text, allowed="dw")
    if span.days < 1:
        raise ValueError(f'"{text}" is too short; the interval must be at least 1d')
    return span.days


def parse_quiet_hours(text: object) -> tuple[time, time]:
    """Quiet hours "HH:MM-HH:MM" (may wrap past midnight)."""
    value = str(text)
    parts = value.split("-")
    if len(parts) != 2:
        raise ValueError(f'"{value}" is not a quiet-hours range; expected "21:30-08:00"')
    start, end = (parse_time(p.strip()) for p in parts)
    if start == end:
        raise ValueError(f'"{value}" is empty: start and end are the same time')
    return start, end


def parse_rate(text: object) -> float:
    """A send rate like "500/s" or "1000/m", as messages per second."""
    value = str(text)
    match = _RATE.fullmatch(value)
    if not match:
        raise ValueError(f'"{value}" is not a rate; expected a number per unit, e.g. "500/s"')
    per = {"s": 1, "m": 60, "h": 3600}[match.group(2)]
    rate = float(match.group(1)) / per
    if rate <= 0:
        raise ValueError(f'"{value}" must be more than zero')
    return rate


def parse_percent(value: object) -> float:
    """A holdout share: "5%" or 0.05 or 5 → 5.0 (percent)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a percentage; write e.g. 5%")
    if isinstance(value, int | float):
        pct = float(value) * 100 if 0 < float(value) < 1 else float(value)
    else:
        match = _PERCENT.fullmatch(str(value))
        if not match:
            raise ValueError(f'"{value}" is not a percentage; write e.g. "5%"')
        pct = float(match.group(1))
    return pct
