"""Quiet hours across daylight-saving changes: the end is a real instant, never one already past."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from fanzha.delivery import Dispatcher, MockAdapter, QuietHours, enqueue
from fanzha.delivery.models import Message
from fanzha.delivery.schedule import real_instants
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.delivery.helpers import messages, states, store, table


def _offsets(zone: ZoneInfo, year: int) -> set[timedelta | None]:
    return {datetime(year, m, 15, tzinfo=UTC).astimezone(zone).utcoffset() for m in (1, 4, 7, 10)}


@cache
def zones_with_transitions() -> list[str]:
    """IANA zones whose offset changes within 2020-2035 (DST or a change of standard time)."""
    names = []
    for name in sorted(available_timezones()):
        zone = ZoneInfo(name)
        if any(len(_offsets(zone, year)) > 1 for year in (2020, 2027, 2035)):
            names.append(name)
    return names


@cache
def transitions(name: str, year: int) -> list[datetime]:
    """The instants (UTC) at which ``name`` changes its offset during ``year``."""
    zone, out = ZoneInfo(name), []

    def offset(ts: int) -> timedelta | None:
        return datetime.fromtimestamp(ts, UTC).astimezone(zone).utcoffset()

    at = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    step = 6 * 3600  # no zone changes its offset twice within six hours
    while at < end:
        if offset(at + step) != offset(at):
            low, high = at, at + step  # to the second
            while high - low > 1:
                mid = (low + high) // 2
                low, high = (mid, high) if offset(mid) == offset(at) else (low, mid)
            out.append(datetime.fromtimestamp(high, UTC))
        at += step
    return out


def wall(instant: datetime, zone: ZoneInfo) -> time:
    return instant.astimezone(zone).time().replace(tzinfo=None, microsecond=0)


minutes = st.integers(0, 24 * 60 - 1).map(lambda m: time(m // 60, m % 60))
quiet_windows = st.tuples(minutes, minutes).filter(lambda w: w[0] != w[1])


@st.composite
def moments(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone with transitions and an instant, most often within hours of a transition."""
    name = draw(st.sampled_from(zones_with_transitions()))
    year = draw(st.integers(2020, 2035))
    changes = transitions(name, year)
    if changes and draw(st.booleans()):
        near = draw(st.sampled_from(changes))
        return name, near + timedelta(minutes=draw(st.integers(-26 * 60, 26 * 60)))
    start = datetime(year, 1, 1, tzinfo=UTC)
    return name, start + timedelta(minutes=draw(st.integers(0, 365 * 24 * 60)))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moments(), quiet_windows)
@example(("Europe/London", datetime(2027, 10, 31, 1, 10, tzinfo=UTC)), (time(22), time(1, 30)))
@example(("Europe/London", datetime(2027, 3, 28, 0, 40, tzinfo=UTC)), (time(22), time(1, 30)))
@example(("America/New_York", datetime(2027, 3, 14, 6, 30, tzinfo=UTC)), (time(2, 45), time(2, 30)))
def test_a_push_is_sendable_now_or_deferred_to_a_later_instant_outside_quiet_hours(
    moment: tuple[str, datetime], window: tuple[time, time]
) -> None:
    name, now = moment
    zone, quiet = ZoneInfo(name), QuietHours(*window)
    allowed = quiet.next_allowed_instant(now, zone)
    if quiet.quiet_at(wall(now, zone)):
        assert allowed > now
        assert not quiet.quiet_at(wall(allowed, zone))
        assert allowed - now <= timedelta(days=2)
    else:
        assert allowed == now


def test_every_named_wall_time_is_a_real_instant_at_or_after_it() -> None:
    london = ZoneInfo("Europe/London")
    # Autumn: 01:30 happens twice, in summer time and then in winter time.
    assert real_instants(datetime(2027, 10, 31, 1, 30), london) == [
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
    ]
    # Spring: 01:30 never happens; the clocks jump from 01:00 to 02:00 (01:00 UTC).
    assert real_instants(datetime(2027, 3, 28, 1, 30), london) == [
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    ]


def test_quiet_hours_ending_in_the_repeated_hour_do_not_livelock(db_url: str) -> None:
    engine = store(db_url)
    now = datetime(2027, 10, 31, 1, 10, tzinfo=UTC)  # 01:10 GMT, the second 01:10 that night
    enqueue(
        engine,
        messages(5, due=now, timezone="Europe/London", quiet_hours="22:00-01:30"),
        now=now,
    )
    mock = MockAdapter()
    first = Dispatcher(engine, {"push": mock}).run(once=True, now=now)
    assert (first.claimed, first.deferred, first.delivered) == (5, 5, 0)
    due = table(engine, Message)["due_at"].map(lambda d: d.replace(tzinfo=UTC)).unique()
    assert list(due) == [datetime(2027, 10, 31, 1, 30, tzinfo=UTC)]
    # Claimed once, not again and again: nothing is due until the real 01:30.
    assert Dispatcher(engine, {"push": mock}).run(once=True, now=now).claimed == 0
    later = Dispatcher(engine, {"push": mock}).run(once=True, now=due[0])
    assert later.delivered == 5 and states(engine) == {"delivered": 5}
