"""Reading a customer's feed: keyset pages newest first, with the exact unread count.

Pages are keyset pages over ``(created_at, id)``: the cursor names the last item shown, so items
that arrive meanwhile (newer than the first page) never shift later pages. A page and the unread
count are one statement and one round trip; on PostgreSQL the statement goes straight to the
driver (see ``_fetch_rows``) and the app reads it over async connections (``pgasync``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from fanzha.delivery.api.errors import CursorError
from fanzha.delivery.clock import from_db, to_db
from fanzha.delivery.models import FEED_COVER_BYTES, FEED_ITEM_SIZE, FeedItem
from sqlalchemy.engine import Connection, Engine

# A cursor is the position of the last item shown: its creation time in microseconds since
# 1970 (UTC) and its id. Every string of this pattern names a position (16 digits reach the
# year 2286), so the pattern in the OpenAPI document is the whole rule: a cursor never makes
# a well-formed request fail, and a position a client made up only pages from there.
CURSOR_PATTERN = r"^[0-9]{1,16}\.[A-Za-z0-9_-]{1,40}$"
ITEM_ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

_items = FeedItem.__table__
COLUMNS = (
    _items.c.id,
    _items.c.title,
    _items.c.body,
    _items.c.image_key,
    _items.c.alt_text,
    _items.c.warning_id,
    _items.c.created_at,
    _items.c.read_at,
)


class FeedEntry(NamedTuple):
    """One visible feed item (datetimes aware UTC), in the order of ``COLUMNS``."""

    id: str
    title: str
    body: str
    image_key: str
    alt_text: str
    warning_id: str
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True)
class FeedPage:
    """A page of a feed: its items, the cursor of the next page (or None) and the unread count."""

    items: list[FeedEntry]
    next_cursor: str | None
    unread: int


def encode_cursor(created_at: datetime, item_id: str) -> str:
    """The cursor that continues after the item ``(created_at, item_id)``."""
    return f"{(to_db(created_at) - _EPOCH) // _MICROSECOND}.{item_id}"


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The ``(created_at, id)`` a cursor names; ``CursorError`` if it is not a cursor."""
    if not _CURSOR.fullmatch(cursor):
        raise CursorError("invalid cursor")
    micros, _, item_id = cursor.partition(".")
    return _EPOCH + int(micros) * _MICROSECOND, item_id


@cache
def _page_statement(with_cursor: bool, covering: bool = False) -> sa.Select:
    """One statement for a page and the unread count: the feed's hot path is one round trip.

    ``(unread count) LEFT JOIN (page)`` always yields at least one row, so an empty page still
    carries the count; both sides use bound parameters, so the statement is built once.
    ``covering`` (PostgreSQL) reads the page from ``ix_feed_page_cover`` alone, plus the
    items too big for it from ``ix_feed_page_oversize`` (migration 0005_k_feed_covering).
    """
    stamp = _items.c.created_at.type
    visible = [
        _items.c.customer_id == sa.bindparam("customer"),
        _items.c.dismissed_at.is_(None),
        _items.c.recalled_at.is_(None),
        _items.c.created_at > sa.bindparam("oldest", type_=stamp),
        sa.or_(
            _items.c.expires_at.is_(None), _items.c.expires_at > sa.bindparam("now", type_=stamp)
        ),
    ]
    unread = (
        sa.select(sa.func.count().label("unread"))
        .where(*visible, _items.c.read_at.is_(None))
        .subquery("u")
    )
    page_where = list(visible)
    if with_cursor:
        # Row-value comparison keeps the (customer_id, created_at, id) index usable.
        page_where.append(
            sa.tuple_(_items.c.created_at, _items.c.id)
            < sa.tuple_(sa.bindparam("after_at", type_=stamp), sa.bindparam("after_id"))
        )
    page = _newest(page_where) if not covering else _newest_covered(page_where)
    return (
        sa.select(unread.c.unread, *page.c)
        .select_from(unread.outerjoin(page, sa.true()))
        .order_by(page.c.created_at.desc(), page.c.id.desc())
    )


def _newest(where: list, name: str = "p") -> sa.Subquery:
    """The newest ``fetch`` items that satisfy ``where``."""
    return (
        sa.select(*COLUMNS)
        .where(*where)
        .order_by(_items.c.created_at.desc(), _items.c.id.desc())
        .limit(sa.bindparam("fetch", type_=sa.Integer()))
        .subquery(name)
    )


def _newest_covered(where: list) -> sa.Subquery:
    """``_newest`` over the two partial indexes; each predicate as the index spells it."""
    parts = [
        _newest([*where, sa.text(f"{FEED_ITEM_SIZE} <= {FEED_COVER_BYTES}")], "c"),
        _newest([*where, sa.text(f"{FEED_ITEM_SIZE} > {FEED_COVER_BYTES}")], "o"),
    ]
    both = sa.union_all(*(sa.select(*part.c) for part in parts)).subquery("b")
    return (
        sa.select(*both.c)
        .order_by(both.c.created_at.desc(), both.c.id.desc())
        .limit(sa.bindparam("fetch", type_=sa.Integer()))
        .subquery("p")
    )


def page_params(
    customer_id: str, *, now: datetime, ttl: timedelta, limit: int, cursor: str | None
) -> dict[str, object]:
    """Bound parameters of the page statement (``CursorError`` for a cursor not ours)."""
    now_db = to_db(now)
    params: dict[str, object] = {
        "customer": customer_id,
        "oldest": now_db - ttl,
        "now": now_db,
        "fetch": limit + 1,  # one more than shown tells whether another page exists
    }
    if cursor:
        params["after_at"], params["after_id"] = decode_cursor(cursor)
    return params


@cache
def driver_sql(dialect: sa.Dialect, with_cursor: bool) -> str:
    """The page statement compiled once for ``dialect``, for the driver's own cursor."""
    covering = dialect.name == "postgresql"
    return str(_page_statement(with_cursor, covering).compile(dialect=dialect))


def fetch_rows(engine: Engine, params: dict[str, object]) -> list[tuple]:
    """Rows ``(unread, id, title, body, image_key, alt_text, warning_id, created_at, read_at)``."""
    # One statement sees one snapshot, so it needs no transaction: autocommit saves the
    # BEGIN and ROLLBACK round trips that otherwise cost more than the query itself.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return _fetch_rows(conn, params)


def _fetch_rows(conn: Connection, params: dict[str, object]) -> list[tuple]:
    with_cursor = "after_id" in params
    if conn.dialect.name == "postgresql":
        # The hot path on the production store: SQLAlchemy's per-execution work was half of
        # the request's CPU, so the statement it compiled once goes straight to psycopg
        # (which prepares it server-side after a few uses). timestamptz comes back aware.
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(driver_sql(conn.dialect, with_cursor), params)
        return cursor.fetchall()
    return [tuple(row) for row in conn.execute(_page_statement(with_cursor), params)]


def page_from_rows(rows: list[tuple], limit: int) -> FeedPage:
    """The page that rows of the page statement describe."""
    unread = int(rows[0][0]) if rows else 0
    items = [entry_of(row) for row in rows[:limit] if row[1] is not None]
    more = len(rows) > limit
    next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if more else None
    return FeedPage(items=items, next_cursor=next_cursor, unread=unread)


def entry_of(row: tuple) -> FeedEntry:
    """A FeedEntry from a page row (its first column, the unread count, is ignored)."""
    item_id, title, body, image_key, alt_text, warning_id, created_at, read_at = row[1:9]
    created: datetime = from_db(created_at)  # type: ignore[assignment]  # never NULL
    return FeedEntry(
        item_id, title, body, image_key, alt_text, warning_id, created, from_db(read_at)
    )


def list_feed(
    engine: Engine,
    customer_id: str,
    *,
    now: datetime,
    ttl: timedelta,
    limit: int = 20,
    cursor: str | None = None,
) -> FeedPage:
    """One page of the customer's visible feed, newest first, with the exact unread count."""
    params = page_params(customer_id, now=now, ttl=ttl, limit=limit, cursor=cursor)
    return page_from_rows(fetch_rows(engine, params), limit)
