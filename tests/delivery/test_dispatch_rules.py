"""The dispatcher's send-time rules and outcomes, with a controllable clock and a mock channel."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import ClassVar

import pandas as pd
import pytest
from fanzha.delivery import (
    Backoff,
    DispatchConfig,
    Dispatcher,
    MockAdapter,
    apply_preference,
    enqueue,
    lift_suppression,
    suppress_customer,
)
from fanzha.delivery.errors import PermanentGatewayError, RetryableGatewayError
from fanzha.delivery.models import FeedItem, Message

from tests.delivery.helpers import T0, events, messages, states, store, table


def dispatcher(engine, adapter: MockAdapter, **config: object) -> Dispatcher:  # type: ignore[no-untyped-def]
    cfg = DispatchConfig(backoff=Backoff(2.0, 60.0), **config)  # type: ignore[arg-type]
    return Dispatcher(engine, {"push": adapter}, cfg, rng=random.Random(7))


def by_customer(engine) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return table(engine, Message).set_index(["customer_id", "campaign_id"]).sort_index()


def test_pushes_go_out_once_and_feed_items_are_written(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, pd.concat([messages(700), messages(300, channel="feed")]), now=T0)
    mock = MockAdapter(max_batch=200)
    stats = dispatcher(engine, mock).run_once(T0)
    assert (stats.delivered, stats.claimed) == (1000, 1000)
    assert len(mock.sent_ids) == len(set(mock.sent_ids)) == 700
    assert max(len(batch) for _, batch in mock.batches) == 200
    assert states(engine) == {"delivered": 1000}
    feed = table(engine, FeedItem)
    assert len(feed) == 300 and (feed["id"] == feed["message_id"]).all()
    assert dispatcher(engine, mock).run_once(T0 + timedelta(days=1)).claimed == 0
    # Delivered is recorded in the message alone (state, sent_at), without an event row.
    rows = table(engine, Message)
    assert rows["sent_at"].notna().all() and rows["claimed_by"].isna().all()
    assert events(engine).empty


def test_push_payload_carries_only_the_allowed_fields(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(1, segment="elderly", locale="zh-CN"), now=T0)
    mock = MockAdapter()
    cfg = DispatchConfig(media_base_url="https://bank.example.com/v1/media/")
    Dispatcher(engine, {"push": mock}, cfg).run_once(T0)
    payload = mock.batches[0][1][0].to_json()
    assert set(payload) == {"id", "customer_id", "title", "body", "image_url", "deep_link"}
    assert payload["image_url"] == "https://bank.example.com/v1/media/abc.webp"


def test_nothing_is_sent_before_it_is_due(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(10, due=T0 + timedelta(hours=1)), now=T0)
    mock = MockAdapter()
    assert dispatcher(engine, mock).run_once(T0).claimed == 0
    assert dispatcher(engine, mock).run_once(T0 + timedelta(hours=1)).delivered == 10


def test_a_push_in_quiet_hours_waits_for_morning_but_the_feed_does_not(db_url: str) -> None:
    engine = store(db_url)
    late = T0 + timedelta(hours=13)  # 23:00 in Shanghai
    enqueue(
        engine,
        pd.concat(
            [
                messages(3, quiet_hours="21:30-08:00", due=late),
                messages(3, quiet_hours="21:30-08:00", due=late, channel="feed"),
                messages(2, start=3, quiet_hours="21:30-08:00", due=late, timezone="Europe/London"),
            ]
        ),
        now=T0,
    )
    mock = MockAdapter()
    stats = dispatcher(engine, mock).run_once(late)
    assert (stats.deferred, stats.delivered) == (3, 5)  # London is at 15:00: it goes
    rows = by_customer(engine)
    waiting = rows[rows["state"] == "pending"]
    assert len(waiting) == 3
    next_morning = pd.Timestamp("2027-03-03 00:00", tz="UTC")  # 08:00 Shanghai
    assert (pd.to_datetime(waiting["due_at"], utc=True) == next_morning).all()
    assert dispatcher(engine, mock).run_once(next_morning.to_pydatetime()).delivered == 3


def test_frequency_cap_across_campaigns_suppresses_with_a_reason(db_url: str) -> None:
    engine = store(db_url)
    cap = {"cap_max": 2, "cap_days": 7}
    enqueue(engine, messages(5, campaign="a", **cap), now=T0)
    enqueue(engine, messages(5, campaign="b", due=T0 + timedelta(days=1), **cap), now=T0)
    enqueue(engine, messages(5, campaign="c", due=T0 + timedelta(days=2), **cap), now=T0)
    enqueue(
        engine, messages(5, campaign="d", channel="feed", due=T0 + timedelta(days=2), **cap), now=T0
    )
    mock = MockAdapter()
    d = dispatcher(engine, mock)
    for day in range(3):
        d.run_once(T0 + timedelta(days=day))
    rows = by_customer(engine)
    assert rows.xs("c", level="campaign_id")["state"].eq("suppressed").all()
    assert rows.xs("c", level="campaign_id")["reason"].eq("frequency_cap").all()
    assert (
        rows.xs("d", level="campaign_id")["state"].eq("delivered").all()
    )  # the feed is not capped
    ev = events(engine)
    assert (ev.loc[ev["kind"] == "suppressed", "detail"] == "frequency_cap").sum() == 5
    # A week after the first push there is room again.
    enqueue(engine, messages(5, campaign="e", due=T0 + timedelta(days=7, hours=1), **cap), now=T0)
    assert d.run_once(T0 + timedelta(days=7, hours=1)).delivered == 5


def test_two_capped_pushes_in_one_batch_respect_the_cap(db_url: str) -> None:
    engine = store(db_url)
    cap = {"cap_max": 1, "cap_days": 7}
    enqueue(
        engine,
        pd.concat([messages(4, campaign="a", **cap), messages(4, campaign="b", **cap)]),
        now=T0,
    )
    stats = dispatcher(engine, MockAdapter()).run_once(T0)
    assert (stats.delivered, stats.suppressed) == (4, 4)


def test_opt_out_cancels_pending_pushes_at_once_and_keeps_the_feed(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, pd.concat([messages(3), messages(3, channel="feed")]), now=T0)
    apply_preference(engine, "C000000001", push_opt_out=True, now=T0)
    rows = table(engine, Message).set_index(["customer_id", "channel"])
    assert rows.loc[("C000000001", "push"), "state"] == "cancelled"
    assert rows.loc[("C000000001", "feed"), "state"] == "pending"
    apply_preference(engine, "C000000002", all_opt_out=True, now=T0)
    stats = dispatcher(engine, MockAdapter()).run_once(T0)
    assert stats.delivered == 3  # 2 pushes + C0 and C1 feed items
    assert states(engine) == {"cancelled": 3, "delivered": 3}


def test_the_dispatcher_rechecks_preferences_written_behind_its_back(db_url: str) -> None:
    from fanzha.delivery.models import Preference
    from sqlalchemy import insert

    engine = store(db_url)
    enqueue(engine, messages(2), now=T0)
    with engine.begin() as conn:
        conn.execute(
            insert(Preference.__table__).values(
                customer_id="C000000000",
                push_opt_out=True,
                all_opt_out=False,
                personalization_opt_out=False,
                updated_at=T0,
            )
        )
    stats = dispatcher(engine, MockAdapter()).run_once(T0)
    assert (stats.cancelled, stats.delivered) == (1, 1)
    assert by_customer(engine).loc[("C000000000", "c1"), "reason"] == "opt_out_push"


def test_a_suppressed_customer_gets_nothing_until_lifted(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(2), now=T0)
    assert suppress_customer(engine, "C000000000", "complaint", now=T0) == 1
    assert dispatcher(engine, MockAdapter()).run_once(T0).delivered == 1
    assert lift_suppression(engine, "C000000000")
    enqueue(engine, messages(1, wave="next", due=T0 + timedelta(days=1)), now=T0)
    assert dispatcher(engine, MockAdapter()).run_once(T0 + timedelta(days=1)).delivered == 1
    reasons = by_customer(engine).loc[("C000000000", "c1"), "reason"].fillna("")
    assert reasons.tolist() == ["suppressed:complaint", ""]


def test_retries_back_off_then_dead_letter_with_the_reason(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(3), now=T0)
    mock = MockAdapter()
    mock.fail_next(*[RetryableGatewayError("http 502") for _ in range(3)])
    d = dispatcher(engine, mock, max_attempts=3)
    now = T0
    for attempt in range(1, 4):
        assert d.run_once(now).claimed == 3
        if attempt < 3:
            nxt = pd.to_datetime(table(engine, Message)["next_attempt_at"], utc=True)
            waits = nxt - pd.Timestamp(now)
            # Equal jitter, per message: between half and all of base * 2^(attempt-1).
            assert (waits >= timedelta(seconds=2**attempt / 2)).all()
            assert (waits <= timedelta(seconds=2**attempt)).all()
            assert d.run_once(now + waits.min() - timedelta(milliseconds=1)).claimed == 0
            now = nxt.max().to_pydatetime()
    rows = table(engine, Message)
    assert set(rows["state"]) == {"dead"} and set(rows["reason"]) == {"max_attempts"}
    assert set(rows["last_error"]) == {"http 502"} and set(rows["attempts"]) == {3}
    assert mock.batches == []


def test_retry_after_is_honoured(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(2), now=T0)
    mock = MockAdapter()
    mock.fail_next(RetryableGatewayError("http 429", retry_after=30))
    d = dispatcher(engine, mock)
    d.run_once(T0)
    assert d.run_once(T0 + timedelta(seconds=29)).claimed == 0
    assert d.run_once(T0 + timedelta(seconds=34)).delivered == 2


def test_a_retried_batch_keeps_its_idempotency_key(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(5), now=T0)

    class Flaky(MockAdapter):
        keys: ClassVar[list[str]] = []

        def send(self, batch, idempotency_key):  # type: ignore[no-untyped-def]
            self.keys.append(idempotency_key)
            return super().send(batch, idempotency_key)

    mock = Flaky()
    mock.fail_next(RetryableGatewayError("timeout"))
    d = dispatcher(engine, mock)
    d.run_once(T0)
    d.run_once(T0 + timedelta(minutes=5))
    assert len(mock.keys) == 2 and mock.keys[0] == mock.keys[1]


def test_rejections_and_permanent_errors_end_rejected(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(4), now=T0)
    mock = MockAdapter(max_batch=2, reject={"x": "y"})
    ids = sorted(table(engine, Message)["id"])
    mock.reject = {ids[0]: "unknown_device"}
    mock.fail_next()
    d = dispatcher(engine, mock)
    stats = d.run_once(T0)
    assert (stats.delivered, stats.rejected) == (3, 1)
    enqueue(engine, messages(2, wave="w2"), now=T0)
    mock.fail_next(PermanentGatewayError("http 400"))
    assert d.run_once(T0).rejected == 2
    rows = table(engine, Message)
    assert sorted(rows.loc[rows["state"] == "rejected", "reason"]) == [
        "http 400",
        "http 400",
        "unknown_device",
    ]


def test_an_expired_lease_is_reclaimed_and_a_stale_worker_cannot_record(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(3), now=T0)
    d = dispatcher(engine, MockAdapter(), lease_s=30)
    stale = d.claim(T0, 10, worker="dead-worker")
    assert len(stale) == 3
    assert d.claim(T0 + timedelta(seconds=10), 10).empty  # still leased
    mock = MockAdapter()
    fresh = dispatcher(engine, mock, lease_s=30)
    assert fresh.run_once(T0 + timedelta(seconds=31)).delivered == 3
    # The dead worker wakes up and tries to record: its rows are no longer its own.
    late = d.process(stale, T0 + timedelta(seconds=40), worker="dead-worker")
    assert late.delivered == 0
    assert states(engine) == {"delivered": 3}
    assert events(engine)["kind"].value_counts().to_dict() == {"lease_expired": 3}
    assert table(engine, Message)["reason"].isna().all()  # the take-over mark went with it


@pytest.mark.parametrize("n_workers", [3])
def test_threaded_workers_send_each_message_once(db_url: str, n_workers: int) -> None:
    engine = store(db_url)
    enqueue(engine, messages(2000), now=T0)
    mock = MockAdapter(max_batch=100)
    cfg = DispatchConfig(batch_size=100, workers=n_workers, poll_s=0.05)
    stats = Dispatcher(engine, {"push": mock}, cfg, clock=lambda: T0).run(until_idle=True)
    assert stats.delivered == 2000
    assert len(mock.sent_ids) == len(set(mock.sent_ids)) == 2000
