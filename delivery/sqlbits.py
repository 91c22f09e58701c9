"""Dialect-aware SQL pieces for the dispatcher's hot path (built once per dialect)."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from delivery.models import CLAIMED, DELIVERED, DeliveryEvent, Message, Preference, Suppression

_m = Message.__table__
_prefs = Preference.__table__
_supp = Suppression.__table__
_TS = _m.c.due_at.type


def in_list(column: sa.ColumnElement[str], name: str, dialect: str) -> sa.ColumnElement[bool]:
    """``column IN (:name)``: one array parameter on PostgreSQL, an expanding list elsewhere."""
    if dialect == "postgresql":
        # One parameter whatever the batch size, so the driver can reuse the prepared query.
        return column == sa.any_(sa.bindparam(name, type_=ARRAY(sa.String)))
    return column.in_(sa.bindparam(name, expanding=True))


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
    """Mark ``:ids`` that ``:worker`` still leases delivered at ``:now``; returns their ids."""
    return (
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
        .returning(_m.c.id)
    )


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
        conn.execute(sa.insert(DeliveryEvent.__table__), rows)
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
