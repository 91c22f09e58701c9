"""Feed pages over psycopg's async connections: the PostgreSQL hot path without a thread hop.

Each server process keeps a few autocommit connections of its own, opened on first use in the
event loop that serves requests (uvicorn starts one per worker) and closed at shutdown.
"""

from __future__ import annotations

import asyncio

import psycopg
from sqlalchemy.engine import Engine

from delivery.api.page import driver_sql
from delivery.errors import StoreError


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

    async def _run(self, sql: str, params: dict[str, object]) -> list[tuple]:
        conn = await self._acquire()
        try:
            # Binary results: timestamps arrive as numbers, not text PostgreSQL formats and
            # psycopg parses. The statement is prepared server-side from its second use.
            cursor = conn.cursor(binary=True)
            await cursor.execute(sql, params, prepare=True)
            rows = await cursor.fetchall()
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

    async def close(self) -> None:
        """Close every idle connection (at shutdown)."""
        if self._idle is None or self._loop is not asyncio.get_running_loop():
            return
        while not self._idle.empty():
            await self._idle.get_nowait().close()
        self._opened = 0
