"""Experiments: the arm on every message, imported outcomes, and experiment events.

Revision ID: 0006_m_arms
Revises: 0003_a2_live_message_key
Create Date: 2026-11-30

``messages.experiment_id``/``arm`` record which experiment arm a message was sent under (empty
when none); ``outcomes`` holds what ``fanzha outcomes import`` read, one row per (customer,
date, metric), so importing a file twice changes nothing; ``experiment_events`` keeps every
bandit re-weighting (and the global control group's epochs) for the report's history.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_m_arms"
down_revision = "0005_k_feed_covering"
branch_labels = None
depends_on = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("experiment_id", _STR(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("arm", _STR(length=64), nullable=False, server_default=""))
    op.create_table(
        "outcomes",
        sa.Column("customer_id", _STR(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", _STR(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "day", "metric"),
    )
    op.create_index("ix_outcomes_metric_day", "outcomes", ["metric", "day"], unique=False)
    op.create_table(
        "experiment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", _STR(length=64), nullable=False),
        sa.Column("experiment_id", _STR(length=64), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", _STR(length=32), nullable=False),
        sa.Column("payload", _STR(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_experiment_events_key",
        "experiment_events",
        ["campaign_id", "experiment_id", "wave"],
        unique=False,
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_experiment_events_key", table_name="experiment_events")
    op.drop_table("experiment_events")
    op.drop_index("ix_outcomes_metric_day", table_name="outcomes")
    op.drop_table("outcomes")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("arm")
        batch_op.drop_column("experiment_id")
