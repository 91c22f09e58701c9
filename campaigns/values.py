"""The value types of a campaign file: each parses its text once, when the file is validated.

Send settings use delivery's grammar (fanzha.delivery.syntax: the parsers behind
``Cadence.parse``, ``QuietHours.parse`` and ``parse_rate``), so a campaign file and the
dispatcher can never disagree about ``100/min`` or ``every: 1w``; the grammar module loads
no pandas, so neither does validating a campaign. Checks that need more than
the value itself (the warning library, the customer schema, the segments defined above) are
in ``cross_checks``.
Each type carries the JSON Schema that says as much of it as JSON Schema can.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time, timedelta
from functools import cache
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from fanzha.delivery.syntax import (
    EVERY_PATTERN,
    QUIET_HOURS_PATTERN,
    RATE_MAX,
    RATE_MIN,
    RATE_PATTERN,
    TIME_PATTERN,
    WEEKDAYS,
    duration_pattern,
    parse_duration,
    parse_every,
    parse_hhmm,
    parse_quiet_hours,
    parse_rate,
)
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from fanzha._yaml.hints import did_you_mean

LOCALES = ("zh-CN", "en")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2199, 12, 31)
HOLDOUT_MAX = 50.0

# A real date from 2000 to 2199: month lengths and leap years (2100 is not one) included.
_DAY = r"(?:0[1-9]|1[0-9]|2[0-8])"
DATE_PATTERN = (
    r"^(?:2[01][0-9]{2}-(?:(?:0[13578]|1[02])-(?:" + _DAY + r"|29|30|31)"
    r"|(?:0[469]|11)-(?:" + _DAY + r"|29|30)|02-" + _DAY + r")"
    r"|(?:2[01](?:0[48]|[2468][048]|[13579][26])|2000)-02-29)$"
)
HOLDOUT_PATTERN = r"^\s*0*(50(\.0+)?|[1-4]?[0-9](\.[0-9]+)?)\s*%\s*$"
_PERCENT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*%\s*")


def _text(parse: Callable[[Any], Any]) -> BeforeValidator:
    """Parse scalars with ``parse``; leave lists and mappings to the type's own error."""

    def before(value: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return parse(value)
        return value

    return BeforeValidator(before)


def parse_date(text: object) -> date:
    """An ISO date from 2000 to 2199; the message says why a date does not exist."""
    value = str(text)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        raise ValueError(f'"{value}" is not a date; expected YYYY-MM-DD, e.g. 2027-03-01')
    try:
        day = date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise ValueError(f'"{value}" is not a real date ({exc})') from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f'"{value}" is out of range; allowed {FIRST_DAY} to {LAST_DAY}')
    return day


def parse_holdout(value: object) -> float:
    """A holdout share in percent: "5%", 5 or 0.05 are all 5.0; 0 to 50%."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a percentage; write e.g. 5%")
    if isinstance(value, int | float):
        pct = float(value) * 100 if 0 < float(value) < 1 else float(value)
    else:
        match = _PERCENT.fullmatch(str(value))
        if not match:
            raise ValueError(f'"{value}" is not a percentage; write e.g. "5%"')
        pct = float(match.group(1))
    if not 0 <= pct <= HOLDOUT_MAX:
        raise ValueError(f"holdout {pct:g}% is outside 0–{HOLDOUT_MAX:g}%")
    return pct


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zones this machine knows."""
    return frozenset(available_timezones())


def _check_zone(name: str) -> str:
    if name not in time_zones():
        raise ValueError(f'unknown time zone "{name}"{did_you_mean(name, time_zones())}')
    return name


def _check_locale(name: str) -> str:
    if name not in LOCALES:
        hint = did_you_mean(name, LOCALES)
        raise ValueError(f'unknown locale "{name}"; expected one of {", ".join(LOCALES)}{hint}')
    return name


def _check_qr(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f'"{url}" is not a web address; the QR code needs https://…')
    return url


def _schema(description: str, **schema: Any) -> WithJsonSchema:
    return WithJsonSchema({"description": description, **schema})


def _duration(units: str, high: timedelta, description: str, low: timedelta) -> tuple[Any, Any]:
    """The parser and the JSON Schema of a duration in ``units`` from ``low`` to ``high``."""
    parse = _text(lambda v: parse_duration(v, units=units, minimum=low, maximum=high))
    return parse, _schema(description, type="string", pattern=duration_pattern(units, high))


_CAP = _duration("hdw", timedelta(days=365), 'a window: "7d", "24h", "2w"', timedelta(hours=1))
_DELAY = _duration("smhdw", timedelta(days=30), 'a delay: "10m", "1h", "1d"', timedelta(0))
_ONCE = _duration(
    "hdw",
    timedelta(days=3650),
    'at most one notice per customer within this window: "30d", "2w"',
    timedelta(hours=1),
)
_PAUSE = _duration(
    "sm", timedelta(minutes=5), 'how long "continue" stays disabled: "20s", "1m"', timedelta(0)
)
CapWindow = Annotated[timedelta, _CAP[0], _CAP[1]]
OncePer = Annotated[timedelta, _ONCE[0], _ONCE[1]]
Pause = Annotated[timedelta, _PAUSE[0], _PAUSE[1]]
Delay = Annotated[timedelta, _DELAY[0], _DELAY[1]]
Weekday = Literal[WEEKDAYS]  # type: ignore[valid-type]
Day = Annotated[
    date,
    _text(parse_date),
    _schema("a date, YYYY-MM-DD", type="string", format="date", pattern=DATE_PATTERN),
]
LocalTime = Annotated[
    time,
    _text(parse_hhmm),
    _schema('a local time "HH:MM" (24-hour)', type="string", pattern=TIME_PATTERN),
]
Every = Annotated[
    int,
    _text(parse_every),
    _schema('every N days or weeks: "3d", "1w" (= 7 days)', type="string", pattern=EVERY_PATTERN),
]
Quiet = Annotated[
    tuple[time, time],
    _text(parse_quiet_hours),
    _schema(
        'local hours with no pushes, "HH:MM-HH:MM" (may wrap midnight)',
        type="string",
        pattern=QUIET_HOURS_PATTERN,
    ),
]
Rate = Annotated[
    float,
    _text(parse_rate),
    _schema(
        'messages per second, minute or hour: "500/s", "100/min", "2000/h"',
        anyOf=[
            {"type": "string", "pattern": RATE_PATTERN},
            {"type": "number", "minimum": RATE_MIN, "maximum": RATE_MAX},
        ],
    ),
]
Holdout = Annotated[
    float,
    _text(parse_holdout),
    _schema(
        'share never contacted, to measure the effect: "5%" (0 to 50%)',
        anyOf=[
            {"type": "string", "pattern": HOLDOUT_PATTERN},
            {"type": "number", "minimum": 0, "maximum": HOLDOUT_MAX},
        ],
    ),
]
Locale = Annotated[
    str, AfterValidator(_check_locale), _schema("the campaign's language", enum=list(LOCALES))
]
TimeZone = Annotated[
    str, AfterValidator(_check_zone), _schema("an IANA time zone", **{"x-fanzha-ref": "TimeZone"})
]
WebAddress = Annotated[
    str,
    AfterValidator(_check_qr),
    _schema("https://… for the QR code", type="string", pattern="^https?://"),
]

__all__ = [
    "DATE_PATTERN",
    "HOLDOUT_PATTERN",
    "LOCALES",
    "CapWindow",
    "Day",
    "Delay",
    "Every",
    "Holdout",
    "LocalTime",
    "Locale",
    "OncePer",
    "Pause",
    "Quiet",
    "Rate",
    "TimeZone",
    "WebAddress",
    "Weekday",
    "parse_date",
    "parse_holdout",
    "time_zones",
]
