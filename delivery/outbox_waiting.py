"""What waits in the outbox for a dispatcher: due messages, and the next time to look.

The dispatch loop asks after every pass, and every poll while idle, so each question is an
ordered walk of ``ix_messages_state_due`` that stops early, never a scan of the outbox: the
count and the minimum over every pending message that it asked before took a sequential
scan of the table each time (18 ms at 50,000 messages, per worker and poll).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from fanzha.delivery.clock import from_db, to_db
from fanzha.delivery.models import FEED, PENDING, PUSH, Message, table_of
from sqlalchemy.engine import Engine

_m = table_of(Message)
WALK = 1000  # rows read in due order before next_ready asks for the exact minimum


def _mine(pushes: bool) -> sa.ColumnElement[bool]:
    return sa.true() if pushes else _m.c.channel == FEED


def any_due(engine: Engine, now: datetime, pushes: bool) -> bool:
    """Whether an open message is due by ``now`` (leased and retries waiting included; feed
    ones only unless ``pushes``)."""
    query = (
        sa.select(_m.c.id)
        .where(_m.c.state == PENDING, _m.c.due_at <= to_db(now), _mine(pushes))
        .order_by(_m.c.due_at)
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.execute(query).first() is not None


def next_ready(engine: Engine, pushes: bool) -> datetime | None:
    """The earliest time an unleased pending message can be claimed (its retry time, else its
    due time), or None.

    Read in due order: a retry is never set before its message's due time, so once a row is
    due after the earliest time seen, no later row can be earlier.
    """
    where = (_m.c.state == PENDING, _m.c.claimed_by.is_(None), _mine(pushes))
    walk = sa.select(_m.c.due_at, _m.c.next_attempt_at).where(*where).order_by(_m.c.due_at)
    with engine.connect() as conn:
        rows = conn.execute(walk.limit(WALK)).all()
        best: datetime | None = None
        for due, retry in rows:
            if best is not None and due >= best:
                return best
            ready = due if retry is None else retry
            best = ready if best is None else min(best, ready)
        if len(rows) < WALK:
            return best
        # A long run of retries waiting: the exact minimum over all of them.
        ready_at = sa.func.min(sa.func.coalesce(_m.c.next_attempt_at, _m.c.due_at))
        found = conn.execute(sa.select(ready_at).where(*where)).scalar_one()
    return from_db(found) if isinstance(found, datetime) else best


def pending_due(engine: Engine, now: datetime, pushes: bool) -> tuple[int, datetime | None]:
    """Open messages due by ``now`` (leased and retries waiting included; feed ones only
    unless ``pushes``), and the next time to look."""
    with engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).where(
                _m.c.state == PENDING, _m.c.due_at <= to_db(now), _mine(pushes)
            )
        ).scalar_one()
    return int(count), next_ready(engine, pushes)


def waiting_pushes(engine: Engine, now: datetime) -> int:
    """Unleased pushes due by ``now``."""
    with engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).where(
                _m.c.state == PENDING,
                _m.c.claimed_by.is_(None),
                _m.c.channel == PUSH,
                _m.c.due_at <= to_db(now),
            )
        ).scalar_one()
    return int(count)
