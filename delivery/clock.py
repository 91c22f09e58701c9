"""Time helpers: the store keeps naive UTC; everything else uses aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def to_db(value: datetime) -> datetime:
    """An aware datetime as the naive UTC the store keeps."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def from_db(value: datetime | None) -> datetime | None:
    """A stored naive UTC datetime as an aware one."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
