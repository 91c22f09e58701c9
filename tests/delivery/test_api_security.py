"""Security: bad tokens, other customers' ids, SQL metacharacters everywhere, oversized bodies."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from fanzha.delivery.api import mint_token
from fanzha.delivery.keys import KeyRing, generate_key
from fanzha.delivery.models import AppEvent, FeedItem, Preference

from tests.delivery.feed_fixtures import (
    BACKEND_KEY,
    SECRETS,
    T0,
    TOKEN_KEYS,
    Env,
    add_feed_item,
    make_env,
)

ME, OTHER = "C000000001", "C000000002"
BACKEND = {"X-Backend-Key": BACKEND_KEY}
SQL_PAYLOADS = [
    "' OR '1'='1",
    "1; DROP TABLE feed_items; --",
    '" OR ""="',
    "x' UNION SELECT id, title, body FROM feed_items --",
    "%' OR customer_id LIKE '%",
    "\\'; SELECT pg_sleep(1); --",
    "C000000002'--",
    "abc--",
    "\x00",
]


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from make_env(db_url, tmp_path, max_body_bytes=2048)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _tokens(env: Env) -> dict[str, str]:
    good = mint_token(ME, TOKEN_KEYS, timedelta(hours=1), now=env.clock())
    payload, mac = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    swapped = base64.urlsafe_b64encode(
        json.dumps(claims | {"sub": OTHER}, separators=(",", ":")).encode()
    ).rstrip(b"=")
    return {
        "tampered payload": f"{swapped.decode()}.{mac}",
        "tampered signature": f"{payload}.{mac[:-2]}AA",
        "expired": mint_token(ME, TOKEN_KEYS, timedelta(minutes=1), now=T0 - timedelta(hours=1)),
        "unknown key id": mint_token(
            ME,
            KeyRing("FANZHA_SECRET", (("k9", SECRETS["k2"]),)),
            timedelta(hours=1),
            now=env.clock(),
        ),
        "wrong secret": mint_token(
            ME,
            KeyRing("FANZHA_SECRET", (("k2", generate_key()),)),
            timedelta(hours=1),
            now=env.clock(),
        ),
        "garbage": "' OR 1=1 --",
        "empty": "",
    }


@pytest.mark.parametrize(
    "name",
    [
        "tampered payload",
        "tampered signature",
        "expired",
        "unknown key id",
        "wrong secret",
        "garbage",
        "empty",
    ],
)
def test_bad_tokens_are_401_on_every_customer_route(env: Env, name: str) -> None:
    item = add_feed_item(env.engine, ME, 1, created_at=T0)
    headers = _bearer(_tokens(env)[name])
    calls = [
        ("GET", "/v1/feed", None),
        ("POST", f"/v1/feed/{item}/read", None),
        ("POST", f"/v1/feed/{item}/dismiss", None),
        ("GET", "/v1/preferences", None),
        ("PUT", "/v1/preferences", {"all_opt_out": True}),
    ]
    for method, path, body in calls:
        answer = env.client.request(method, path, headers=headers, json=body)
        assert answer.status_code == 401, (method, path)
        assert answer.headers["www-authenticate"] == "Bearer"
    # Nothing was changed by the refused calls.
    page = env.client.get("/v1/feed", headers=env.auth(ME)).json()
    assert page["unread"] == 1 and len(page["items"]) == 1


def test_missing_or_non_bearer_authorization_is_401(env: Env) -> None:
    assert env.client.get("/v1/feed").status_code == 401
    token = env.tokens.get(ME) or env.auth(ME)["Authorization"].split()[1]
    assert (
        env.client.get("/v1/feed", headers={"Authorization": f"Basic {token}"}).status_code == 401
    )
    assert env.client.get("/v1/feed", headers={"Authorization": token}).status_code == 401


def test_the_browser_view_refuses_bad_tokens(env: Env) -> None:
    for token in _tokens(env).values():
        answer = env.client.get("/app", params={"token": token})
        assert answer.status_code == 401
        assert token not in answer.text or token == ""


def test_another_customers_item_is_404_and_unchanged(env: Env) -> None:
    theirs = add_feed_item(env.engine, OTHER, 1, created_at=T0)
    for action in ("read", "dismiss"):
        assert (
            env.client.post(f"/v1/feed/{theirs}/{action}", headers=env.auth(ME)).status_code == 404
        )
    with env.engine.connect() as conn:
        row = conn.execute(
            sa.select(FeedItem.__table__).where(FeedItem.__table__.c.id == theirs)
        ).one()
    assert row.read_at is None and row.dismissed_at is None


def _table_counts(env: Env) -> dict[str, int]:
    with env.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (FeedItem.__table__, AppEvent.__table__, Preference.__table__)
        }


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_sql_metacharacters_in_every_parameter_are_harmless(env: Env, payload: str) -> None:
    mine = add_feed_item(env.engine, ME, 1, created_at=T0)
    add_feed_item(env.engine, OTHER, 1, created_at=T0)
    before = _table_counts(env)
    me = env.auth(ME)
    path_part = quote(payload, safe="")
    cursor = base64.urlsafe_b64encode(json.dumps([payload, payload]).encode()).decode().rstrip("=")
    answers = [
        env.client.get("/v1/feed", params={"limit": payload}, headers=me),
        env.client.get("/v1/feed", params={"cursor": payload}, headers=me),
        env.client.get("/v1/feed", params={"cursor": cursor}, headers=me),
        env.client.post(f"/v1/feed/{path_part}/read", headers=me),
        env.client.post(f"/v1/feed/{path_part}/dismiss", headers=me),
        env.client.get(f"/v1/media/{path_part}"),
        env.client.get(f"/v1/media/{path_part}.png"),
        env.client.put("/v1/preferences", json={"push_opt_out": payload}, headers=me),
        env.client.get("/v1/feed", headers=_bearer(payload)),
        env.client.get("/app", params={"token": payload}),
        env.client.post("/v1/tokens", json={"customer_id": payload}, headers=BACKEND),
        env.client.post("/v1/events", headers={"X-Backend-Key": payload}, json={}),
    ]
    for field in ("event_id", "customer_id", "kind", "occurred_at"):
        event = {
            "event_id": "ev-1",
            "customer_id": ME,
            "kind": "new_payee",
            "occurred_at": "2027-03-01T09:00:00Z",
        }
        answers.append(
            env.client.post("/v1/events", json=event | {field: payload}, headers=BACKEND)
        )
    for answer in answers:
        # 200 only where the payload happens to be a legal value (e.g. "abc--" as an id).
        assert answer.status_code in {200, 400, 401, 404, 422}, (answer.request.url, answer.text)
    after = _table_counts(env)
    assert after[FeedItem.__tablename__] == before[FeedItem.__tablename__]
    assert after[Preference.__tablename__] == before[Preference.__tablename__]
    with env.engine.connect() as conn:
        stored = conn.execute(sa.select(AppEvent.__table__)).all()
    # An event is stored only when the payload was a legal id, and then stored verbatim.
    assert all(payload in (e.event_id, e.customer_id) for e in stored)
    page = env.client.get("/v1/feed", headers=me).json()
    assert [i["id"] for i in page["items"]] == [mine] and page["unread"] == 1


def test_oversized_bodies_are_413_declared_or_streamed(env: Env) -> None:
    big = {"push_opt_out": True, "pad": "x" * 4096}
    answer = env.client.put("/v1/preferences", json=big, headers=env.auth(ME))
    assert answer.status_code == 413
    assert answer.json() == {"detail": "request body too large"}

    def chunks() -> Iterator[bytes]:
        yield b'{"event_id": "big", "customer_id": "C000000001", "kind": "first_loan", '
        for _ in range(64):
            yield b" " * 64
        yield b'"occurred_at": "2027-03-01T09:00:00Z"}'

    streamed = env.client.post(
        "/v1/events", content=chunks(), headers=BACKEND | {"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert _table_counts(env)[AppEvent.__tablename__] == 0
    # Just under the limit is fine.
    ok = env.client.put("/v1/preferences", json={"push_opt_out": True}, headers=env.auth(ME))
    assert ok.status_code == 200


def test_malformed_json_is_422_not_500(env: Env) -> None:
    for body in (b"{", b"\xff\xfe", b"null", b"[]", b'{"push_opt_out": true,}'):
        answer = env.client.put(
            "/v1/preferences",
            content=body,
            headers=env.auth(ME) | {"Content-Type": "application/json"},
        )
        assert answer.status_code == 422, body


def test_browser_view_escapes_what_it_echoes_and_sets_a_strict_csp(env: Env) -> None:
    answer = env.client.get("/app", headers=env.auth(ME), params={"token": env.tokens[ME]})
    assert answer.status_code == 200
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in answer.text  # only the external, same-origin script
