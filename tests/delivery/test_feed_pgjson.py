"""On PostgreSQL the feed's JSON is written by the database: it must equal the Python rendering."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from delivery.api import page
from delivery.api.feed_route import page_body
from tests.delivery.test_feed_support import T0, TTL, Env, add_feed_item, make_env

pytestmark = pytest.mark.postgres
ME = "C000000001"
AWKWARD = [
    'quote " backslash \\ slash / tab \t newline \n',
    "控制字符 \x01 and emoji 🛡️ and «guillemets»",
    "</script><script>alert(1)</script>",
]


@pytest.fixture
def env(pg_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from make_env(pg_url, tmp_path)


def _both(env: Env, limit: int, cursor: str | None) -> tuple[dict, dict]:
    params = page.page_params(ME, now=env.clock(), ttl=TTL, limit=limit, cursor=cursor)
    python = json.loads(page_body(page.fetch_rows(env.engine, params), limit))
    reader = env.app.state.fanzha.reader
    assert reader is not None  # PostgreSQL takes the async JSON path

    async def fetch() -> bytes:
        try:
            return await reader.fetch_body(params, limit)
        finally:
            await reader.close()

    database = json.loads(asyncio.run(fetch()))
    return python, database


def test_database_json_equals_python_json_page_by_page(env: Env) -> None:
    for n in range(7):
        add_feed_item(
            env.engine,
            ME,
            n,
            # Whole seconds and fractions both: the fraction is written only when present.
            created_at=T0 - timedelta(minutes=n, microseconds=123_456 * (n % 2)),
            image_key="" if n == 3 else f"{n:08x}abcdef.webp",
            title=AWKWARD[n % 3],
            body=AWKWARD[(n + 1) % 3],
        )
    ids = [
        i["id"] for i in env.client.get("/v1/feed?limit=7", headers=env.auth(ME)).json()["items"]
    ]
    env.client.post(f"/v1/feed/{ids[1]}/read", headers=env.auth(ME))
    cursor = None
    pages = 0
    while True:
        python, database = _both(env, 3, cursor)
        assert database == python
        pages += 1
        cursor = python["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and python["unread"] == 6


def test_database_json_of_an_empty_feed(env: Env) -> None:
    python, database = _both(env, 20, None)
    assert database == python == {"items": [], "next_cursor": None, "unread": 0}
