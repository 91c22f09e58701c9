"""The dispatcher's SQL: claims, outcomes and dialect-aware statements, each built once."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from fanzha.delivery.models import (
    DELIVERED,
    PENDING,
    DeliveryEvent,
    Message,
    Preference,
    Suppression,
    table_of,
)
from fanzha.delivery.sql_lists import JsonList, TextArray, in_list

_m = table_of(Message)
_prefs = table_of(Preference)
_supp = table_of(Suppression)
_events = table_of(DeliveryEvent)
_TS = _m.c.due_at.type


def pending_by_id(dialect: str) -> sa.ColumnElement[bool]:
    """``state = 'pending'`` for rows found another way (by id, by customer).

    On SQLite with a unary ``+``, which keeps the planner off ``ix_messages_state_due``:
    without statistics it took ``state = ?`` for the selective term and walked every
    pending message of the backlog, where 500 primary-key probes were the way.
    """
    if dialect == "sqlite":
        return sa.literal_column(f"+{Message.__tablename__}.state", sa.String) == PENDING
    return _m.c.state == PENDING


@cache
def own(dialect: str) -> sa.Executable:
    """The rows of ``:ids`` this worker still leases, locked for the rest of the transaction."""
    mine = (
        in_list(_m.c.id, "ids", dialect),
        pending_by_id(dialect),
        _m.c.claimed_by == sa.bindparam("worker"),
    )
    if dialect == "postgresql":  # row locks without writing a new row version
        return sa.select(_m.c.id).where(*mine).with_for_update()
    # SQLite: a write as the first statement takes the database lock up front.
    return (
        sa.update(_m)
        .where(*mine)
        .values(updated_at=sa.bindparam("now", type_=_TS))
        .returning(_m.c.id)
    )


# What a delivery writes (``delivered``, ``delivered_by_tid``).
_DELIVERED = {
    "state": DELIVERED,
    "attempts": _m.c.attempts + 1,
    "sent_at": sa.bindparam("now", type_=_TS),
    "updated_at": sa.bindparam("now", type_=_TS),
    "lease_until": None,
    "claimed_by": None,
    "last_error": None,
    "reason": None,
}


@cache
def delivered(dialect: str) -> sa.Executable:
    """Mark ``:ids`` that ``:worker`` still leases delivered at ``:now``; returns their ids.

    No ``delivery_events`` row: the message itself says it was delivered and when (``state``,
    ``sent_at``, what every report reads); an event cost more than the update.
    """
    return (
        sa.update(_m)
        .where(
            in_list(_m.c.id, "ids", dialect),
            pending_by_id(dialect),
            _m.c.claimed_by == sa.bindparam("worker"),
        )
        .values(_DELIVERED)
        .returning(_m.c.id)
    )


@cache
def delivered_by_tid(dialect: str) -> sa.Executable:
    """``delivered`` for the rows ``:tids`` a claim returned (``ctid``, SQLite's ``rowid``).

    Straight to the rows instead of 500 primary-key descents; only a row still pending and
    leased to ``:worker`` changes. It returns the ids it changed, which the caller checks.
    """
    if dialect == "postgresql":
        tids: sa.ColumnElement[bool] | sa.TextClause = sa.text(
            "messages.ctid = ANY(CAST(:tids AS tid[]))"
        ).bindparams(sa.bindparam("tids", type_=TextArray()))
    else:
        rowids = sa.func.json_each(sa.bindparam("tids", type_=JsonList())).table_valued("value")
        tids = _ROWID.in_(sa.select(rowids.c.value))
    return (
        sa.update(_m)
        .where(tids, pending_by_id(dialect), _m.c.claimed_by == sa.bindparam("worker"))
        .values(_DELIVERED)
        .returning(_m.c.id)
    )


class StrayRow(Exception):
    """A claimed row's ``TID`` led to another message: the outcome is rolled back."""


def record_delivered(
    conn: sa.Connection, ids: list[str], worker: str, now: object, tids: list[Any] | None = None
) -> set[str]:
    """Those of ``ids`` that ``worker`` still leases, marked delivered.

    With ``tids`` (the claim's ``TID`` of each row), by those first: an id whose row version
    moved since the claim is then looked up by id, and a ``TID`` that turned out to hold
    another message raises ``StrayRow`` (the caller rolls back and records by id).
    """
    if not ids:
        return set()
    params = {"ids": ids, "worker": worker, "now": now}
    if tids:
        by_tid = delivered_by_tid(conn.dialect.name)
        got = {r[0] for r in conn.execute(by_tid, {**params, "tids": tids}).all()}
        if not got.issubset(ids):
            raise StrayRow(f"{len(got.difference(ids))} row versions held other messages")
        rest = [i for i in ids if i not in got]
        return got | record_delivered(conn, rest, worker, now) if rest else got
    return {r[0] for r in conn.execute(delivered(conn.dialect.name), params).all()}


@cache
def preferences(dialect: str) -> sa.Executable:
    """Stored preferences of ``:customers``."""
    return sa.select(
        _prefs.c.customer_id,
        _prefs.c.push_opt_out,
        _prefs.c.all_opt_out,
        _prefs.c.personalization_opt_out,
    ).where(in_list(_prefs.c.customer_id, "customers", dialect))


@cache
def suppressions(dialect: str) -> sa.Executable:
    """Suppressions of ``:customers`` in force at ``:now``."""
    return sa.select(_supp.c.customer_id, _supp.c.reason).where(
        in_list(_supp.c.customer_id, "customers", dialect),
        sa.or_(_supp.c.until.is_(None), _supp.c.until > sa.bindparam("now", type_=_TS)),
    )


_EVENTS_UNNEST = sa.text(
    f"INSERT INTO {DeliveryEvent.__tablename__} "  # noqa: S608 - a constant table name
    "(message_id, campaign_id, customer_id, kind, at, detail) "
    "SELECT m, c, u, k, :at, d FROM unnest(CAST(:m AS text[]), CAST(:c AS text[]), "
    "CAST(:u AS text[]), CAST(:k AS text[]), CAST(:d AS text[])) AS t(m, c, u, k, d)"
).bindparams(sa.bindparam("at", type_=_TS))


def insert_events(conn: sa.Connection, rows: list[dict[str, object]]) -> None:
    """Insert delivery events: one statement with arrays on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(sa.insert(_events), rows)
        return
    conn.execute(
        _EVENTS_UNNEST,
        {
            "at": rows[0]["at"],
            **{
                key: [r[col] for r in rows]
                for key, col in (
                    ("m", "message_id"),
                    ("c", "campaign_id"),
                    ("u", "customer_id"),
                    ("k", "kind"),
                    ("d", "detail"),
                )
            },
        },
    )


# What sending needs from a claimed row (fewer columns, less to convert per batch).
COLUMNS = [
    "id",
    "campaign_id",
    "customer_id",
    "channel",
    "segment",
    "warning_id",
    "variant",
    "title",
    "body",
    "image_key",
    "alt_text",
    "deep_link",
    "due_at",
    "timezone",
    "quiet_hours",
    "cap_max",
    "cap_days",
    "state",
    "attempts",
    "last_error",
    "reason",  # LEASE_EXPIRED when the claim took the message over from a lease that ran out
]
# Whether the customer has a stored preference or a suppression: only those rows need the
# opt-out lookups (``rules.opt_outs``), usually none of a batch. Read in the claim itself,
# by index probes inside the database, instead of two more round trips per batch.
SCREEN = "screen"
# Spelled out: SQLite's RETURNING is rendered without table names, and an unqualified
# customer_id inside the subquery would mean the subquery's own column.
_CUSTOMER: sa.ColumnClause[str] = sa.literal_column(f"{Message.__tablename__}.customer_id")
_SCREEN = sa.or_(
    sa.exists().where(_prefs.c.customer_id == _CUSTOMER),
    sa.exists().where(_supp.c.customer_id == _CUSTOMER),
).label(SCREEN)


# ``due_at`` as the driver gives it: the usual batch never reads it (SQLModel's conversion cost
# a Python call per row); ``plain_batch.frame_of`` converts it for the send-time rules.
_RETURNED = {"due_at": sa.type_coerce(_m.c.due_at, sa.DateTime()).label("due_at")}

# Where a claimed row is, for its outcome: ``ctid`` (text) on PostgreSQL, ``rowid`` on SQLite.
TID = "tid"
_CTID: sa.ColumnClause[Any] = sa.literal_column(f"{Message.__tablename__}.ctid")
_ROWID: sa.ColumnClause[Any] = sa.literal_column(f"{Message.__tablename__}.rowid")

# The reason a claim writes on a message it took over from a lease that ran out (a dispatcher
# died, or took longer than the lease): the claimer records a ``lease_expired`` event for it.
# A pending message has no other reason, and every outcome writes its own.
LEASE_EXPIRED = "lease_expired"


@cache
def claim(dialect: str, channels: tuple[str, ...] = ()) -> sa.Update:
    """UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING, built once.

    A claim writes the lease (``lease_until``, ``claimed_by``) and leaves ``state`` pending:
    no indexed column changes, so on PostgreSQL the new row version is a HOT update (same
    page, no index entries; the table keeps free space for it, migration 0008) and on SQLite
    no index is touched. Messages whose lease ran out are claimed like any other, and marked
    (``reason`` LEASE_EXPIRED) so the claimer can record that they were taken over.

    On PostgreSQL the rows are gathered into an array first (``ctid = ANY(ARRAY(SELECT …))``):
    as ``IN (SELECT …)`` the planner hash-joined the 500 ids against a sequential scan of the
    whole outbox (30 ms at 50,000 rows). By ``ctid`` (the versions the walk found and locked),
    not ``id``: 500 primary-key descents cost about 40% of the claim's database CPU. A row
    updated by another transaction between the statement's snapshot and its lock is then left
    for the next claim. SQLite picks rows by ``rowid`` (no primary-key lookup). Each claimed
    row's ``TID`` (``ctid``, ``rowid``) is returned for ``delivered_by_tid``.

    With ``channels``, only messages of those channels are claimed (a dispatcher without a
    push gateway claims feed messages only, and leaves pushes pending for one that has one).
    """
    now = sa.bindparam("now", type_=_TS)
    # "state = 'pending' AND due_at <= now ORDER BY due_at" is an ordered walk of
    # ix_messages_state_due on both databases: no sort, however large the backlog. Leased
    # messages are still pending there; the walk steps over them (at most workers × batch).
    pick = (
        sa.select(_CTID if dialect == "postgresql" else _ROWID)
        .where(
            _m.c.state == PENDING,
            _m.c.due_at <= now,
            _m.c.next_attempt_at.is_(None) | (_m.c.next_attempt_at <= now),
            _m.c.claimed_by.is_(None) | (_m.c.lease_until < now),
            *([_m.c.channel.in_(channels)] if channels else []),
        )
        .order_by(_m.c.due_at)
        .limit(sa.bindparam("limit", type_=sa.Integer))
        # FOR UPDATE SKIP LOCKED lets several dispatchers claim side by side on PostgreSQL;
        # SQLite ignores it and runs the single UPDATE under its one write lock.
        .with_for_update(skip_locked=True)
    )
    tid: sa.Label[Any]
    if dialect == "postgresql":
        chosen = _CTID == sa.any_(sa.func.array(pick.scalar_subquery()))
        tid = sa.cast(_CTID, sa.Text).label(TID)
    else:
        chosen = _ROWID.in_(pick.scalar_subquery())
        tid = _ROWID.label(TID)
    return (
        sa.update(_m)
        .where(chosen)
        .values(
            lease_until=sa.bindparam("lease", type_=_TS),
            claimed_by=sa.bindparam("worker"),
            reason=sa.case((_m.c.claimed_by.is_not(None), LEASE_EXPIRED), else_=None),
            updated_at=now,
        )
        .returning(*(_RETURNED.get(name, _m.c[name]) for name in COLUMNS), _SCREEN, tid)
    )
