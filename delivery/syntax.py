"""The text syntax of send settings: one parser for campaign files and delivery alike.

- A local time is ``H:MM`` or ``HH:MM``, 00:00 to 23:59.
- A duration is a whole number and a unit: ``s`` seconds, ``m`` minutes, ``h`` hours,
  ``d`` days, ``w`` weeks (``1w`` = 7 days). Each setting allows some units and a range.
- A cadence interval (``every``) is a duration in days or weeks: ``3d``; ``1w`` is every 7
  days. From 1d to 365d.
- Weekdays are ``mon tue wed thu fri sat sun``, lower case.
- Quiet hours are ``HH:MM-HH:MM``; they may wrap midnight and must not be empty.
- A rate is a number per unit: ``500/s``, ``100/min`` (or ``100/m``: per minute),
  ``2000/h``; a bare number is per second. From 1/min to 100000/s.

The ``*_PATTERN`` strings say the same in JSON Schema's regular expressions, for editors;
they never refuse what the parsers accept (a test holds them to that).
"""

from __future__ import annotations

import math
import re
from datetime import time, timedelta

from fanzha.delivery.errors import ScheduleError

from fanzha._yaml.hints import did_you_mean

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_MIN, EVERY_MAX = timedelta(days=1), timedelta(days=365)
RATE_MIN, RATE_MAX = 1 / 60, 100_000.0  # messages per second: 1/min to 100000/s

_TIME = re.compile(r"\s*(\d{1,2}):(\d{2})\s*")
_DURATION = re.compile(r"\s*(\d+)\s*([a-z]+)\s*")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_RATE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*/\s*(s|m|min|h)\s*")
_PER = {"s": 1, "m": 60, "min": 60, "h": 3600}

_HHMM = r"([01]?[0-9]|2[0-3]):[0-5][0-9]"
TIME_PATTERN = rf"^\s*{_HHMM}\s*$"
QUIET_HOURS_PATTERN = rf"^\s*{_HHMM}\s*-\s*{_HHMM}\s*$"
RATE_PATTERN = r"^\s*[0-9]+(\.[0-9]+)?\s*/\s*(s|m|min|h)\s*$"


def parse_hhmm(text: object) -> time:
    """A local time ``"HH:MM"`` (24-hour); ScheduleError otherwise."""
    value = str(text).strip()
    match = _TIME.fullmatch(value)
    if not match:
        raise ScheduleError(f'"{value}" is not a time; expected "HH:MM", e.g. "09:30"')
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ScheduleError(f'"{value}" is not a time of day; hours 00-23, minutes 00-59')
    return time(hour, minute)


def parse_duration(
    text: object,
    *,
    units: str = "smhdw",
    minimum: timedelta = timedelta(0),
    maximum: timedelta = timedelta(days=365),
) -> timedelta:
    """A duration like ``"10m"``, ``"3d"``, ``"2w"`` in ``units``, within the range given."""
    value = str(text)
    match = _DURATION.fullmatch(value)
    if not match or match.group(2) not in _UNITS or match.group(2) not in units:
        allowed = ", ".join(f"N{u}" for u in units)
        raise ScheduleError(
            f'"{value}" is not a duration; expected a number and a unit ({allowed})'
        )
    digits = match.group(1).lstrip("0") or "0"
    # Far too many digits is out of range too (and int() of 5,000 digits would refuse).
    seconds = int(digits) * _UNITS[match.group(2)] if len(digits) <= 15 else math.inf
    if not minimum.total_seconds() <= seconds <= maximum.total_seconds():
        raise ScheduleError(
            f'"{value.strip()}" is out of range; allowed {show_duration(minimum)} '
            f"to {show_duration(maximum)}"
        )
    return timedelta(seconds=seconds)


def show_duration(span: timedelta) -> str:
    """A duration in the file's syntax, in its largest whole unit (``"7d"``, ``"90m"``)."""
    seconds = int(span.total_seconds())
    for unit in "dhm":
        if seconds and seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


def duration_pattern(units: str, maximum: timedelta) -> str:
    """A JSON Schema pattern for durations in ``units`` up to about ``maximum``.

    It bounds the digits (``[0-9]{1,3}d`` for at most 365d), never the exact value, so it
    refuses no duration the parser accepts.
    """
    options = []
    for unit in units:
        digits = len(str(int(maximum.total_seconds()) // _UNITS[unit])) if maximum else 1
        options.append(f"0*[0-9]{{1,{digits}}}\\s*{unit}")
    return rf"^\s*({'|'.join(options)})\s*$"


EVERY_PATTERN = duration_pattern("dw", EVERY_MAX)


def parse_every(text: object) -> int:
    """A cadence interval in whole days: ``"3d"``, ``"1w"`` (7 days)."""
    return parse_duration(text, units="dw", minimum=EVERY_MIN, maximum=EVERY_MAX).days


def parse_weekday(text: object) -> int:
    """A weekday name as 0 (mon) to 6 (sun)."""
    value = str(text)
    if value not in WEEKDAYS:
        raise ScheduleError(
            f'"{value}" is not a weekday; expected one of {", ".join(WEEKDAYS)}'
            f"{did_you_mean(value.lower(), WEEKDAYS)}"
        )
    return WEEKDAYS.index(value)


def check_cadence(days: tuple[int, ...], every_days: int | None) -> None:
    """A cadence has weekdays (0 = mon … 6 = sun) or an interval of 1 to 365 days, not both."""
    if bool(days) == (every_days is not None):
        raise ScheduleError('give either "days" or "every" (not both, not neither)')
    if every_days is not None and not EVERY_MIN.days <= every_days <= EVERY_MAX.days:
        raise ScheduleError(f"'every' must be 1d to 365d, got {every_days}d")
    if any(d not in range(7) for d in days):
        raise ScheduleError(f"weekdays are 0 (mon) to 6 (sun), got {days}")


def parse_quiet_hours(text: object) -> tuple[time, time]:
    """Quiet hours ``"HH:MM-HH:MM"`` as (start, end); they may wrap past midnight."""
    value = str(text)
    parts = value.split("-")
    if len(parts) != 2:
        raise ScheduleError(f'"{value}" is not a quiet-hours range; expected "21:30-08:00"')
    start, end = parse_hhmm(parts[0]), parse_hhmm(parts[1])
    if start == end:
        raise ScheduleError(f'"{value}" is empty: start and end are the same time')
    return start, end


def parse_rate(text: object) -> float:
    """``"500/s"``, ``"100/min"``, ``"2000/h"`` (or a number: per second) as messages per second."""
    if isinstance(text, bool):
        raise ScheduleError(f'"{text}" is not a rate; expected a number per unit, e.g. "500/s"')
    if isinstance(text, int | float):
        rate = float(text)
    else:
        match = _RATE.fullmatch(str(text))
        if not match:
            raise ScheduleError(f'"{text}" is not a rate; expected a number per unit, e.g. "500/s"')
        rate = float(match.group(1)) / _PER[match.group(2)]
    if not rate > 0:
        raise ScheduleError(f'"{text}" must be more than zero')
    if not math.isfinite(rate):
        raise ScheduleError(f'"{text}" is not a rate; it must be a finite number per unit')
    if not RATE_MIN <= rate <= RATE_MAX:  # slower would spread sends over centuries
        raise ScheduleError(f'"{text}" is out of range; allowed 1/min to {RATE_MAX:.0f}/s')
    return rate


__all__ = [
    "EVERY_MAX",
    "EVERY_MIN",
    "EVERY_PATTERN",
    "QUIET_HOURS_PATTERN",
    "RATE_MAX",
    "RATE_MIN",
    "RATE_PATTERN",
    "TIME_PATTERN",
    "WEEKDAYS",
    "check_cadence",
    "duration_pattern",
    "parse_duration",
    "parse_every",
    "parse_hhmm",
    "parse_quiet_hours",
    "parse_rate",
    "parse_weekday",
    "show_duration",
]
