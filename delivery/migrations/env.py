"""Alembic environment: runs on the connection ``delivery.migrate.upgrade`` hands over."""

from __future__ import annotations

from alembic import context
from fanzha.delivery import models  # noqa: F401  (registers the tables for autogenerate)
from sqlmodel import SQLModel

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Migrate on the connection passed in ``config.attributes['connection']``."""
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
