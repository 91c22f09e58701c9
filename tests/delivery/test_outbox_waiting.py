"""What the dispatch loop asks between passes: anything due, and when to look next."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.delivery import DispatchConfig, enqueue, outbox_waiting
from fanzha.delivery.claims import Claimer
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import Message

from tests.delivery.helpers import T0, messages, store

_m = Message.__table__


def _retry(engine: sa.Engine, customer: str, at: object) -> None:
    with engine.begin() as conn:
        conn.execute(sa.update(_m).where(_m.c.customer_id == customer).values(next_attempt_at=at))


def test_the_next_time_is_the_earliest_retry_or_due_time(db_url: str) -> None:
    engine = store(db_url)
    frame = pd.concat([messages(1, start=i, due=T0 + timedelta(seconds=10 * i)) for i in range(3)])
    enqueue(engine, frame, now=T0)
    assert to_db(outbox_waiting.next_ready(engine, True)) == T0  # type: ignore[arg-type]
    _retry(engine, "C000000000", T0 + timedelta(seconds=100))  # due first, retried last
    assert to_db(outbox_waiting.next_ready(engine, True)) == T0 + timedelta(seconds=10)  # type: ignore[arg-type]
    assert outbox_waiting.next_ready(engine, False) is None  # no feed message waits


def test_a_long_run_of_retries_gets_the_exact_minimum(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = store(db_url)
    enqueue(engine, messages(5), now=T0)
    for i in range(5):  # the last one read in due order retries first
        _retry(engine, f"C{i:09d}", T0 + timedelta(seconds=50 - i))
    monkeypatch.setattr(outbox_waiting, "WALK", 3)
    assert to_db(outbox_waiting.next_ready(engine, True)) == T0 + timedelta(seconds=46)  # type: ignore[arg-type]


def test_leased_messages_are_still_due(db_url: str) -> None:
    engine = store(db_url)
    assert not outbox_waiting.any_due(engine, T0, True)
    enqueue(engine, messages(2), now=T0)
    with engine.connect() as conn:
        assert len(Claimer(DispatchConfig()).claim_rows(conn, T0, 2, "w1")) == 2
    assert outbox_waiting.any_due(engine, T0, True)  # leased: the loop waits for them
    assert outbox_waiting.next_ready(engine, True) is None  # nothing left to claim
    assert not outbox_waiting.any_due(engine, T0 - timedelta(seconds=1), True)
    assert not outbox_waiting.any_due(engine, T0, False)  # pushes, not feed
