"""Risk checks on PostgreSQL: the checks in flight stored together, one statement per batch.

Each check is decided in memory; ``RiskWriter.record`` then waits for its row. The checks that
arrive while a statement is out (group commit) go in the next one: one statement reads each
customer's ``risk_prompts`` preference, stores every check with the decision that preference
implies (``ON CONFLICT DO NOTHING``: idempotent by ``check_id``, across restarts and server
processes) and answers each check's stored response, the new one or the earlier one for a
repeated id. A check is answered only once its row is stored, so an answer never names a
check the store does not have. asyncpg when it is installed, as the feed's reader; a
connection that fails is dropped and its batch answers 503 (``StoreError``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from fanzha.delivery.api.pgasync import _close, _unavailable_errors, driver_and_url
from fanzha.delivery.api.pgpool import FairPool
from fanzha.delivery.errors import StoreError
from sqlalchemy.engine import Engine

log = logging.getLogger("fanzha.delivery.risk")

COLUMNS = (
    "check_id",
    "customer_id",
    "campaign_id",
    "version",
    "kind",
    "amount",
    "occurred_at",
    "decided_at",
    "rule_index",
    "rule",
    "warning_id",
    "variant",
    "segment",
    "holdout",
    "prompt_id",
    "would_be",
    "updated_at",
)
# Reason and response with prompts on, and with them off: the statement picks by preference.
CHOICES = ("on_reason", "on_response", "off_reason", "off_response")
# A check is answered once its row is committed, before the commit is flushed: waiting for the
# WAL flush of every batch would tie the answer to the disk's flushes, and a crash loses at most
# the last few hundred milliseconds of check records (never a decision the app is waiting for).
# The statements here only look rows up by key: a sequential scan is never the plan wanted,
# even when a table's statistics (a new or truncated risk_checks) make it look cheap. A
# statement that hangs (a lock held elsewhere) is cancelled: its checks answer 503 long after
# the app's deadline, but the checks queued behind it are not held up for ever.
SESSION = {
    "TimeZone": "UTC",
    "synchronous_commit": "off",
    "enable_seqscan": "off",
    "statement_timeout": "1s",
}
_CAST = {"amount": "float8", "rule_index": "int4", "holdout": "bool"}
_CAST |= {c: "timestamptz" for c in ("occurred_at", "decided_at", "updated_at")}
_NAMES = (*COLUMNS, *CHOICES)
_TYPES = ", ".join(f"{c} {_CAST.get(c, 'text')}" for c in _NAMES)
# $1: the batch as one JSON array of objects (encoded by orjson: about half the client CPU of
# an array parameter per column); the text is built from this module's constants only. Each
# preference and each earlier check is read by its key (a subquery per check; the stored
# answer only for an id that was there already): a join's plan could turn into a scan of the
# whole table as the tables grow or their statistics go stale.
SQL = f"""
WITH input AS (
  SELECT * FROM json_to_recordset($1::text::json) AS i({_TYPES})
), ins AS (
  INSERT INTO risk_checks ({", ".join(COLUMNS)}, reason, response)
  SELECT {", ".join(f"i.{c}" for c in COLUMNS)},
         CASE WHEN i.off THEN i.off_reason ELSE i.on_reason END,
         CASE WHEN i.off THEN i.off_response ELSE i.on_response END
  FROM (
    SELECT input.*,
           (SELECT p.risk_prompts_off FROM preferences p WHERE p.customer_id = input.customer_id)
             AS off
    FROM input
    OFFSET 0  -- read each preference once, not once per CASE
  ) i
  ON CONFLICT (check_id) DO NOTHING
  RETURNING check_id, response
)
SELECT i.check_id,
       coalesce(ins.response, (SELECT r.response FROM risk_checks r WHERE r.check_id = i.check_id))
FROM input i LEFT JOIN ins ON ins.check_id = i.check_id
"""  # noqa: S608
# A check another server process stored while this statement ran: its row, read afresh.
STORED_SQL = "SELECT check_id, response FROM risk_checks WHERE check_id = ANY($1::text[])"
MAX_BATCH = 256  # checks per statement: bounds its size and the wait behind a full one

Row = dict[str, Any]  # a check's COLUMNS and CHOICES


class RiskWriter:
    """Stores checks in batches over ``lanes`` async connections (PostgreSQL only)."""

    def __init__(self, engine: Engine, lanes: int = 2, driver: str = "auto") -> None:
        driver, self._url = driver_and_url(engine, driver, "risk")
        self.driver = driver
        opener = self._open_asyncpg if self.driver == "asyncpg" else self._open_psycopg
        self._lanes = lanes
        self._pool: FairPool[Any] = FairPool(opener, lanes)
        self._unavailable = _unavailable_errors(self.driver)
        self._failed = _driver_errors(self.driver)
        self._psycopg = {sql: _psycopg_sql(sql) for sql in (SQL, STORED_SQL)}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[Row, asyncio.Future[str]]] = []
        self._waiting: dict[str, asyncio.Future[str]] = {}  # check id → its answer to come
        self._running = 0
        self.fast_path_served = 0  # checks answered by risk_fast (below FastAPI's routing)
        self.batches = 0  # statements run: with ``checks``, proves checks were stored together
        self.checks = 0
        self.largest = 0

    async def _open_asyncpg(self) -> Any:
        import asyncpg

        try:
            return await asyncpg.connect(self._url, server_settings=SESSION)
        except (OSError, asyncpg.PostgresError) as exc:
            raise StoreError(f"cannot reach the store: {exc}") from exc

    async def _open_psycopg(self) -> Any:
        import psycopg

        try:
            conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
            await conn.execute("SET TIME ZONE 'UTC'")
            await conn.execute("SET synchronous_commit = off")
            await conn.execute("SET enable_seqscan = off")
            await conn.execute("SET statement_timeout = '1s'")
        except psycopg.Error as exc:
            raise StoreError(f"cannot reach the store: {exc}") from exc
        return conn

    async def record(
        self, values: dict[str, Any], on: tuple[str, str], off: tuple[str, str]
    ) -> str:
        """Store the check (reason and response by the preference); the response to send."""
        self._bind()
        check_id = values["check_id"]
        earlier = self._waiting.get(check_id)
        if earlier is not None:  # the same id in flight: one row, one answer for both
            return await asyncio.shield(earlier)
        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        answer.add_done_callback(_retrieved)  # nobody may be left to read a failure
        self._waiting[check_id] = answer
        row = values | dict(zip(CHOICES, (*on, *off), strict=True))
        self._pending.append((row, answer))
        if self._running < self._lanes:
            # A lane runs statements while checks wait; the checks that arrive meanwhile
            # queue for its next statement, so the batch grows with the load.
            self._running += 1
            asyncio.get_running_loop().create_task(self._drain())
        # Shielded: a request that goes away must not cancel the answer another request with
        # the same id is waiting for.
        return await asyncio.shield(answer)

    def _bind(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): the old one's state is gone
            self._loop, self._pending, self._waiting, self._running = loop, [], {}, 0

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                try:
                    await self._store(batch)
                finally:
                    for row, _ in batch:
                        self._waiting.pop(row["check_id"], None)
        finally:
            self._running -= 1

    async def _store(self, batch: list[tuple[Row, asyncio.Future[str]]]) -> None:
        """Run one batch's statement and answer each of its checks (or fail them: 503)."""
        try:
            payload = orjson.dumps([row for row, _ in batch]).decode("utf-8")
            found = await self._run(SQL, [payload])
            missing = [row["check_id"] for row, _ in batch if row["check_id"] not in found]
            if missing:
                found |= await self._run(STORED_SQL, [missing])
        except StoreError as exc:
            if len(batch) > 1 and isinstance(exc, _Refused):
                # One check the store refuses must not fail the others: store each alone.
                for item in batch:
                    await self._store([item])
                return
            _fail(batch, exc)
            return
        except Exception as exc:  # not expected: this batch answers 503, the lane goes on
            log.exception("risk checks not stored")
            _fail(batch, StoreError(f"store error: {type(exc).__name__}"))
            return
        except BaseException as exc:  # cancelled (the loop is closing)
            _fail(batch, StoreError(f"store error: {type(exc).__name__}"))
            raise
        self.batches += 1
        self.checks += len(batch)
        self.largest = max(self.largest, len(batch))
        for row, answer in batch:
            if answer.done():  # the request went away; its check is stored all the same
                continue
            if row["check_id"] in found:
                answer.set_result(found[row["check_id"]])
            else:  # not expected: the row exists or was just inserted
                answer.set_exception(StoreError("the check was neither stored nor found"))

    async def _run(self, sql: str, args: list[Any]) -> dict[str, str]:
        """``sql`` on a connection of the pool; check id → stored response."""
        conn = await self._pool.acquire()
        try:
            if self.driver == "asyncpg":
                rows = await conn.fetch(sql, *args)
            else:
                params = {f"p{i}": v for i, v in enumerate(args, start=1)}
                cursor = await conn.execute(self._psycopg[sql], params, prepare=True)
                rows = await cursor.fetchall()
        except self._unavailable as exc:
            self._pool.discard()
            await _close(conn)
            raise StoreError(f"store unavailable: {exc}") from exc
        except self._failed as exc:
            # Fail open: the bank's app goes on without a prompt on any 5xx, so any store
            # error is a 503 (and logged), never a 500 with a traceback.
            self._pool.release(conn)
            log.error("risk check not stored: %s", type(exc).__name__)
            raise _Refused(f"store error: {type(exc).__name__}") from exc
        except BaseException:
            self._pool.release(conn)
            raise
        self._pool.release(conn)
        return {str(r[0]): str(r[1]) for r in rows if r[1] is not None}

    async def close(self) -> None:
        """Close every idle connection (at shutdown)."""
        for conn in self._pool.take_idle():
            await _close(conn)


class _Refused(StoreError):
    """The store refused a statement (it is reachable): a batch's checks are tried alone."""


def _retrieved(answer: asyncio.Future[str]) -> None:
    if not answer.cancelled():
        answer.exception()


def _fail(batch: list[tuple[Row, asyncio.Future[str]]], exc: StoreError) -> None:
    for _, answer in batch:
        if not answer.done():
            answer.set_exception(exc)


def _psycopg_sql(sql: str) -> str:
    """``sql`` with psycopg's placeholder for its one parameter."""
    return sql.replace("$1", "%(p1)s")


def _driver_errors(driver: str) -> tuple[type[BaseException], ...]:
    """Every error the driver raises about a statement."""
    if driver == "psycopg":
        import psycopg

        return (psycopg.Error,)
    import asyncpg

    return (asyncpg.PostgresError, asyncpg.InterfaceError)


__all__ = ["SQL", "RiskWriter"]
