"""Opening the store: an engine for a URL and schema creation. Nothing is built at import."""

from __future__ import annotations

from fanzha.delivery import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from fanzha.delivery.errors import StoreError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine


def open_engine(url: str) -> Engine:
    """An engine for ``url`` (``sqlite:///fanzha.db`` or ``postgresql+psycopg://…``)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except Exception as exc:  # any driver error becomes one clear message
        raise StoreError(f"cannot open store {url!r}: {exc}") from exc
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets the feed API read while a dispatcher writes; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_db(engine: Engine) -> None:
    """Create the schema, or upgrade it to the newest revision (Alembic migrations)."""
    from fanzha.delivery.migrate import upgrade  # Alembic is only loaded when a schema is touched

    upgrade(engine)
