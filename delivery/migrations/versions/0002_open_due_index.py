"""Partial index on open messages by due time, for claims on a large outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN = sa.text("state IN ('pending', 'claimed')")


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(
        "ix_messages_open_due",
        "messages",
        ["due_at"],
        unique=False,
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_messages_open_due", table_name="messages")
