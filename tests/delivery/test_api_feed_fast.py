"""The feed's fast path: it answers the plain feed read, exactly as the route would.

Each test proves which path answered: ``app.state.fanzha.fast_path.served`` counts the requests
the fast path served, and an app built with ``fast_path=False`` is the route alone, over the
same store, for byte-for-byte comparison.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from fanzha.delivery.api import create_app, mint_token
from fastapi.testclient import TestClient
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.delivery.feed_fixtures import (
    BACKEND_KEYS,
    T0,
    TOKEN_KEYS,
    TTL,
    WEBHOOK_KEYS,
    Env,
    add_feed_item,
    make_env,
)

ME = "C000000001"


class Seen:
    """A bank's middleware: records the path of every request that passes through it."""

    paths: ClassVar[list[str]] = []

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            Seen.paths.append(scope["path"])
        await self.app(scope, receive, send)


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> Iterator[Env]:
    Seen.paths = []
    yield from make_env(db_url, tmp_path, middleware=[Middleware(Seen)])


@pytest.fixture
def route_only(env: Env) -> Iterator[TestClient]:
    """The same store behind an app without the fast path."""
    app = create_app(
        env.engine,
        token_keys=TOKEN_KEYS,
        backend_keys=BACKEND_KEYS,
        webhook_keys=WEBHOOK_KEYS,
        media_dir=env.media_dir,
        feed_ttl=TTL,
        clock=env.clock,
        fast_path=False,
    )
    with TestClient(app) as client:
        yield client


def _served(env: Env) -> int:
    return env.app.state.fanzha.fast_path.served


def _seed(env: Env, n: int = 7) -> None:
    for k in range(n):
        add_feed_item(env.engine, ME, k, created_at=T0 - timedelta(minutes=k))


def _same(env: Env, route_only: TestClient, query: str) -> dict:
    before = _served(env)
    fast = env.client.get(f"/v1/feed?{query}", headers=env.auth(ME))
    assert _served(env) == before + 1, "the fast path did not serve the request"
    slow = route_only.get(f"/v1/feed?{query}", headers=env.auth(ME))
    assert route_only.app.state.fanzha.fast_path.served == 0
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    drop = {"date"}
    assert {k: v for k, v in fast.headers.items() if k not in drop} == {
        k: v for k, v in slow.headers.items() if k not in drop
    }
    return fast.json()


def test_first_and_next_pages_match_the_route_byte_for_byte(
    env: Env, route_only: TestClient
) -> None:
    _seed(env)
    first = _same(env, route_only, "limit=3")
    assert [i["title"] for i in first["items"]] == ["提醒 0", "提醒 1", "提醒 2"]
    assert first["unread"] == 7
    second = _same(env, route_only, f"limit=3&cursor={first['next_cursor']}")
    assert [i["title"] for i in second["items"]] == ["提醒 3", "提醒 4", "提醒 5"]


def test_an_empty_feed_and_the_default_limit_match_the_route(
    env: Env, route_only: TestClient
) -> None:
    assert _same(env, route_only, "") == {"items": [], "next_cursor": None, "unread": 0}
    # Escapes are decoded as the route decodes them ("%33" is "3").
    assert _same(env, route_only, "limit=%33")["items"] == []


def test_the_banks_middleware_sees_the_requests_the_fast_path_serves(env: Env) -> None:
    _seed(env, 2)
    before = _served(env)
    answer = env.client.get("/v1/feed", headers=env.auth(ME))
    assert answer.status_code == 200 and _served(env) == before + 1
    assert Seen.paths[-1] == "/v1/feed"
    # ... and the security headers are on its answer too.
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("limit=0", 422),
        ("limit=101", 422),
        ("limt=20", 422),
        ("cursor=not-ours", 422),
        ("limit=", 422),
    ],
)
def test_an_invalid_query_is_the_routes_answer(env: Env, query: str, status: int) -> None:
    _seed(env, 2)
    before = _served(env)
    answer = env.client.get(f"/v1/feed?{query}", headers=env.auth(ME))
    assert answer.status_code == status
    assert answer.json()["detail"][0]["type"]  # FastAPI's validation error shape
    assert _served(env) == before


def test_bad_tokens_are_still_401_with_the_bearer_challenge(env: Env) -> None:
    expired = mint_token(ME, TOKEN_KEYS, timedelta(minutes=1), now=T0 - timedelta(hours=1))
    before = _served(env)
    for headers in ({"Authorization": f"Bearer {expired}"}, {"Authorization": "Bearer x.y"}, {}):
        answer = env.client.get("/v1/feed", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
    assert _served(env) == before


def test_a_token_that_verified_still_expires(env: Env) -> None:
    token = mint_token(ME, TOKEN_KEYS, timedelta(minutes=5), now=env.clock())
    headers = {"Authorization": f"Bearer {token}"}
    assert env.client.get("/v1/feed", headers=headers).status_code == 200
    env.clock.advance(timedelta(minutes=5))
    assert env.client.get("/v1/feed", headers=headers).status_code == 401


def test_a_get_with_an_oversized_body_is_still_refused(env: Env) -> None:
    before = _served(env)
    answer = env.client.request("GET", "/v1/feed", headers=env.auth(ME), content=b"x" * 20_000)
    assert answer.status_code == 413
    assert _served(env) == before


def test_reads_and_dismissals_show_at_once_through_the_fast_path(env: Env) -> None:
    _seed(env, 3)
    page = env.client.get("/v1/feed", headers=env.auth(ME)).json()
    first = page["items"][0]["id"]
    env.client.post(f"/v1/feed/{first}/read", headers=env.auth(ME))
    assert env.client.get("/v1/feed", headers=env.auth(ME)).json()["unread"] == 2
    env.client.post(f"/v1/feed/{first}/dismiss", headers=env.auth(ME))
    ids = [i["id"] for i in env.client.get("/v1/feed", headers=env.auth(ME)).json()["items"]]
    assert first not in ids and len(ids) == 2


@pytest.mark.parametrize("driver", ["asyncpg", "psycopg"])
def test_both_postgres_drivers_serve_the_same_pages(
    pg_url: str, tmp_path: Path, driver: str
) -> None:
    pytest.importorskip(driver)
    envs = make_env(pg_url, tmp_path, feed_driver=driver)
    env = next(envs)
    try:
        assert env.app.state.fanzha.reader.driver == driver
        _seed(env, 5)
        served = _served(env)
        first = env.client.get("/v1/feed?limit=2", headers=env.auth(ME)).json()
        assert [i["title"] for i in first["items"]] == ["提醒 0", "提醒 1"]
        cursor = first["next_cursor"]
        rest = env.client.get(f"/v1/feed?limit=9&cursor={cursor}", headers=env.auth(ME)).json()
        assert [i["title"] for i in rest["items"]] == ["提醒 2", "提醒 3", "提醒 4"]
        assert rest["unread"] == 5 and rest["next_cursor"] is None
        assert first["items"][0]["created_at"] == "2027-03-01T09:30:00Z"
        assert _served(env) == served + 2
    finally:
        envs.close()


def test_the_connection_pool_serves_waiters_in_arrival_order() -> None:
    from fanzha.delivery.api.pgpool import FairPool

    async def scenario() -> list[int]:
        opened = 0

        async def opener() -> int:
            nonlocal opened
            opened += 1
            return opened

        pool: FairPool[int] = FairPool(opener, size=1)
        held = await pool.acquire()
        order: list[int] = []

        async def user(n: int) -> None:
            conn = await pool.acquire()
            order.append(n)
            await asyncio.sleep(0)
            pool.release(conn)

        users = [asyncio.create_task(user(n)) for n in range(5)]
        await asyncio.sleep(0)
        pool.release(held)
        # A newcomer arriving as connections come back must not jump the queue.
        late = asyncio.create_task(user(99))
        await asyncio.gather(*users, late)
        assert opened == 1
        return order

    assert asyncio.run(scenario()) == [0, 1, 2, 3, 4, 99]


def test_a_discarded_connection_frees_its_slot_for_a_waiter() -> None:
    from fanzha.delivery.api.pgpool import FairPool

    async def scenario() -> int:
        opened = 0

        async def opener() -> int:
            nonlocal opened
            opened += 1
            return opened

        pool: FairPool[int] = FairPool(opener, size=1)
        await pool.acquire()
        waiter = asyncio.create_task(pool.acquire())
        await asyncio.sleep(0)
        pool.discard()  # the held connection broke
        return await asyncio.wait_for(waiter, 1)

    assert asyncio.run(scenario()) == 2
