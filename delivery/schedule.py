"""When to send: cadences in the customer's own time zone, quiet hours and rate spreading.

Everything is vectorized over the few distinct time zones, never per customer: occurrences
are computed once per zone and joined to the customers of that zone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from fanzha.delivery.errors import ScheduleError
from fanzha.delivery.syntax import (
    check_cadence,
    parse_every,
    parse_hhmm,
    parse_quiet_hours,
    parse_weekday,
)


@dataclass(frozen=True)
class Cadence:
    """A segment's ``send``: weekdays at a local time, or every N days (from the start) at it."""

    at: time
    days: tuple[int, ...] = ()  # 0 = Monday
    every_days: int | None = None

    def __post_init__(self) -> None:
        check_cadence(self.days, self.every_days)

    @classmethod
    def parse(cls, spec: Mapping[str, object]) -> Cadence:
        """``{days: [tue, fri], at: "09:30"}`` or ``{every: 3d, at: "20:30"}``."""
        unknown = set(spec) - {"days", "every", "at"}
        if unknown:
            raise ScheduleError(f"unknown cadence keys: {', '.join(sorted(unknown))}")
        if "at" not in spec:
            raise ScheduleError("a cadence needs 'at' (local time, e.g. '09:30')")
        at = parse_hhmm(spec["at"])
        if "every" in spec and "days" in spec:
            raise ScheduleError('give either "days" or "every" (not both, not neither)')
        if "every" in spec:
            return cls(at=at, every_days=parse_every(spec["every"]))
        names = spec.get("days") or []
        if isinstance(names, str) or not isinstance(names, list | tuple):
            raise ScheduleError("'days' must be a list such as [tue, fri]")
        return cls(at=at, days=tuple(sorted({parse_weekday(n) for n in names})))

    def matches(self, dates: pd.DatetimeIndex, starts: date) -> np.ndarray:
        """Which of ``dates`` (local midnights) are occurrences."""
        if self.every_days is not None:
            offset = (dates - pd.Timestamp(starts)).days
            return np.asarray(offset % self.every_days == 0)
        return np.isin(dates.weekday, self.days)


@dataclass(frozen=True)
class QuietHours:
    """Local hours in which no push goes out, e.g. ``21:30-08:00`` (may wrap midnight)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ScheduleError(f'"{self}" is empty: start and end are the same time')

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """``"21:30-08:00"`` as quiet hours."""
        return cls(*parse_quiet_hours(text))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def next_allowed(self, local: pd.Series) -> pd.Series:
        """Naive local datetimes moved to the end of the quiet period they fall in."""
        day = local.dt.normalize()
        tod = local - day
        start = pd.Timedelta(hours=self.start.hour, minutes=self.start.minute)
        end = pd.Timedelta(hours=self.end.hour, minutes=self.end.minute)
        if start < end:
            quiet_today = (tod >= start) & (tod < end)
            quiet_tonight = pd.Series(False, index=local.index)
        else:  # wraps midnight: the evening part ends tomorrow morning
            quiet_today, quiet_tonight = tod < end, tod >= start
        moved = local.where(~quiet_today, day + end)
        return moved.where(~quiet_tonight, day + pd.Timedelta(days=1) + end)

    def contains(self, local: pd.Series) -> pd.Series:
        """Which naive local datetimes fall in quiet hours."""
        return self.next_allowed(local) != local

    def quiet_at(self, wall: time) -> bool:
        """Whether a local wall-clock time falls in quiet hours."""
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def next_allowed_instant(self, now: datetime, zone: ZoneInfo) -> datetime:
        """``now`` if it is outside quiet hours in ``zone``, else the next real instant that is.

        The end of quiet hours is resolved on the real time line: in the repeated autumn hour
        the occurrence at or after ``now`` is taken (the first one may already be past), and
        in the spring gap the end moves to the first instant after the gap.
        """
        local = now.astimezone(zone)
        if not self.quiet_at(local.time().replace(tzinfo=None)):
            return now
        for offset in range(_SEARCH_DAYS):
            day = local.date() + timedelta(days=offset)
            for instant in real_instants(datetime.combine(day, self.end), zone):
                wall = instant.astimezone(zone).time().replace(tzinfo=None)
                if instant > now and not self.quiet_at(wall):
                    return instant
        # Unreachable for real zones (an end is found within two days); step as a last resort.
        instant = now
        while True:
            instant += timedelta(minutes=1)
            if not self.quiet_at(instant.astimezone(zone).time().replace(tzinfo=None)):
                return instant


_SEARCH_DAYS = 8


def real_instants(wall: datetime, zone: ZoneInfo) -> list[datetime]:
    """The UTC instants a naive local time names in ``zone``, earliest first.

    Usually one; two in a repeated (autumn) hour; in a skipped (spring) hour, the first
    instant after the gap.
    """
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    exists = [t for t in {first, second} if t.astimezone(zone).replace(tzinfo=None) == wall]
    if exists:
        return sorted(exists)
    # In a gap fold=1 lands before it and fold=0 after it: find the transition, whole seconds.
    low, high = int(min(first, second).timestamp()), int(max(first, second).timestamp())
    before = datetime.fromtimestamp(low, UTC).astimezone(zone).utcoffset()
    while high - low > 1:
        mid = (low + high) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(zone).utcoffset() == before:
            low = mid
        else:
            high = mid
    return [datetime.fromtimestamp(high, UTC)]


def resolve_zones(names: pd.Series, default: str) -> pd.Series:
    """Time-zone names with unknown or missing ones replaced by ``default``."""
    ZoneInfo(default)  # a bad default is the campaign's error, not the customer's
    uniques = pd.Series(names.fillna("").astype(str).unique())
    good = {name: name if _known_zone(name) else default for name in uniques}
    return names.fillna("").astype(str).map(good)


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def to_utc(local: pd.Series, zone: str) -> pd.Series:
    """Naive local datetimes in ``zone`` as UTC: gaps shift forward, repeats take the first."""
    index = pd.DatetimeIndex(local)
    aware = index.tz_localize(
        ZoneInfo(zone), nonexistent="shift_forward", ambiguous=np.ones(len(index), dtype=bool)
    )
    return pd.Series(aware.tz_convert(UTC), index=local.index)


def _zone_occurrences(
    zone: str,
    cadence: Cadence,
    starts: date,
    ends: date,
    now: datetime,
    horizon: timedelta,
    quiet: QuietHours | None,
) -> pd.DataFrame:
    """One zone's waves between ``now`` and ``now + horizon``: wave (local date), due_at (UTC)."""
    tz = ZoneInfo(zone)
    first = max(starts, now.astimezone(tz).date())
    last = min(ends, (now + horizon).astimezone(tz).date())
    days = pd.date_range(first, last, freq="D") if first <= last else pd.DatetimeIndex([])
    days = days[cadence.matches(days, starts)]
    local = pd.Series(days + pd.Timedelta(hours=cadence.at.hour, minutes=cadence.at.minute))
    if quiet is not None:
        local = quiet.next_allowed(local)
    due = to_utc(local, zone).astype("datetime64[us, UTC]")
    out = pd.DataFrame({"timezone": zone, "wave": days.strftime("%Y-%m-%d"), "due_at": due})
    return out[(out["due_at"] >= now) & (out["due_at"] <= now + horizon)]


def compute_due_times(
    customers: pd.DataFrame,
    cadence: Cadence,
    *,
    starts: date,
    ends: date,
    now: datetime,
    quiet: QuietHours | None = None,
    horizon: timedelta = timedelta(days=7),
    default_timezone: str = "Asia/Shanghai",
) -> pd.DataFrame:
    """Send times per customer: ``customer_id, timezone, wave, due_at`` (aware UTC)."""
    if now.tzinfo is None:
        raise ScheduleError("'now' must be timezone-aware")
    zones = resolve_zones(customers["timezone"], default_timezone)
    plan = pd.concat(
        [_zone_occurrences(z, cadence, starts, ends, now, horizon, quiet) for z in zones.unique()]
        or [pd.DataFrame({"timezone": [], "wave": [], "due_at": []})],
        ignore_index=True,
    )
    people = pd.DataFrame({"customer_id": customers["customer_id"].to_numpy(), "timezone": zones})
    due = people.merge(plan, on="timezone", how="inner")
    due["due_at"] = pd.to_datetime(due["due_at"], utc=True).astype("datetime64[us, UTC]")
    return due.sort_values(["due_at", "customer_id"], ignore_index=True)


def spread_for_rate(due: pd.DataFrame, rate_per_s: float, column: str = "due_at") -> pd.DataFrame:
    """A copy of ``due`` whose send times are delayed just enough that no second exceeds the rate."""
    if rate_per_s <= 0:
        raise ScheduleError(f"a rate must be positive, got {rate_per_s}")
    out = due.copy()
    if out.empty:
        return out
    step = math.ceil(1_000_000 / rate_per_s)  # microseconds between two sends
    times = pd.to_datetime(out[column], utc=True).dt.tz_convert(None)
    micros = times.to_numpy().astype("datetime64[us]").astype("int64")
    order = np.argsort(micros, kind="stable")
    sorted_us = micros[order]
    rank = np.arange(len(sorted_us), dtype="int64") * step
    # Each send goes at its own time or one step after the previous send, whichever is later:
    # t_i = max_j<=i (due_j + (i - j) * step) = i * step + cummax(due_j - j * step).
    spread = rank + np.maximum.accumulate(sorted_us - rank)
    result = np.empty_like(spread)
    result[order] = spread
    out[column] = pd.to_datetime(result, unit="us", utc=True)
    return out
