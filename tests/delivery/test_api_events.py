"""POST /v1/events: stored once, handed to the trigger processor once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fanzha.delivery.api import mark_events_processed, pending_events, record_event

from tests.delivery.feed_fixtures import BACKEND_KEY, T0, Env, make_env

BACKEND = {"X-Backend-Key": BACKEND_KEY}


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from make_env(db_url, tmp_path)


def _event(event_id: str = "loan-42", kind: str = "first_loan", customer: str = "C000000001"):
    return {
        "event_id": event_id,
        "customer_id": customer,
        "kind": kind,
        "occurred_at": "2027-03-01T09:25:00+08:00",
    }


def test_a_first_loan_event_is_stored_once_and_handed_over_once(env: Env) -> None:
    first = env.client.post("/v1/events", json=_event(), headers=BACKEND)
    assert first.status_code == 200 and first.json() == {"event_id": "loan-42", "duplicate": False}
    again = env.client.post("/v1/events", json=_event(), headers=BACKEND)
    assert again.json() == {"event_id": "loan-42", "duplicate": True}

    pending = pending_events(env.engine, limit=10, now=env.clock())
    assert [(e.event_id, e.customer_id, e.kind) for e in pending] == [
        ("loan-42", "C000000001", "first_loan")
    ]
    assert pending[0].occurred_at == T0 - timedelta(hours=8, minutes=5)
    assert pending[0].received_at == T0

    assert mark_events_processed(env.engine, ["loan-42"], env.clock()) == 1
    assert pending_events(env.engine, limit=10, now=env.clock()) == []
    # A second processor that read the same event learns it was already processed.
    assert mark_events_processed(env.engine, ["loan-42"], env.clock()) == 0
    # A repeat after processing is still a duplicate: no second cooling-off notice.
    assert env.client.post("/v1/events", json=_event(), headers=BACKEND).json()["duplicate"]
    assert pending_events(env.engine, limit=10, now=env.clock()) == []


def test_a_first_loan_event_may_name_its_loan(env: Env) -> None:
    body = {**_event("loan-43"), "loan_id": "L-2027-0001"}
    assert env.client.post("/v1/events", json=body, headers=BACKEND).status_code == 200
    bad = {**_event("loan-44"), "loan_id": "no spaces allowed"}
    assert env.client.post("/v1/events", json=bad, headers=BACKEND).status_code == 422
    pending = pending_events(env.engine, limit=10, now=env.clock())
    assert [(e.event_id, e.loan_id) for e in pending] == [("loan-43", "L-2027-0001")]


def test_pending_events_come_oldest_first_and_respect_the_limit(env: Env) -> None:
    for n, kind in enumerate(["new_payee", "large_transfer", "first_loan"]):
        record_event(
            env.engine,
            event_id=f"e{n}",
            customer_id="C000000001",
            kind=kind,
            occurred_at=T0 - timedelta(minutes=n),
            now=T0,
        )
    assert [e.event_id for e in pending_events(env.engine, 2, T0)] == ["e2", "e1"]
    # Events received after the processor's "now" wait for a later pass.
    assert pending_events(env.engine, 10, T0 - timedelta(seconds=1)) == []


def test_events_need_the_backend_key(env: Env) -> None:
    assert env.client.post("/v1/events", json=_event()).status_code == 401
    wrong = {"X-Backend-Key": BACKEND_KEY + "x"}
    assert env.client.post("/v1/events", json=_event(), headers=wrong).status_code == 401
    # A customer's token is not a backend key.
    assert env.client.post("/v1/events", json=_event(), headers=env.auth("C1")).status_code == 401
    assert pending_events(env.engine, 10, env.clock()) == []


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "lottery_win"},
        {"occurred_at": "2027-03-01T09:25:00"},  # no zone: ambiguous, refused
        {"event_id": ""},
        {"event_id": "x" * 129},
        {"customer_id": "C1 OR 1=1"},
        {"extra": "field"},
    ],
)
def test_invalid_events_are_422_and_not_stored(env: Env, change: dict) -> None:
    answer = env.client.post("/v1/events", json=_event() | change, headers=BACKEND)
    assert answer.status_code == 422
    assert pending_events(env.engine, 10, env.clock()) == []


def test_tokens_endpoint_mints_a_token_the_feed_accepts(env: Env) -> None:
    answer = env.client.post(
        "/v1/tokens", json={"customer_id": "C000000007", "ttl_seconds": 600}, headers=BACKEND
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["customer_id"] == "C000000007"
    assert body["expires_at"].startswith("2027-03-01T09:40:00")
    feed = env.client.get("/v1/feed", headers={"Authorization": f"Bearer {body['token']}"})
    assert feed.status_code == 200
    env.clock.advance(timedelta(minutes=10))
    feed = env.client.get("/v1/feed", headers={"Authorization": f"Bearer {body['token']}"})
    assert feed.status_code == 401
    assert env.client.post("/v1/tokens", json={"customer_id": "C1"}).status_code == 401
