"""App events keep why no notice came of them (``failed_reason``) and their loan (``loan_id``).

Revision ID: 0004_a1_event_failures
Revises: 0003_a2_live_message_key
Create Date: 2026-11-30

An event whose warning is unavailable (expired, none approved) is marked processed with
the reason, so it is neither retried forever nor silently dropped; ``fanzha report`` counts
them. A first_loan event may name its loan: the same loan under a new event id brings no
second notice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_a1_event_failures"
down_revision = "0003_a2_live_message_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("app_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("loan_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("app_events", schema=None) as batch_op:
        batch_op.drop_column("loan_id")
        batch_op.drop_column("failed_reason")
