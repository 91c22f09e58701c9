"""Leases instead of a ``claimed`` state: a claim changes no indexed column.

Revision ID: 0008_h19disp_leases
Revises: 0007_j_risk_checks
Create Date: 2026-11-30

A dispatcher used to claim a message by setting ``state = 'claimed'``; ``state`` is keyed or
filtered on by three of the table's indexes, so every claim wrote a new entry in each of the
six. Now a leased message stays ``pending`` and only ``claimed_by``/``lease_until`` (in no
index) say a dispatcher holds it: on PostgreSQL the claim is a HOT update, which needs free
space on the row's page, so inserts fill only ``FILLFACTOR`` percent of a page and leave the
rest for the claims' row versions (a batch claims whole pages at once; existing pages get the
room as they are rewritten, ``VACUUM FULL`` or ``pg_repack`` gives it to all at once). Rows a running dispatcher had claimed go back to ``pending`` with their lease,
which the next claim takes over once it runs out.
"""

from __future__ import annotations

from alembic import op

revision = "0008_h19disp_leases"
down_revision = "0007_j_risk_checks"
branch_labels = None
depends_on = None

FILLFACTOR = 50  # models.MESSAGES_FILLFACTOR when this was written


def upgrade() -> None:
    """Apply this revision."""
    op.execute("UPDATE messages SET state = 'pending' WHERE state = 'claimed'")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE messages SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    """Undo this revision: leased messages are ``claimed`` again."""
    op.execute(
        "UPDATE messages SET state = 'claimed' WHERE state = 'pending' AND claimed_by IS NOT NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE messages RESET (fillfactor)")
