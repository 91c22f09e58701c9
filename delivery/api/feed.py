"""Marking a customer's feed items read or dismissed, as plain engine functions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from fanzha.delivery.api.errors import MessageNotFound
from fanzha.delivery.api.page import COLUMNS, FeedEntry, entry_of
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import DeliveryEvent, FeedItem, table_of
from sqlalchemy.engine import Connection, Engine

_items = table_of(FeedItem)
_events = table_of(DeliveryEvent)


def _entry(row: sa.Row) -> FeedEntry:
    return entry_of((None, *row[: len(COLUMNS)]))


def _find(conn: Connection, customer_id: str, item_id: str) -> sa.Row:
    # Another customer's item and a recalled one answer exactly like a missing one.
    row = conn.execute(
        sa.select(*COLUMNS, _items.c.message_id, _items.c.campaign_id).where(
            _items.c.id == item_id,
            _items.c.customer_id == customer_id,
            _items.c.recalled_at.is_(None),
        )
    ).first()
    if row is None:
        raise MessageNotFound(f"no feed item {item_id!r}")
    return row


def _mark(engine: Engine, customer_id: str, item_id: str, column: str, now: datetime) -> FeedEntry:
    """Set ``column`` once (idempotent) and record the funnel event the first time."""
    kind = {"read_at": "read", "dismissed_at": "dismissed"}[column]
    with engine.begin() as conn:
        row = _find(conn, customer_id, item_id)
        changed = conn.execute(
            sa.update(_items)
            .where(_items.c.id == item_id, _items.c[column].is_(None))
            .values({column: to_db(now)})
        ).rowcount
        if changed:
            conn.execute(
                sa.insert(_events).values(
                    message_id=row.message_id,
                    campaign_id=row.campaign_id,
                    customer_id=customer_id,
                    kind=kind,
                    at=to_db(now),
                    detail=f"feed_item={item_id}",
                )
            )
        fresh = conn.execute(sa.select(*COLUMNS).where(_items.c.id == item_id)).one()
    return _entry(fresh)


def mark_read(engine: Engine, customer_id: str, item_id: str, now: datetime) -> FeedEntry:
    """Mark the customer's item read (the first read time is kept)."""
    return _mark(engine, customer_id, item_id, "read_at", now)


def dismiss_item(engine: Engine, customer_id: str, item_id: str, now: datetime) -> FeedEntry:
    """Dismiss the customer's item: it leaves the feed (idempotent)."""
    return _mark(engine, customer_id, item_id, "dismissed_at", now)
