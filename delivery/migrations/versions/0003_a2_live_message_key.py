"""One live message per key: superseded rows step aside instead of being deleted.

Revision ID: 0003_a2_live_message_key
Revises: 0002_b_feed_indexes
Create Date: 2026-11-30

A new campaign version marks the old version's untried pending messages ``superseded`` and
enqueues its own for the same waves. The key (campaign, customer, wave, channel) therefore
stays unique only among rows that are not superseded: a partial unique index replaces the
table-wide constraint. ``ix_messages_campaign`` serves the per-campaign reads the constraint's
index used to serve (a partial index cannot).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_a2_live_message_key"
down_revision = "0002_b_feed_indexes"
branch_labels = None
depends_on = None

KEY = ["campaign_id", "customer_id", "wave", "channel"]
LIVE = "state <> 'superseded'"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_message_key", type_="unique")
    op.create_index(
        "uq_messages_live_key",
        "messages",
        KEY,
        unique=True,
        postgresql_where=sa.text(LIVE),
        sqlite_where=sa.text(LIVE),
    )
    op.create_index("ix_messages_campaign", "messages", ["campaign_id", "state"], unique=False)


def downgrade() -> None:
    """Undo this revision (superseded rows go: the old constraint cannot hold them)."""
    op.drop_index("ix_messages_campaign", table_name="messages")
    op.drop_index("uq_messages_live_key", table_name="messages")
    op.execute("DELETE FROM messages WHERE state = 'superseded'")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_message_key", KEY)
