"""Recalling a warning found wrong after it went out: out of every feed, pending sends cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from fanzha.delivery.api.cancel import cancel_messages
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import FEED, PUSH, FeedItem, Message, table_of
from sqlalchemy.engine import Engine

_items = table_of(FeedItem)
_messages = table_of(Message)


@dataclass(frozen=True)
class RecallResult:
    """What a recall changed: feed items hidden, pending pushes and feed messages cancelled."""

    feed_items_hidden: int
    pushes_cancelled: int
    feed_messages_cancelled: int = 0


def recall_warning(engine: Engine, warning_id: str, now: datetime) -> RecallResult:
    """Withdraw ``warning_id``: hide its feed items everywhere and cancel its pending messages."""
    with engine.begin() as conn:
        hidden = conn.execute(
            sa.update(_items)
            .where(_items.c.warning_id == warning_id, _items.c.recalled_at.is_(None))
            .values(recalled_at=to_db(now))
        ).rowcount
        counts = cancel_messages(conn, [_messages.c.warning_id == warning_id], "recalled", now)
    return RecallResult(
        feed_items_hidden=hidden,
        pushes_cancelled=counts.get(PUSH, 0),
        feed_messages_cancelled=counts.get(FEED, 0),
    )
