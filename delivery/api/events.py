"""App events (moments of risk) reported by the bank's backend, and their hand-off to triggers.

The API stores each event once (``event_id`` is the idempotency key). The campaigns trigger
processor polls :func:`pending_events`, turns them into messages and then calls
:func:`mark_events_processed`; the mark is conditional, so two processors that read the same
event learn which of them actually processed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from fanzha.delivery.api._sql import insert_ignore
from fanzha.delivery.clock import from_db, to_db
from fanzha.delivery.models import AppEvent
from sqlalchemy.engine import Engine

EVENT_KINDS = ("first_loan", "new_payee", "large_transfer", "loan_repaid")

_events = AppEvent.__table__


@dataclass(frozen=True)
class PendingEvent:
    """An app event not yet processed (datetimes aware UTC)."""

    event_id: str
    customer_id: str
    kind: str
    occurred_at: datetime
    received_at: datetime
    loan_id: str | None = None  # first_loan: one notice per loan, whatever the event id


def record_event(
    engine: Engine,
    *,
    event_id: str,
    customer_id: str,
    kind: str,
    occurred_at: datetime,
    now: datetime,
    loan_id: str | None = None,
) -> bool:
    """Store an app event; False when ``event_id`` was already stored (the new one is ignored)."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}; expected one of {EVENT_KINDS}")
    values = {
        "event_id": event_id,
        "customer_id": customer_id,
        "kind": kind,
        "occurred_at": to_db(occurred_at),
        "received_at": to_db(now),
        "processed_at": None,
        "loan_id": loan_id,
    }
    with engine.begin() as conn:
        return insert_ignore(conn, _events, values)


def pending_events(engine: Engine, limit: int, now: datetime) -> list[PendingEvent]:
    """Up to ``limit`` unprocessed events received by ``now``, oldest occurrence first."""
    query = (
        sa.select(_events)
        .where(_events.c.processed_at.is_(None), _events.c.received_at <= to_db(now))
        .order_by(_events.c.occurred_at, _events.c.event_id)
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        PendingEvent(
            event_id=row.event_id,
            customer_id=row.customer_id,
            kind=row.kind,
            occurred_at=from_db(row.occurred_at),  # type: ignore[arg-type]
            received_at=from_db(row.received_at),  # type: ignore[arg-type]
            loan_id=row.loan_id,
        )
        for row in rows
    ]


def mark_events_processed(engine: Engine, event_ids: Iterable[str], now: datetime) -> int:
    """Mark events processed; returns how many were still pending (others are left as they were)."""
    ids = list(dict.fromkeys(event_ids))
    if not ids:
        return 0
    marked = 0
    with engine.begin() as conn:
        # Chunks keep the IN list under every driver's parameter limit.
        for start in range(0, len(ids), 500):
            marked += conn.execute(
                sa.update(_events)
                .where(
                    _events.c.event_id.in_(ids[start : start + 500]),
                    _events.c.processed_at.is_(None),
                )
                .values(processed_at=to_db(now))
            ).rowcount
    return marked
