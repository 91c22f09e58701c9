"""Recalling a warning: gone from every feed, pending sends cancelled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fanzha.delivery.api import recall_warning
from fanzha.delivery.models import CANCELLED, FEED, PENDING, PUSH, SENT

from tests.delivery.feed_fixtures import (
    T0,
    Env,
    add_feed_item,
    add_message,
    make_env,
    message_states,
)


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from make_env(db_url, tmp_path)


def test_recall_hides_the_warning_everywhere_and_cancels_pending_sends(env: Env) -> None:
    customers = [f"C00000000{n}" for n in range(1, 4)]
    wrong = {
        c: add_feed_item(env.engine, c, 1, created_at=T0, warning_id="bad-one") for c in customers
    }
    for c in customers:
        add_feed_item(env.engine, c, 2, created_at=T0 - timedelta(hours=1), warning_id="fake-loan")
    pending_push = add_message(env.engine, "C000000001", "w2", PUSH, warning_id="bad-one")
    pending_feed = add_message(env.engine, "C000000002", "w2", FEED, warning_id="bad-one")
    sent_push = add_message(env.engine, "C000000003", "w1", PUSH, warning_id="bad-one", state=SENT)
    other = add_message(env.engine, "C000000001", "w3", PUSH, warning_id="fake-loan")
    env.client.post(f"/v1/feed/{wrong['C000000001']}/read", headers=env.auth("C000000001"))

    result = recall_warning(env.engine, "bad-one", T0 + timedelta(minutes=5))
    assert (result.feed_items_hidden, result.pushes_cancelled, result.feed_messages_cancelled) == (
        3,
        1,
        1,
    )
    for c in customers:
        page = env.client.get("/v1/feed", headers=env.auth(c)).json()
        assert [i["warning_id"] for i in page["items"]] == ["fake-loan"]
        assert page["unread"] == 1
        # A recalled item cannot be reached by id either.
        assert env.client.post(f"/v1/feed/{wrong[c]}/read", headers=env.auth(c)).status_code == 404
    states = message_states(env.engine)
    assert states[pending_push] == (CANCELLED, "recalled")
    assert states[pending_feed] == (CANCELLED, "recalled")
    assert states[sent_push] == (SENT, None)
    assert states[other] == (PENDING, None)
    # Recalling twice changes nothing more.
    again = recall_warning(env.engine, "bad-one", T0 + timedelta(minutes=6))
    assert (again.feed_items_hidden, again.pushes_cancelled) == (0, 0)
