"""Risk prompts: rulesets and customer profiles as campaigns run them, checks and outcomes.

Revision ID: 0007_j_risk_checks
Revises: 0002_b_feed_indexes
Create Date: 2026-11-30

``preferences.risk_prompts_off`` is the customer's refusal of risk prompts (default: shown).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_j_risk_checks"
down_revision = "0006_m_arms"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("risk_prompts_off", sa.Boolean(), nullable=False, server_default="0")
        )
    op.create_table(
        "risk_rulesets",
        sa.Column("campaign_id", _S(length=64), nullable=False),
        sa.Column("version", _S(length=64), nullable=False),
        sa.Column("locale", _S(length=16), nullable=False),
        sa.Column("holdout_pct", sa.Float(), nullable=False),
        sa.Column("rules", _S(), nullable=False),
        sa.Column("prompts", _S(), nullable=False),
        sa.Column("labels", _S(), nullable=False),
        sa.Column("columns", _S(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _T(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "risk_profiles",
        sa.Column("campaign_id", _S(length=64), nullable=False),
        sa.Column("customer_id", _S(length=64), nullable=False),
        sa.Column("segment", _S(length=64), nullable=False),
        sa.Column("holdout", sa.Boolean(), nullable=False),
        sa.Column("locale", _S(length=16), nullable=False),
        sa.Column("large_text", sa.Boolean(), nullable=False),
        sa.Column("facts", _S(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "customer_id"),
    )
    op.create_table(
        "risk_checks",
        sa.Column("check_id", _S(length=128), nullable=False),
        sa.Column("customer_id", _S(length=64), nullable=False),
        sa.Column("campaign_id", _S(length=64), nullable=False),
        sa.Column("version", _S(length=64), nullable=False),
        sa.Column("kind", _S(length=32), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("occurred_at", _T(), nullable=True),
        sa.Column("decided_at", _T(), nullable=False),
        sa.Column("reason", _S(length=32), nullable=False),
        sa.Column("rule_index", sa.Integer(), nullable=True),
        sa.Column("rule", _S(length=2000), nullable=False),
        sa.Column("warning_id", _S(length=64), nullable=False),
        sa.Column("variant", _S(length=16), nullable=False),
        sa.Column("segment", _S(length=64), nullable=False),
        sa.Column("holdout", sa.Boolean(), nullable=False),
        sa.Column("prompt_id", _S(length=40), nullable=True),
        sa.Column("response", _S(), nullable=False),
        sa.Column("would_be", _S(), nullable=False),
        sa.Column("action", _S(length=16), nullable=True),
        sa.Column("transfer", _S(length=16), nullable=True),
        sa.Column("fraud_reported", sa.Boolean(), nullable=True),
        sa.Column("action_at", _T(), nullable=True),
        sa.Column("transfer_at", _T(), nullable=True),
        sa.Column("fraud_at", _T(), nullable=True),
        sa.Column("updated_at", _T(), nullable=False),
        sa.PrimaryKeyConstraint("check_id"),
        sa.UniqueConstraint("prompt_id"),
    )
    op.create_index("ix_risk_checks_customer_id", "risk_checks", ["customer_id"], unique=False)
    op.create_index(
        "ix_risk_checks_campaign", "risk_checks", ["campaign_id", "decided_at"], unique=False
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_risk_checks_campaign", table_name="risk_checks")
    op.drop_index("ix_risk_checks_customer_id", table_name="risk_checks")
    op.drop_table("risk_checks")
    op.drop_table("risk_profiles")
    op.drop_table("risk_rulesets")
    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.drop_column("risk_prompts_off")
