"""Feed indexes: the partial index that answers a customer's unread count alone.

Revision ID: 0002_b_feed_indexes
Revises: 0001
Create Date: 2026-11-30

Until this revision the feed API created the index itself at start-up; ``if_not_exists``
takes over a store where it already exists. ``expires_at`` is a key column so PostgreSQL
answers the count with an index-only scan.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_b_feed_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

UNREAD = "read_at IS NULL AND dismissed_at IS NULL AND recalled_at IS NULL"


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(
        "ix_feed_unread_cover",
        "feed_items",
        ["customer_id", "created_at", "expires_at"],
        unique=False,
        postgresql_where=sa.text(UNREAD),
        sqlite_where=sa.text(UNREAD),
        if_not_exists=True,
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_feed_unread_cover", table_name="feed_items", if_exists=True)
