"""The browser view's cookie exchange (issue 11 #4): the token leaves the URL at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fanzha.delivery.api import mint_token
from fastapi.testclient import TestClient

from tests.delivery.feed_fixtures import T0, TOKEN_KEYS, Env, add_feed_item, make_env

ME = "C000000001"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    yield from make_env(f"sqlite:///{tmp_path / 'fanzha.db'}", tmp_path)


def _cookie_attributes(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";")]
    return {p.partition("=")[0].lower(): p.partition("=")[2] for p in parts[1:]}


def test_the_token_becomes_an_httponly_cookie_and_the_url_comes_clean(env: Env) -> None:
    token = mint_token(ME, TOKEN_KEYS, timedelta(hours=2), now=env.clock())
    answer = env.client.get("/app", params={"token": token}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/app"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"fanzha_token={token};")
    attributes = _cookie_attributes(cookie)
    assert "httponly" in attributes and attributes["samesite"].lower() == "strict"
    assert attributes["path"] == "/app"
    assert "secure" not in attributes  # plain http (a local test); https below
    assert 2 * 3600 - 5 <= int(attributes["max-age"]) <= 2 * 3600  # the token's lifetime
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["cache-control"] == "no-store"
    page = env.client.get("/app")  # the browser follows with its cookie
    assert page.status_code == 200
    assert token not in page.text
    assert "fanzha-token" not in page.text  # no token in the page for a script to read


def test_the_cookie_is_secure_over_https(env: Env) -> None:
    token = mint_token(ME, TOKEN_KEYS, timedelta(hours=2), now=env.clock())
    with TestClient(env.app, base_url="https://bank.example") as client:
        answer = client.get("/app", params={"token": token}, follow_redirects=False)
    assert "secure" in _cookie_attributes(answer.headers["set-cookie"])


def test_the_views_calls_use_the_cookie_and_the_api_ignores_it(env: Env) -> None:
    item = add_feed_item(env.engine, ME, 1, created_at=T0)
    token = env.auth(ME)["Authorization"].split()[1]
    env.client.get("/app", params={"token": token})  # sets the cookie, follows the redirect
    page = env.client.get("/app/api/feed?limit=5")
    assert page.status_code == 200 and page.json()["items"][0]["id"] == item
    assert env.client.post(f"/app/api/feed/{item}/read").json()["read_at"] is not None
    # The Bearer API takes no cookie, and the view's routes take no Bearer header.
    assert env.client.get("/v1/feed").status_code == 401
    bare = TestClient(env.app)
    assert bare.get("/app/api/feed", headers=env.auth(ME)).status_code == 401
    assert bare.get("/app").status_code == 401


def test_a_bad_token_sets_no_cookie(env: Env) -> None:
    answer = env.client.get("/app", params={"token": "x.y"}, follow_redirects=False)
    assert answer.status_code == 401
    assert "set-cookie" not in answer.headers
    assert "content-security-policy" in answer.headers
