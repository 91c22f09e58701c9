"""PUT /v1/preferences: opt-outs take effect at once on pending messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fanzha.delivery.api import get_preferences, set_preferences
from fanzha.delivery.models import CANCELLED, FEED, PENDING, PUSH, SENT, DeliveryEvent

from tests.delivery.feed_fixtures import (
    T0,
    Env,
    add_feed_item,
    add_message,
    make_env,
    message_states,
)

ME, OTHER = "C000000001", "C000000002"


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from make_env(db_url, tmp_path)


def test_push_opt_out_cancels_pending_pushes_and_keeps_the_feed(env: Env) -> None:
    push = add_message(env.engine, ME, "w1", PUSH)
    feed = add_message(env.engine, ME, "w1", FEED)
    sent = add_message(env.engine, ME, "w0", PUSH, state=SENT)
    leased = add_message(env.engine, ME, "w2", PUSH, leased_to="dispatcher-1")
    theirs = add_message(env.engine, OTHER, "w1", PUSH)
    add_feed_item(env.engine, ME, 1, created_at=T0)

    answer = env.client.put("/v1/preferences", json={"push_opt_out": True}, headers=env.auth(ME))
    assert answer.status_code == 200
    assert answer.json()["push_opt_out"] is True
    assert answer.json()["cancelled"] == {"opt_out_push": 1}

    states = message_states(env.engine)
    assert states[push] == (CANCELLED, "opt_out_push")
    assert states[feed] == (PENDING, None)
    assert states[sent] == (SENT, None)
    assert states[leased] == (PENDING, None)  # in a dispatcher's hands: it decides
    assert states[theirs] == (PENDING, None)
    assert len(env.client.get("/v1/feed", headers=env.auth(ME)).json()["items"]) == 1
    with env.engine.connect() as conn:
        events = conn.execute(
            sa.select(DeliveryEvent.__table__.c.message_id, DeliveryEvent.__table__.c.detail)
        ).all()
    assert [tuple(e) for e in events] == [(push, "opt_out_push")]


def test_full_opt_out_cancels_every_pending_message(env: Env) -> None:
    push = add_message(env.engine, ME, "w1", PUSH)
    feed = add_message(env.engine, ME, "w1", FEED)
    result = set_preferences(
        env.engine, ME, push_opt_out=True, personalization_opt_out=False, all_opt_out=True, now=T0
    )
    assert result.cancelled == {"opt_out_all": 2, "opt_out_push": 0}
    states = message_states(env.engine)
    assert states[push] == (CANCELLED, "opt_out_all")
    assert states[feed] == (CANCELLED, "opt_out_all")


def test_personalization_opt_out_cancels_segment_messages_for_reselection(env: Env) -> None:
    personal = add_message(env.engine, ME, "w1", PUSH, segment="young_workers")
    generic = add_message(env.engine, ME, "w2", FEED, segment="")
    result = set_preferences(
        env.engine, ME, push_opt_out=False, personalization_opt_out=True, all_opt_out=False, now=T0
    )
    assert result.cancelled == {"opt_out_personalization": 1}
    states = message_states(env.engine)
    assert states[personal] == (CANCELLED, "opt_out_personalization")
    assert states[generic] == (PENDING, None)


def test_preferences_round_trip_and_can_be_withdrawn(env: Env) -> None:
    assert env.client.get("/v1/preferences", headers=env.auth(ME)).json() == {
        "customer_id": ME,
        "push_opt_out": False,
        "personalization_opt_out": False,
        "all_opt_out": False,
        "risk_prompts": "on",
        "updated_at": None,
        "cancelled": {},
    }
    env.client.put("/v1/preferences", json={"all_opt_out": True}, headers=env.auth(ME))
    assert get_preferences(env.engine, ME).all_opt_out is True
    # Risk prompts are not marketing: the education opt-out leaves them on until refused.
    assert get_preferences(env.engine, ME).risk_prompts == "on"
    env.client.put("/v1/preferences", json={"risk_prompts": "off"}, headers=env.auth(ME))
    assert get_preferences(env.engine, ME).risk_prompts == "off"
    env.client.put("/v1/preferences", json={}, headers=env.auth(ME))
    prefs = get_preferences(env.engine, ME)
    assert (prefs.push_opt_out, prefs.personalization_opt_out, prefs.all_opt_out) == (
        False,
        False,
        False,
    )
    assert get_preferences(env.engine, OTHER).updated_at is None


@pytest.mark.parametrize(
    "body", [{"push_opt_out": "yes"}, {"push_opt_out": 1}, {"unknown": True}, [True], "true"]
)
def test_invalid_preference_bodies_are_422(env: Env, body: object) -> None:
    answer = env.client.put("/v1/preferences", json=body, headers=env.auth(ME))
    assert answer.status_code == 422
    assert get_preferences(env.engine, ME).updated_at is None


def test_preferences_need_a_token(env: Env) -> None:
    assert env.client.put("/v1/preferences", json={"push_opt_out": True}).status_code == 401
