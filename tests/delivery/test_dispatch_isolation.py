"""One bad message never halts a batch: unknown zones, absurd Retry-After, no push gateway."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pandas as pd
from fanzha.delivery import (
    Backoff,
    DispatchConfig,
    Dispatcher,
    MockAdapter,
    enqueue,
    fixed_clock,
)
from fanzha.delivery.adapters import MAX_RETRY_AFTER_S, parse_retry_after
from fanzha.delivery.errors import RetryableGatewayError
from fanzha.delivery.models import Message
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.delivery.helpers import T0, events, messages, states, store, table


def test_a_mistyped_time_zone_dead_letters_its_message_and_the_batch_goes_out(
    db_url: str,
) -> None:
    engine = store(db_url)
    quiet = {"quiet_hours": "21:30-08:00"}
    enqueue(
        engine,
        pd.concat(
            [
                messages(5, **quiet),
                messages(1, start=5, timezone="Asia/Shangai", **quiet),
                messages(1, start=6, timezone="../etc/passwd", **quiet),
            ]
        ),
        now=T0,
    )
    mock = MockAdapter()
    stats = Dispatcher(engine, {"push": mock}).run(once=True, now=T0)
    assert (stats.delivered, stats.dead) == (5, 2)
    assert states(engine) == {"delivered": 5, "dead": 2}  # nothing left claimed
    dead = table(engine, Message).query("state == 'dead'").set_index("customer_id")
    assert "unknown time zone 'Asia/Shangai'" in dead.loc["C000000005", "reason"]
    detail = events(engine).query("kind == 'dead'")["detail"]
    assert detail.str.contains("unknown time zone").all() and len(detail) == 2
    # A later pass finds nothing to claim: the bad message is not retried forever.
    assert Dispatcher(engine, {"push": mock}).run(once=True, now=T0).claimed == 0


ABSURD = [
    "inf",
    "-inf",
    "nan",
    "1e12",
    "-5",
    "99999999999999999999",
    "soon",
    "",
    " ",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 01 Jan 0001 00:00:00 GMT",
    "Thu, 99 Foo 2027",
]


def test_absurd_retry_after_values_fall_back_or_are_held_to_a_day() -> None:
    for value in ABSURD:
        seconds = parse_retry_after(value)
        assert seconds is None or 0 <= seconds <= MAX_RETRY_AFTER_S, value
    assert parse_retry_after("inf") is None and parse_retry_after("1e12") is None
    assert parse_retry_after("-5") is None and parse_retry_after("soon") is None
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT") == MAX_RETRY_AFTER_S
    assert parse_retry_after("120") == 120.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_retry_after_header_is_none_or_within_a_day(value: str) -> None:
    seconds = parse_retry_after(value)
    assert seconds is None or 0 <= seconds <= MAX_RETRY_AFTER_S
    delay = Backoff().delay(1, random.Random(0), seconds)
    assert 0 <= delay <= MAX_RETRY_AFTER_S * 1.1
    assert T0 + timedelta(seconds=delay) > T0 - timedelta(seconds=1)  # no OverflowError


@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(1, 50))
def test_the_backoff_waits_at_most_a_day_whatever_float_it_is_given(
    retry_after: float, attempt: int
) -> None:
    delay = Backoff().delay(attempt, random.Random(0), retry_after)
    assert 0 <= delay <= MAX_RETRY_AFTER_S * 1.1
    assert T0 + timedelta(seconds=delay) >= T0


def test_a_gateway_asking_for_forever_leaves_nothing_claimed(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(4), now=T0)
    mock = MockAdapter()
    for value in ("inf", "1e12", "Fri, 31 Dec 9999 23:59:59 GMT"):
        mock.fail_next(RetryableGatewayError("http 429", retry_after=parse_retry_after(value)))
    # A float that slipped past the parser is held to a day by the backoff too.
    mock.fail_next(RetryableGatewayError("http 429", retry_after=float("inf")))
    config = DispatchConfig(backoff=Backoff(2.0, 60.0))
    at = T0
    for _ in range(4):
        stats = Dispatcher(engine, {"push": mock}, config).run(once=True, now=at)
        assert stats.retried == 4
        rows = table(engine, Message)
        assert set(rows["state"]) == {"pending"}
        wait = pd.to_datetime(rows["next_attempt_at"], utc=True).max() - pd.Timestamp(at)
        assert wait <= timedelta(days=1.1)
        at += timedelta(days=2)
    assert Dispatcher(engine, {"push": mock}, config).run(once=True, now=at).delivered == 4


def test_without_a_push_gateway_the_feed_is_delivered_and_pushes_wait(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, pd.concat([messages(3), messages(3, channel="feed")]), now=T0)
    sender = Dispatcher(engine, {"push": None}, clock=fixed_clock(T0))
    stats = sender.run(until_idle=True)  # returns: the pushes are not its to send
    assert stats.delivered == 3
    rows = table(engine, Message)
    assert set(rows.loc[rows["channel"] == "push", "state"]) == {"pending"}
    assert set(rows.loc[rows["channel"] == "feed", "state"]) == {"delivered"}
    assert sender.waiting_note(T0 + timedelta(minutes=1)) == (
        "3 push messages wait: no push gateway is configured (set FANZHA_GATEWAY_URL)"
    )
    mock = MockAdapter()
    assert Dispatcher(engine, {"push": mock}).run(once=True, now=T0).delivered == 3
    assert states(engine) == {"delivered": 6}


def test_the_loop_runs_its_tick_before_each_pass(db_url: str) -> None:
    engine = store(db_url)
    seen: list[datetime] = []

    def tick(now: datetime) -> None:
        seen.append(now)
        enqueue(engine, messages(2, due=now), now=now)

    stats = Dispatcher(engine, {"push": MockAdapter()}).run(once=True, now=T0, tick=tick)
    assert seen == [T0] and stats.delivered == 2
    assert T0.tzinfo is UTC
