"""What waits in the outbox for a dispatcher: due messages, and the next time to look."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import FEED, PENDING, PUSH, Message, table_of
from sqlalchemy.engine import Engine

_m = table_of(Message)


def pending_due(engine: Engine, now: datetime, pushes: bool) -> tuple[int, datetime | None]:
    """Open messages due by ``now`` (leased and retries waiting included; feed ones only
    unless ``pushes``), and the next time to look."""
    stamp = to_db(now)
    ready = sa.func.coalesce(_m.c.next_attempt_at, _m.c.due_at)
    mine = sa.true() if pushes else _m.c.channel == FEED
    with engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).where(_m.c.state == PENDING, _m.c.due_at <= stamp, mine)
        ).scalar_one()
        # Leased messages come back when their outcome is recorded or their lease runs out.
        nxt = conn.execute(
            sa.select(sa.func.min(ready)).where(
                _m.c.state == PENDING, _m.c.claimed_by.is_(None), mine
            )
        ).scalar_one()
    return int(count), nxt


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
