"""One-off reads through the database's own driver (sqlite3, psycopg), without SQLAlchemy.

For commands that must start in a blink (``fanzha token``): SQLAlchemy alone takes longer to
import than the read. A URL neither driver takes returns None, and the caller uses an engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["NoTables", "customer_known"]

# The same three tests as ``delivery.api.customers.customer_known``, each on an index led by
# customer_id (or the assignments key per campaign); tests/delivery check both agree.
_KNOWN = (
    "SELECT 1 FROM assignments WHERE campaign_id IN "
    "(SELECT DISTINCT campaign_id FROM campaign_versions) AND customer_id = {p} LIMIT 1",
    "SELECT 1 FROM messages WHERE customer_id = {p} LIMIT 1",
    "SELECT 1 FROM feed_items WHERE customer_id = {p} LIMIT 1",
)


class NoTables(Exception):
    """The store does not exist, or lacks the tables read."""


def _sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:///FILE`` URL; None for other URLs (or ``:memory:``)."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            path = url.removeprefix(prefix).split("?")[0]
            return path if path and path != ":memory:" else None
    return None


def _postgres_dsn(url: str) -> str | None:
    """A libpq URI for a ``postgresql://`` (or ``+psycopg``) URL; None for other URLs."""
    for prefix in ("postgresql://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql://" + url.removeprefix(prefix)
    return None


def _connect(url: str) -> tuple[Any, str] | None:
    """A DB-API connection and its parameter marker; None when the URL is for neither driver."""
    path = _sqlite_path(url)
    if path is not None:
        import sqlite3

        if not Path(path).is_file():
            raise NoTables(path)  # connecting would create an empty file
        uri = Path(path).resolve().as_uri() + "?mode=ro"  # read-only: never writes
        return sqlite3.connect(uri, uri=True, timeout=30), "?"
    dsn = _postgres_dsn(url)
    if dsn is not None:
        import psycopg

        return psycopg.connect(dsn, autocommit=True), "%s"
    return None


def customer_known(url: str, customer_id: str) -> bool | None:
    """Whether a campaign assigned the customer, or a message or feed item names them.

    None when the URL is not a SQLite file or PostgreSQL; ``NoTables`` when there is no store.
    """
    import contextlib

    try:
        opened = _connect(url)
    except NoTables:
        raise
    except Exception as exc:  # the driver's own error types: one clear class for callers
        raise NoTables(str(exc)) from None
    if opened is None:
        return None
    conn, marker = opened
    try:
        cursor = conn.cursor()
        for query in _KNOWN:
            cursor.execute(query.format(p=marker), (customer_id,))
            if cursor.fetchone() is not None:
                return True
        return False
    except Exception as exc:  # a missing table or an unreachable server: no store to ask
        raise NoTables(str(exc)) from None
    finally:
        with contextlib.suppress(Exception):
            conn.close()
