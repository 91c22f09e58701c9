"""Cooling-off reminders in the outbox: their wave, and cancelling them once the loan is repaid.

A reminder is an ordinary message of wave ``cooling:<first_loan event id>``; a ``loan_repaid``
event cancels the customer's reminders that have not gone out (reason ``loan_repaid``), with
a ``cancelled`` delivery event each, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import CANCELLED, HELD, PENDING, DeliveryEvent, Message, table_of
from sqlalchemy.engine import Engine

WAVE_PREFIX = "cooling:"
REPAID = "loan_repaid"

_messages = table_of(Message)
_events = table_of(DeliveryEvent)


def reminder_wave(event_id: str) -> str:
    """The outbox wave of the reminder that follows a first-loan event."""
    return WAVE_PREFIX + event_id


def cancel_reminders(engine: Engine, customer_ids: Sequence[str], now: datetime) -> int:
    """Cancel these customers' unsent cooling-off reminders; how many were cancelled."""
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        return 0
    stamp = to_db(now)
    cancelled = 0
    with engine.begin() as conn:
        for start in range(0, len(ids), 500):  # under every driver's parameter limit
            rows = conn.execute(
                sa.update(_messages)
                .where(
                    _messages.c.customer_id.in_(ids[start : start + 500]),
                    _messages.c.wave.startswith(WAVE_PREFIX),
                    _messages.c.state.in_((PENDING, HELD)),
                    _messages.c.claimed_by.is_(None),  # not leased to a dispatcher
                )
                .values(state=CANCELLED, reason=REPAID, updated_at=stamp)
                .returning(_messages.c.id, _messages.c.campaign_id, _messages.c.customer_id)
            ).all()
            if rows:
                conn.execute(
                    sa.insert(_events),
                    [
                        {
                            "message_id": r.id,
                            "campaign_id": r.campaign_id,
                            "customer_id": r.customer_id,
                            "kind": CANCELLED,
                            "at": stamp,
                            "detail": REPAID,
                        }
                        for r in rows
                    ],
                )
            cancelled += len(rows)
    return cancelled


__all__ = ["REPAID", "WAVE_PREFIX", "cancel_reminders", "reminder_wave"]
