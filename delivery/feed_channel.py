"""The feed channel: a delivered feed message is a FeedItem row, written idempotently."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import FeedItem, table_of
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

_feed = table_of(FeedItem)


class FeedChannel:
    """Writes feed items in the dispatcher's transaction; the feed item id is the message id."""

    name = "feed"

    def __init__(self, ttl: timedelta | None = None) -> None:
        self.ttl = ttl

    def write(self, conn: Connection, rows: pd.DataFrame, now: datetime) -> None:
        """Insert a feed item per message; one already written is left as it is."""
        if rows.empty:
            return
        stamp = to_db(now)
        expires = to_db(now + self.ttl) if self.ttl else None
        items = [
            {
                "id": r.id,
                "message_id": r.id,
                "customer_id": r.customer_id,
                "campaign_id": r.campaign_id,
                "warning_id": r.warning_id,
                "variant": r.variant,
                "title": r.title,
                "body": r.body,
                "image_key": r.image_key,
                "alt_text": r.alt_text,
                "created_at": stamp,
                "expires_at": expires,
            }
            for r in rows.itertuples(index=False)
        ]
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(_feed).on_conflict_do_nothing()
        conn.execute(stmt, items)
