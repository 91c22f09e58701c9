"""The feed's fast path answers exactly as the FastAPI route does, on SQLite and PostgreSQL.

A query written with percent-escapes takes the route (the fast path leaves escapes to it), the
same query written plainly takes the fast path; users must not be able to tell them apart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fanzha.delivery.api import mint_token

from tests.delivery.feed_fixtures import SECRETS, T0, Env, add_feed_item, make_env

ME = "C000000001"


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from make_env(db_url, tmp_path)


def _seed(env: Env, n: int = 7) -> None:
    for k in range(n):
        add_feed_item(env.engine, ME, k, created_at=T0 - timedelta(minutes=k))


def _escaped(query: str) -> str:
    # "limit=3" -> "limit=%33": the same query, now only the route parses it.
    name, _, value = query.partition("=")
    return f"{name}=%{ord(value[0]):02X}{value[1:]}"


def _same(env: Env, plain: str, escaped: str) -> dict:
    fast = env.client.get(f"/v1/feed?{plain}", headers=env.auth(ME))
    slow = env.client.get(f"/v1/feed?{escaped}", headers=env.auth(ME))
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert fast.headers["content-type"] == slow.headers["content-type"] == "application/json"
    assert fast.headers["content-length"] == slow.headers["content-length"]
    return fast.json()


def test_first_and_next_pages_match_the_route_byte_for_byte(env: Env) -> None:
    _seed(env)
    first = _same(env, "limit=3", _escaped("limit=3"))
    assert [i["title"] for i in first["items"]] == ["提醒 0", "提醒 1", "提醒 2"]
    assert first["unread"] == 7
    cursor = first["next_cursor"]
    second = _same(env, f"limit=3&cursor={cursor}", f"limit=3&{_escaped(f'cursor={cursor}')}")
    assert [i["title"] for i in second["items"]] == ["提醒 3", "提醒 4", "提醒 5"]


def test_an_empty_feed_and_the_default_limit_match_the_route(env: Env) -> None:
    assert _same(env, "", "%6Cimit=20") == {"items": [], "next_cursor": None, "unread": 0}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("limit=0", 422),
        ("limit=101", 422),
        ("limit=20&limit=21", 200),  # the route's rule for repeats: the last one counts
        ("limt=20", 422),
        ("cursor=not-ours", 400),
        ("limit=", 422),
    ],
)
def test_anything_but_the_plain_case_is_the_routes_answer(
    env: Env, query: str, status: int
) -> None:
    _seed(env, 2)
    answer = env.client.get(f"/v1/feed?{query}", headers=env.auth(ME))
    assert answer.status_code == status


def test_bad_tokens_are_still_401_with_the_bearer_challenge(env: Env) -> None:
    expired = mint_token(ME, SECRETS["k2"], "k2", timedelta(minutes=1), now=T0 - timedelta(hours=1))
    for headers in ({"Authorization": f"Bearer {expired}"}, {"Authorization": "Bearer x.y"}, {}):
        answer = env.client.get("/v1/feed", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"


def test_a_token_that_verified_still_expires(env: Env) -> None:
    token = mint_token(ME, SECRETS["k2"], "k2", timedelta(minutes=5), now=env.clock())
    headers = {"Authorization": f"Bearer {token}"}
    assert env.client.get("/v1/feed", headers=headers).status_code == 200
    env.clock.advance(timedelta(minutes=5))
    assert env.client.get("/v1/feed", headers=headers).status_code == 401


def test_a_get_with_an_oversized_body_is_still_refused(env: Env) -> None:
    answer = env.client.request("GET", "/v1/feed", headers=env.auth(ME), content=b"x" * 20_000)
    assert answer.status_code == 413


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
        first = env.client.get("/v1/feed?limit=2", headers=env.auth(ME)).json()
        assert [i["title"] for i in first["items"]] == ["提醒 0", "提醒 1"]
        cursor = first["next_cursor"]
        rest = env.client.get(f"/v1/feed?limit=9&cursor={cursor}", headers=env.auth(ME)).json()
        assert [i["title"] for i in rest["items"]] == ["提醒 2", "提醒 3", "提醒 4"]
        assert rest["unread"] == 5 and rest["next_cursor"] is None
        assert first["items"][0]["created_at"] == "2027-03-01T09:30:00Z"
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
