"""Instants given by a caller (``--now``, ``now=``): aware, and inside the range fanzha handles."""

from __future__ import annotations

from datetime import UTC, datetime

from fanzha.campaigns.errors import InputError

__all__ = ["EARLIEST", "LATEST", "check_instant", "resolve_now"]

# pandas timestamps end in 2262, and a campaign adds horizons and waves to its clock: a
# simulated clock outside these bounds is a typo, not a plan.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def check_instant(value: datetime, what: str = "--now") -> datetime:
    """``value`` as an aware instant (naive means UTC); ``InputError`` outside 2000–2199."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        inside = EARLIEST <= aware <= LATEST
    except OverflowError:  # an offset that pushes year 1 or 9999 past datetime's range
        inside = False
    if not inside:
        raise InputError(
            f"{what} {value.isoformat()} is outside the supported range "
            f"{EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}"
        )
    return aware


def resolve_now(now: datetime | None, what: str = "--now") -> datetime:
    """The given instant, checked, or the real clock."""
    return datetime.now(UTC) if now is None else check_instant(now, what)
