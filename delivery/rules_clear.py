"""Whether the send-time rules let a whole claimed batch of pushes go, read from its rows.

A campaign's pushes carry quiet hours and a frequency cap (``fanzha run`` enqueues them so),
and nearly always neither holds any push of a batch back: it is daytime for the batch's
customers, and none of them is near the cap. This check says so from the claim's rows, with
one query for the cap's counts, so such a batch is sent without a DataFrame
(``plain_batch``). It is conservative: any doubt (an opt-out or suppression to look up, a
push in quiet hours, a zone or quiet hours that do not parse, two cap windows in one batch,
a customer who might reach the cap) answers False, and the batch goes through the full
rules (``rules.py``), which decide each push exactly as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from fanzha.delivery import sqlbits
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import DELIVERED, PUSH, SENT, Message, table_of
from fanzha.delivery.plain_batch import CLAIMED, Rows
from fanzha.delivery.rules import zone_named
from fanzha.delivery.schedule import QuietHours
from fanzha.delivery.sql_lists import in_list
from sqlalchemy.engine import Connection

_m = table_of(Message)
_CUSTOMER, _CHANNEL, _ZONE, _QUIET, _CAP, _DAYS, _SCREEN = (
    CLAIMED.index(name)
    for name in (
        "customer_id",
        "channel",
        "timezone",
        "quiet_hours",
        "cap_max",
        "cap_days",
        sqlbits.SCREEN,
    )
)


@cache
def _cap_counts(dialect: str) -> sa.Executable:
    """Per customer of ``:customers``: pushes sent or delivered after ``:since``, and pending
    pushes leased to another worker (the two counts ``rules.cap_decisions`` reads)."""
    sent = _m.c.state.in_((SENT, DELIVERED)) & (_m.c.sent_at > sa.bindparam("since"))
    # NULL != worker is not true: unleased rows are not counted, as in cap_decisions
    leased = sqlbits.pending_by_id(dialect) & (_m.c.claimed_by != sa.bindparam("worker"))
    return (
        sa.select(
            _m.c.customer_id,
            sa.func.sum(sa.case((sent, 1), else_=0)),
            sa.func.sum(sa.case((leased, 1), else_=0)),
        )
        .where(in_list(_m.c.customer_id, "customers", dialect), _m.c.channel == PUSH)
        .group_by(_m.c.customer_id)
    )


def _daytime(rows: Rows, now: datetime) -> bool:
    """Whether no push of ``rows`` is in its quiet hours at ``now`` (and every zone and
    quiet-hours text parses)."""
    for zone, quiet in {(r[_ZONE], r[_QUIET]) for r in rows if r[_QUIET]}:
        try:
            if QuietHours.parse(str(quiet)).next_allowed_instant(now, zone_named(zone)) != now:
                return False
        except ValueError:  # ScheduleError is one: the full rules dead-letter such a push
            return False
    return True


def _under_cap(conn: Connection, rows: Rows, now: datetime, worker: str) -> bool:
    """Whether every capped push stays under its cap even if all of its customer's pushes in
    the batch go: sent + in flight + this batch's count below the customer's lowest cap."""
    capped = [r for r in rows if r[_CAP] is not None and r[_DAYS] is not None]
    if not capped:
        return True
    windows = {int(r[_DAYS]) for r in capped}
    if len(windows) != 1:
        return False
    room: dict[str, tuple[int, int]] = {}  # customer: (pushes in the batch, lowest cap)
    for r in capped:
        count, cap = room.get(r[_CUSTOMER], (0, int(r[_CAP])))
        room[r[_CUSTOMER]] = (count + 1, min(cap, int(r[_CAP])))
    since = to_db(now - timedelta(days=windows.pop()))
    params = {"customers": sorted(room), "since": since, "worker": worker}
    with conn.begin():
        found = conn.execute(_cap_counts(conn.dialect.name), params).all()
    counted = {c: (int(s or 0), int(f or 0)) for c, s, f in found}
    for customer, (count, cap) in room.items():
        sent, in_flight = counted.get(customer, (0, 0))
        # the full rules hold a push back when sent + its rank + in flight reaches its cap;
        # the last of the customer's pushes has rank count - 1
        if sent + in_flight + count > cap:
            return False
    return True


def rules_clear(conn: Connection, rows: Rows, now: datetime, worker: str) -> bool:
    """Whether no send-time rule can hold back any row: all pushes, no stored preference or
    suppression, none in quiet hours, none at its cap (no query when none has a cap). False
    sends the batch through the full rules."""
    if not rows or any(r[_CHANNEL] != PUSH or r[_SCREEN] for r in rows):
        return False
    return _daytime(rows, now) and _under_cap(conn, rows, now, worker)
