"""Cancelling open messages that have not been handed to a gateway yet, with their events."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import CANCELLED, HELD, PENDING, DeliveryEvent, Message, table_of
from sqlalchemy.engine import Connection

# Leased messages (pending with ``claimed_by`` set) are in a dispatcher's hands right now;
# only the dispatcher may end them.
CANCELLABLE_STATES = (PENDING, HELD)

_messages = table_of(Message)
_events = table_of(DeliveryEvent)


def cancel_messages(
    conn: Connection, conditions: list[sa.ColumnElement[bool]], reason: str, now: datetime
) -> dict[str, int]:
    """Cancel pending/held messages matching ``conditions``; counts per channel."""
    stamp = to_db(now)
    # UPDATE … RETURNING names exactly the rows this statement changed, so the events
    # written below can never disagree with the states, even while a dispatcher claims rows.
    rows = conn.execute(
        sa.update(_messages)
        .where(
            _messages.c.state.in_(CANCELLABLE_STATES),
            _messages.c.claimed_by.is_(None),
            *conditions,
        )
        .values(state=CANCELLED, reason=reason, updated_at=stamp)
        .returning(
            _messages.c.id, _messages.c.campaign_id, _messages.c.customer_id, _messages.c.channel
        )
    ).all()
    if rows:
        conn.execute(
            sa.insert(_events),
            [
                {
                    "message_id": row.id,
                    "campaign_id": row.campaign_id,
                    "customer_id": row.customer_id,
                    "kind": CANCELLED,
                    "at": stamp,
                    "detail": reason,
                }
                for row in rows
            ],
        )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.channel] = counts.get(row.channel, 0) + 1
    return counts
