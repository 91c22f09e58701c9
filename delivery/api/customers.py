"""Whether the store knows a customer (``fanzha token`` refuses ids it has never seen)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# The columns this check reads, as light table clauses: `fanzha token` need not build the
# SQLModel models (tests/delivery check they name the models' tables and columns).
_assignments = sa.table("assignments", sa.column("campaign_id"), sa.column("customer_id"))
_versions = sa.table("campaign_versions", sa.column("campaign_id"))
_messages = sa.table("messages", sa.column("customer_id"))
_items = sa.table("feed_items", sa.column("customer_id"))


def customer_known(engine: Engine, customer_id: str) -> bool:
    """True when a campaign assigned the customer, or a message or feed item names them."""
    # Each test uses an index led by customer_id, or the assignments key per campaign.
    tests = [
        sa.select(sa.literal(1)).where(
            _assignments.c.campaign_id.in_(sa.select(_versions.c.campaign_id).distinct()),
            _assignments.c.customer_id == customer_id,
        ),
        sa.select(sa.literal(1)).where(_messages.c.customer_id == customer_id),
        sa.select(sa.literal(1)).where(_items.c.customer_id == customer_id),
    ]
    with engine.connect() as conn:
        return any(conn.execute(test.limit(1)).first() is not None for test in tests)
