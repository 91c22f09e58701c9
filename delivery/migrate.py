"""Schema creation and upgrades: Alembic, driven from code (no alembic.ini at runtime)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from fanzha.delivery import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from fanzha.delivery.errors import StoreError
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection: object | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store's schema up to ``revision`` (the newest by default)."""
    try:
        with engine.begin() as conn:
            command.upgrade(_config(conn), revision)
    except Exception as exc:
        raise StoreError(f"cannot upgrade the store schema: {exc}") from exc


def downgrade(engine: Engine, revision: str) -> None:
    """Take the store's schema back to ``revision`` (``base`` drops everything)."""
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_drift(engine: Engine) -> list[object]:
    """Differences between the migrated schema and the models (empty when they agree)."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, SQLModel.metadata)
    # APScheduler keeps its job table in the same database; it is not ours to migrate.
    return [
        d
        for d in diffs
        if "apscheduler_jobs" not in repr(d) and not _other_dialect(d, engine.dialect.name)
    ]


def _other_dialect(diff: object, dialect: str) -> bool:
    """An index the models declare for another dialect only (``Index.ddl_if``) is no drift."""
    if not isinstance(diff, tuple) or diff[0] != "add_index":
        return False
    index = diff[1]
    table = SQLModel.metadata.tables.get(index.table.name)  # the diff holds a copy
    declared = {i.name: i for i in table.indexes} if table is not None else {}
    only = getattr(declared.get(index.name), "_ddl_if", None)
    return only is not None and only.dialect is not None and only.dialect != dialect


def head_revision() -> str | None:
    """The newest revision the migrations define (what ``upgrade`` brings a store to)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()
