"""Whether the store knows a customer (``fanzha token`` refuses ids it has never seen)."""

from __future__ import annotations

import sqlalchemy as sa
from fanzha.delivery.models import Assignment, CampaignVersion, FeedItem, Message
from sqlalchemy.engine import Engine

_assignments = Assignment.__table__
_versions = CampaignVersion.__table__
_messages = Message.__table__
_items = FeedItem.__table__


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
