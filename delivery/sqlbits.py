"""The dispatcher's SQL: claims, releases and dialect-aware statements, each built once."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import sqlalchemy as sa
from fanzha.delivery.models import (
    CLAIMED,
    DELIVERED,
    PENDING,
    DeliveryEvent,
    Message,
    Preference,
    Suppression,
    table_of,
)
from sqlalchemy.dialects.postgresql import ARRAY

_m = table_of(Message)
_prefs = table_of(Preference)
_supp = table_of(Suppression)
_events = table_of(DeliveryEvent)
_TS = _m.c.due_at.type


class JsonList(sa.types.TypeDecorator[Any]):
    """A list parameter sent to SQLite as one JSON text (read back with ``json_each``)."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: Iterable[str] | None, dialect: sa.Dialect) -> str:
        """The list as a JSON array."""
        return json.dumps(list(value or ()))


def in_list(column: sa.ColumnElement[str], name: str, dialect: str) -> sa.ColumnElement[bool]:
    """``column IN (:name)`` with one list parameter: an array on PostgreSQL, JSON on SQLite.

    One parameter whatever the batch size: the statement is compiled once and PostgreSQL's
    driver reuses the prepared query (an expanding IN re-renders 500 placeholders per call).
    """
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=ARRAY(sa.String)))
    values = sa.func.json_each(sa.bindparam(name, type_=JsonList())).table_valued("value")
    return column.in_(sa.select(values.c.value))


@cache
def own(dialect: str) -> sa.Executable:
    """The rows of ``:ids`` this worker still leases, locked for the rest of the transaction."""
    mine = (
        in_list(_m.c.id, "ids", dialect),
        _m.c.state == CLAIMED,
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


@cache
def delivered(dialect: str) -> sa.Executable:
    """Mark ``:ids`` that ``:worker`` still leases delivered at ``:now``, with their events.

    Returns the ids recorded. On PostgreSQL the ``delivered`` events (detail ``:detail``) are
    written by the same statement (a data-modifying CTE: one round trip, nothing sent back
    and forth); elsewhere it returns ``(id, campaign_id, customer_id)`` and
    ``record_delivered`` inserts the events with a second statement.
    """
    update = (
        sa.update(_m)
        .where(
            in_list(_m.c.id, "ids", dialect),
            _m.c.state == CLAIMED,
            _m.c.claimed_by == sa.bindparam("worker"),
        )
        .values(
            state=DELIVERED,
            attempts=_m.c.attempts + 1,
            sent_at=sa.bindparam("now", type_=_TS),
            updated_at=sa.bindparam("now", type_=_TS),
            lease_until=None,
            claimed_by=None,
            last_error=None,
            reason=None,
        )
        .returning(_m.c.id, _m.c.campaign_id, _m.c.customer_id)
    )
    if dialect != "postgresql":
        return update
    done = update.cte("done")
    return (
        sa.insert(_events)
        .from_select(
            ["message_id", "campaign_id", "customer_id", "kind", "at", "detail"],
            sa.select(
                done.c.id,
                done.c.campaign_id,
                done.c.customer_id,
                sa.literal(DELIVERED),
                sa.bindparam("now", type_=_TS),
                sa.bindparam("detail", type_=sa.String),
            ),
        )
        .returning(_events.c.message_id)
    )


@cache
def _delivered_events(dialect: str) -> sa.Executable:
    """The ``delivered`` events of ``:ids`` (read from their messages), in one statement."""
    return sa.insert(_events).from_select(
        ["message_id", "campaign_id", "customer_id", "kind", "at", "detail"],
        sa.select(
            _m.c.id,
            _m.c.campaign_id,
            _m.c.customer_id,
            sa.literal(DELIVERED),
            sa.bindparam("now", type_=_TS),
            sa.bindparam("detail", type_=sa.String),
        ).where(in_list(_m.c.id, "ids", dialect)),
    )


def record_delivered(
    conn: sa.Connection, ids: list[str], worker: str, now: object, detail: str = ""
) -> set[str]:
    """Those of ``ids`` that ``worker`` still leases, marked delivered with their events."""
    if not ids:
        return set()
    dialect = conn.dialect.name
    params = {"ids": ids, "worker": worker, "now": now, "detail": detail}
    done = [r[0] for r in conn.execute(delivered(dialect), params).all()]
    if dialect != "postgresql" and done:
        conn.execute(_delivered_events(dialect), params | {"ids": done})
    return set(done)


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


@cache
def claim(dialect: str, channels: tuple[str, ...] = ()) -> sa.Update:
    """UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING, built once.

    On PostgreSQL the ids are gathered into an array first (``id = ANY(ARRAY(SELECT …))``):
    as ``IN (SELECT …)`` the planner hash-joined the 500 ids against a sequential scan of the
    whole outbox, so a claim cost grew with every message ever sent (30 ms at 50,000 rows).

    With ``channels``, only messages of those channels are claimed (a dispatcher without a
    push gateway claims feed messages only, and leaves pushes pending for one that has one).
    """
    now = sa.bindparam("now", type_=_TS)
    # "state = 'pending' AND due_at <= now ORDER BY due_at" is an ordered walk of
    # ix_messages_state_due on both databases: no sort, however large the backlog.
    pick = (
        sa.select(_m.c.id)
        .where(
            _m.c.state == PENDING,
            _m.c.due_at <= now,
            _m.c.next_attempt_at.is_(None) | (_m.c.next_attempt_at <= now),
            *([_m.c.channel.in_(channels)] if channels else []),
        )
        .order_by(_m.c.due_at)
        .limit(sa.bindparam("limit", type_=sa.Integer))
        # FOR UPDATE SKIP LOCKED lets several dispatchers claim side by side on PostgreSQL;
        # SQLite ignores it and runs the single UPDATE under its one write lock.
        .with_for_update(skip_locked=True)
    )
    if dialect == "postgresql":
        chosen = _m.c.id == sa.any_(sa.func.array(pick.scalar_subquery()))
    else:  # SQLite looks each id of the list up by primary key
        chosen = _m.c.id.in_(pick.scalar_subquery())
    return (
        sa.update(_m)
        .where(chosen)
        .values(
            state=CLAIMED,
            lease_until=sa.bindparam("lease", type_=_TS),
            claimed_by=sa.bindparam("worker"),
            updated_at=now,
        )
        .returning(*(_m.c[name] for name in COLUMNS), _SCREEN)
    )


# A dispatcher that died leaves its rows claimed; once the lease is over they go back to
# pending (recorded as ``lease_expired``) and are claimed again like any other.
RELEASE = (
    sa.update(_m)
    .where(_m.c.state == CLAIMED, _m.c.lease_until < sa.bindparam("now", type_=_TS))
    .values(state=PENDING, lease_until=None, claimed_by=None, updated_at=sa.bindparam("now"))
    .returning(_m.c.id, _m.c.campaign_id, _m.c.customer_id, _m.c.claimed_by)
)
