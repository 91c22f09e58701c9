"""Time helpers: aware UTC datetimes everywhere, and clocks that can be set (``--now``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def to_db(value: datetime) -> datetime:
    """A datetime as the store binds it: aware UTC (a naive value is taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def from_db(value: datetime | None) -> datetime | None:
    """A stored datetime as an aware UTC one (SQLite hands back naive UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_now(text: str | None) -> datetime | None:
    """An ISO-8601 ``--now`` value as aware UTC (naive means UTC); None stays None."""
    if text is None or text == "":
        return None
    return to_db(datetime.fromisoformat(text.replace("Z", "+00:00")))


def offset_clock(start: datetime | None) -> Clock:
    """A clock that starts at ``start`` and then runs at real speed (the real clock if None)."""
    if start is None:
        return utcnow
    origin = to_db(start)
    began = time.monotonic()
    return lambda: origin + timedelta(seconds=time.monotonic() - began)


def fixed_clock(at: datetime) -> Clock:
    """A clock that always says ``at`` (tests, replays)."""
    stamp = to_db(at)
    return lambda: stamp
