"""Risk checks on PostgreSQL in one round trip, over async connections (the hot path).

One statement reads the customer's ``risk_prompts`` preference, stores the check with the
decision that preference implies (``ON CONFLICT DO NOTHING``: idempotent by ``check_id``) and
answers the stored response, the new one or the earlier one for a repeated id. The caller
decides twice in memory (prompts on, prompts off); the statement picks. asyncpg when it is
installed, as the feed's reader; a connection that fails is dropped and the request answers
503 (``StoreError``).
"""

from __future__ import annotations

import logging
from typing import Any

from fanzha.delivery.api.pgasync import _close, _unavailable_errors
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
_N = len(COLUMNS)
# A check is answered before its row is durable: waiting for the WAL flush of every check
# would cap the checks per second at the disk's flushes, and a crash loses at most the last
# few hundred milliseconds of check records (never a decision the app is waiting for).
SESSION = {"TimeZone": "UTC", "synchronous_commit": "off"}
_CAST = {"amount": "float8", "rule_index": "int4", "holdout": "bool"}
_CAST |= {c: "timestamptz" for c in ("occurred_at", "decided_at", "updated_at")}
_PARAMS = ", ".join(f"${i}::{_CAST.get(c, 'text')}" for i, c in enumerate(COLUMNS, start=1))
# $1..$N the shared columns; then reason and response with prompts on, and with them off.
# Built from this module's constants only; every value is a bound parameter.
SQL = f"""
WITH pref AS (
  SELECT coalesce(
    (SELECT risk_prompts_off FROM preferences WHERE customer_id = $2::text), false
  ) AS off
), ins AS (
  INSERT INTO risk_checks ({", ".join(COLUMNS)}, reason, response)
  SELECT {_PARAMS},
         CASE WHEN pref.off THEN ${_N + 3}::text ELSE ${_N + 1}::text END,
         CASE WHEN pref.off THEN ${_N + 4}::text ELSE ${_N + 2}::text END
  FROM pref
  ON CONFLICT (check_id) DO NOTHING
  RETURNING response
)
SELECT response FROM ins
UNION ALL
SELECT response FROM risk_checks WHERE check_id = $1::text AND NOT EXISTS (SELECT 1 FROM ins)
"""  # noqa: S608


class RiskWriter:
    """Stores checks over a small fair pool of async connections (PostgreSQL only)."""

    def __init__(self, engine: Engine, size: int = 8) -> None:
        import importlib.util

        self.driver = "asyncpg" if importlib.util.find_spec("asyncpg") else "psycopg"
        self._url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        opener = self._open_asyncpg if self.driver == "asyncpg" else self._open_psycopg
        self._pool: FairPool[Any] = FairPool(opener, size)
        self._unavailable = _unavailable_errors(self.driver)
        self._failed = _driver_errors(self.driver)
        self.fast_path_served = 0  # checks answered by risk_fast (below FastAPI's routing)
        self._psycopg_sql = SQL
        for i in range(_N + 4, 0, -1):  # psycopg's placeholders, highest first ($12 before $1)
            self._psycopg_sql = self._psycopg_sql.replace(f"${i}", f"%(p{i})s")

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
        except psycopg.Error as exc:
            raise StoreError(f"cannot reach the store: {exc}") from exc
        return conn

    async def record(
        self, values: dict[str, Any], on: tuple[str, str], off: tuple[str, str]
    ) -> str:
        """Store the check (reason and response by the preference); the response to send."""
        args = [values[c] for c in COLUMNS] + [on[0], on[1], off[0], off[1]]
        conn = await self._pool.acquire()
        try:
            if self.driver == "asyncpg":
                row = await conn.fetchrow(SQL, *args)
            else:
                params = {f"p{i}": v for i, v in enumerate(args, start=1)}
                cursor = await conn.execute(self._psycopg_sql, params, prepare=True)
                row = await cursor.fetchone()
        except self._unavailable as exc:
            self._pool.discard()
            await _close(conn)
            raise StoreError(f"store unavailable: {exc}") from exc
        except self._failed as exc:
            # Fail open: the bank's app goes on without a prompt on any 5xx, so any store
            # error is a 503 (and logged), never a 500 with a traceback.
            self._pool.release(conn)
            log.error("risk check not stored: %s", type(exc).__name__)
            raise StoreError(f"store error: {type(exc).__name__}") from exc
        except BaseException:
            self._pool.release(conn)
            raise
        self._pool.release(conn)
        if row is None:  # not expected: the row exists or was just inserted
            raise StoreError("the check was neither stored nor found")
        return str(row[0])

    async def close(self) -> None:
        """Close every idle connection (at shutdown)."""
        for conn in self._pool.take_idle():
            await _close(conn)


def _driver_errors(driver: str) -> tuple[type[BaseException], ...]:
    """Every error the driver raises about a statement."""
    if driver == "psycopg":
        import psycopg

        return (psycopg.Error,)
    import asyncpg

    return (asyncpg.PostgresError, asyncpg.InterfaceError)


__all__ = ["SQL", "RiskWriter"]
