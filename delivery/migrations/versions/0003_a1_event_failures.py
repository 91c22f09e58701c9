"""App events that could not become a notice keep the reason (``failed_reason``).

Revision ID: 0003_a1_event_failures
Revises: 0002_b_feed_indexes
Create Date: 2026-11-30

An event whose warning is unavailable (expired, none approved) is marked processed with
the reason, so it is neither retried forever nor silently dropped; ``fanzha report`` counts
them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_a1_event_failures"
down_revision = "0002_b_feed_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("app_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("app_events", schema=None) as batch_op:
        batch_op.drop_column("failed_reason")
