"""Feed pages over psycopg's async connections: the PostgreSQL hot path without a thread hop.

Each server process keeps a few autocommit connections of its own, opened on first use in the
event loop that serves requests (uvicorn starts one per worker) and closed at shutdown.
"""

from __future__ import annotations

import asyncio
from functools import cache

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from delivery.api.page import driver_sql, encode_cursor
from delivery.errors import StoreError


def _stamp(column: str) -> str:
    """SQL writing a timestamp as pydantic does for aware UTC: a fraction only if non-zero."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL"
        f" WHEN date_trunc('second', {column}) = {column}"
        f""" THEN to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
        f""" ELSE to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END"""
    )


@cache
def json_sql(dialect: sa.Dialect, with_cursor: bool) -> str:
    """The page statement wrapped so PostgreSQL writes the items' JSON itself.

    One row: the unread count, how many rows the page fetched (one more than shown means
    another page), the items as JSON text, and the last shown item's key for the cursor.
    """
    inner = driver_sql(dialect, with_cursor)
    item = (
        "json_build_object('id', r.id, 'title', r.title, 'body', r.body,"
        " 'image_url', CASE WHEN r.image_key = '' THEN NULL ELSE '/v1/media/' || r.image_key END,"
        f" 'alt_text', r.alt_text, 'warning_id', r.warning_id,"
        f" 'created_at', {_stamp('r.created_at')}, 'read_at', {_stamp('r.read_at')})"
    )
    shown = "r.id IS NOT NULL AND r.rn <= %(limit)s"
    # Only constant fragments are joined here; every value travels as a bound parameter.
    return (
        "SELECT max(r.unread), count(r.id),"  # noqa: S608
        f" COALESCE(json_agg({item} ORDER BY r.rn) FILTER (WHERE {shown}), '[]')::text,"
        " max(r.created_at) FILTER (WHERE r.rn = %(limit)s),"
        " max(r.id) FILTER (WHERE r.rn = %(limit)s)"
        " FROM (SELECT q.*, row_number() OVER"
        " (ORDER BY q.created_at DESC NULLS LAST, q.id DESC) AS rn"
        f" FROM ({inner}) AS q) AS r"
    )


class AsyncPageReader:
    """Runs the page statement on a small pool of async connections (PostgreSQL only)."""

    def __init__(self, engine: Engine, size: int = 8) -> None:
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._dialect = engine.dialect
        self._size = size
        self._idle: asyncio.Queue[psycopg.AsyncConnection] | None = None
        self._opened = 0
        self._loop: asyncio.AbstractEventLoop | None = None

    def _pool(self) -> asyncio.Queue[psycopg.AsyncConnection]:
        loop = asyncio.get_running_loop()
        if self._idle is None or self._loop is not loop:
            # Connections belong to the loop that opened them; a new loop starts afresh.
            self._idle, self._opened, self._loop = asyncio.Queue(), 0, loop
        return self._idle

    async def _acquire(self) -> psycopg.AsyncConnection:
        idle = self._pool()
        if idle.empty() and self._opened < self._size:
            self._opened += 1
            try:
                conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
                # Timestamps come back in UTC, as the API writes them, without converting.
                await conn.execute("SET TIME ZONE 'UTC'")
                return conn
            except psycopg.Error as exc:
                self._opened -= 1
                raise StoreError(f"cannot reach the store: {exc}") from exc
        return await idle.get()

    async def fetch_rows(self, params: dict[str, object]) -> list[tuple]:
        """Rows of the page statement for ``params`` (see ``page.page_params``)."""
        return await self._run(driver_sql(self._dialect, "after_id" in params), params)

    async def _run(self, sql: str, params: dict[str, object], one: bool = False):  # type: ignore[no-untyped-def]
        conn = await self._acquire()
        try:
            cursor = conn.cursor()
            await cursor.execute(sql, params)
            rows = await (cursor.fetchone() if one else cursor.fetchall())
        except psycopg.OperationalError as exc:
            # A broken connection is dropped, not returned; the next request opens a new one.
            self._opened -= 1
            await conn.close()
            raise StoreError(f"store unavailable: {exc}") from exc
        except BaseException:
            self._pool().put_nowait(conn)
            raise
        self._pool().put_nowait(conn)
        return rows

    async def fetch_body(self, params: dict[str, object], limit: int) -> bytes:
        """The JSON body of a feed page, written mostly by PostgreSQL (one round trip)."""
        sql = json_sql(self._dialect, "after_id" in params)
        row = await self._run(sql, params | {"limit": limit}, one=True)
        unread, fetched, items, last_at, last_id = row
        cursor = encode_cursor(last_at, last_id) if fetched > limit else None
        tail = f'"{cursor}"' if cursor else "null"  # base64url: nothing to escape
        return f'{{"items":{items},"next_cursor":{tail},"unread":{unread or 0}}}'.encode()

    async def close(self) -> None:
        """Close every idle connection (at shutdown)."""
        if self._idle is None or self._loop is not asyncio.get_running_loop():
            return
        while not self._idle.empty():
            await self._idle.get_nowait().close()
        self._opened = 0
