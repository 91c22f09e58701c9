"""Edge values at the API (issue 11 #14, API part; #17 strictness): a 4xx, never a 5xx.

Before: a cursor or ``occurred_at`` at year 1 or 9999 with an offset overflowed converting to
UTC and answered 500; ``"occurred_at": 0`` was taken as 1970-01-01; ``"ttl_seconds": "60"`` as 60.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fanzha.delivery.api.page import decode_cursor, encode_cursor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.delivery.feed_fixtures import BACKEND_KEY, T0, Env, add_feed_item, make_env

ME = "C000000001"
BACKEND = {"X-Backend-Key": BACKEND_KEY}
FIXTURE_OK = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    tmp = tmp_path_factory.mktemp("edges")
    for env in make_env(f"sqlite:///{tmp / 'fanzha.db'}", tmp):
        for n in range(3):
            add_feed_item(env.engine, ME, n, created_at=T0 - timedelta(minutes=n))
        yield env


def _event(occurred_at: object, n: int = 0) -> dict[str, object]:
    return {
        "event_id": f"e-{n}",
        "customer_id": ME,
        "kind": "new_payee",
        "occurred_at": occurred_at,
    }


def _old_cursor(stamp: str, item: str = "abc") -> str:
    # The cursor format before this release: base64 of [created_at, id].
    return base64.urlsafe_b64encode(json.dumps([stamp, item]).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+05:00",
        "0001-01-01T00:00:00-05:00",
        "9999-12-31T23:59:59-05:00",
        "9999-12-31T23:59:59+14:00",
        "1969-12-31T23:59:59Z",
        "2027-02-30T09:00:00Z",
        "2100-01-01T00:00:00Z",
        "2027-03-01T09:00:00",  # no offset: which day was it?
        0,
        1_800_000_000,
        1.5,
        True,
        None,
        ["2027-03-01T09:00:00Z"],
    ],
)
def test_occurred_at_out_of_range_or_not_a_string_is_422(env: Env, value: object) -> None:
    answer = env.client.post("/v1/events", json=_event(value), headers=BACKEND)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "occurred_at"]


def test_an_in_range_occurred_at_with_any_offset_is_stored(env: Env) -> None:
    answer = env.client.post(
        "/v1/events", json=_event("2027-03-02T10:00:00+08:00", 99), headers=BACKEND
    )
    assert answer.status_code == 200 and answer.json() == {"event_id": "e-99", "duplicate": False}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/tokens", {"customer_id": ME, "ttl_seconds": "3600"}),
        ("/v1/tokens", {"customer_id": ME, "ttl_seconds": 3600.5}),
        ("/v1/tokens", {"customer_id": ME, "ttl_seconds": True}),
        ("/v1/tokens", {"customer_id": 1234567}),
    ],
)
def test_backend_bodies_are_strict(env: Env, path: str, body: dict[str, object]) -> None:
    assert env.client.post(path, json=body, headers=BACKEND).status_code == 422


@pytest.mark.parametrize("value", ["true", "1", 1, 0, "yes", None])
def test_preferences_take_only_json_booleans(env: Env, value: object) -> None:
    answer = env.client.put("/v1/preferences", json={"push_opt_out": value}, headers=env.auth(ME))
    assert answer.status_code == 422


@pytest.mark.parametrize(
    "cursor",
    [
        _old_cursor("0001-01-01T00:00:00+05:00"),
        _old_cursor("9999-12-31T23:59:59-05:00"),
        "99999999999999999.abc",  # 17 digits: past the year 2286
        "-1.abc",
        "0",
        "1.",
        ".abc",
        "1.a/b",
    ],
)
def test_a_cursor_outside_the_documented_form_is_422(env: Env, cursor: str) -> None:
    answer = env.client.get("/v1/feed", params={"cursor": cursor}, headers=env.auth(ME))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "cursor"]


def test_every_cursor_of_the_documented_form_pages_without_error(env: Env) -> None:
    for cursor in ("0.a", "9999999999999999.zzz", "1803000000000000.abc"):
        answer = env.client.get("/v1/feed", params={"cursor": cursor}, headers=env.auth(ME))
        assert answer.status_code == 200


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2286, 1, 1), timezones=st.just(UTC)
    ),
    st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True),
)
def test_cursors_round_trip(created: datetime, item: str) -> None:
    assert decode_cursor(encode_cursor(created, item)) == (created, item)


@FIXTURE_OK
@given(
    st.datetimes(
        timezones=st.builds(
            timezone,
            st.timedeltas(
                min_value=-timedelta(hours=23, minutes=59),
                max_value=timedelta(hours=23, minutes=59),
            ),
        )
    )
)
def test_any_datetime_with_any_offset_is_a_4xx_or_stored(env: Env, moment: datetime) -> None:
    answer = env.client.post("/v1/events", json=_event(moment.isoformat(), 7), headers=BACKEND)
    assert answer.status_code in (200, 422), answer.text


@FIXTURE_OK
@given(
    st.one_of(
        st.text(max_size=80), st.from_regex(r"[0-9]{1,20}\.[A-Za-z0-9_-]{0,45}", fullmatch=True)
    )
)
def test_any_cursor_text_is_never_a_5xx(env: Env, cursor: str) -> None:
    answer = env.client.get("/v1/feed", params={"cursor": cursor}, headers=env.auth(ME))
    assert answer.status_code in (200, 422)


@FIXTURE_OK
@given(st.text(max_size=60))
def test_any_item_id_or_media_key_is_never_a_5xx(env: Env, text: str) -> None:
    from urllib.parse import quote

    part = quote(text, safe="") or "x"
    for answer in (
        env.client.post(f"/v1/feed/{part}/read", headers=env.auth(ME)),
        env.client.post(f"/v1/feed/{part}/dismiss", headers=env.auth(ME)),
        env.client.get(f"/v1/media/{part}"),
    ):
        assert answer.status_code < 500, (text, answer.status_code)


@FIXTURE_OK
@given(
    st.dictionaries(
        st.sampled_from(["event_id", "customer_id", "kind", "occurred_at", "extra"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=40),
        ),
    )
)
def test_any_event_body_is_never_a_5xx(env: Env, body: dict[str, object]) -> None:
    answer = env.client.post("/v1/events", json=body, headers=BACKEND)
    assert answer.status_code in (200, 422)
