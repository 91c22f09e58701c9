"""Small SQL helpers shared by the API's store functions (dialect differences live here)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_ignore(conn: Connection, table: sa.Table, values: dict[str, Any]) -> bool:
    """Insert ``values`` unless the primary key exists; True when a row was added."""
    # ON CONFLICT DO NOTHING is atomic under concurrency, unlike select-then-insert.
    dialect = conn.dialect.name
    stmt: sa.Insert
    if dialect == "postgresql":
        stmt = postgresql.insert(table).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - fanzha supports SQLite and PostgreSQL only
        raise NotImplementedError(f"unsupported database {dialect!r}")
    # RETURNING rather than rowcount: psycopg reports -1 for INSERT … ON CONFLICT.
    key = next(iter(table.primary_key.columns))
    return conn.execute(stmt.returning(key)).first() is not None


def upsert(conn: Connection, table: sa.Table, values: dict[str, Any], key: str) -> None:
    """Insert ``values`` or overwrite the row with the same ``key``."""
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = module.insert(table).values(values)
    update = {k: stmt.excluded[k] for k in values if k != key}
    conn.execute(stmt.on_conflict_do_update(index_elements=[key], set_=update))
