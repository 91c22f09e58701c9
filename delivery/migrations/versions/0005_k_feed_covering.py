"""Feed page covering index: a page of the feed read from the index alone (PostgreSQL).

Revision ID: 0005_k_feed_covering
Revises: 0002_b_feed_indexes
Create Date: 2026-11-30

A page read 21 rows from 21 heap pages scattered over the table (items of one customer
arrive one wave at a time). ``ix_feed_page_cover`` keys the visible items by
``(customer_id, created_at, id)`` and INCLUDEs every column the page returns, so the page
is an index-only scan over one or two leaf pages. A btree entry holds at most ~2.7 kB, so
the index covers items whose title, body and alt text fit in ``COVER_BYTES``;
``ix_feed_page_oversize`` keys the rest (usually none), and the page statement reads both
(``delivery.api.page``). The unread count stays on ``ix_feed_unread_cover`` (index-only).
SQLite has no INCLUDE and reads pages through ``ix_feed_customer_created``: nothing here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_k_feed_covering"
down_revision = "0004_a1_event_failures"
branch_labels = None
depends_on = None

COVER_BYTES = 2000  # title + body + alt text; the rest of an entry stays below ~400 bytes
VISIBLE = "dismissed_at IS NULL AND recalled_at IS NULL"
SIZE = "octet_length(title) + octet_length(body) + octet_length(alt_text)"
PAGE_COLUMNS = ["expires_at", "read_at", "title", "body", "image_key", "alt_text", "warning_id"]


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_feed_page_cover",
        "feed_items",
        ["customer_id", "created_at", "id"],
        postgresql_include=PAGE_COLUMNS,
        postgresql_where=sa.text(f"{VISIBLE} AND {SIZE} <= {COVER_BYTES}"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_feed_page_oversize",
        "feed_items",
        ["customer_id", "created_at", "id"],
        postgresql_where=sa.text(f"{VISIBLE} AND {SIZE} > {COVER_BYTES}"),
        if_not_exists=True,
    )


def downgrade() -> None:
    """Undo this revision."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_feed_page_oversize", table_name="feed_items", if_exists=True)
    op.drop_index("ix_feed_page_cover", table_name="feed_items", if_exists=True)
