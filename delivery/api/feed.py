"""Reading a customer's feed and marking items read or dismissed, as plain engine functions.

Pages are keyset pages over ``(created_at, id)`` newest first: the cursor names the last item
shown, so items that arrive meanwhile (newer than the first page) never shift later pages.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from delivery.api.errors import CursorError, MessageNotFound
from delivery.clock import from_db, to_db
from delivery.models import DeliveryEvent, FeedItem

MAX_CURSOR_CHARS = 200
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,200}$"
ITEM_ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_ITEM_ID = re.compile(ITEM_ID_PATTERN)

_items = FeedItem.__table__
_events = DeliveryEvent.__table__
_COLUMNS = (
    _items.c.id,
    _items.c.title,
    _items.c.body,
    _items.c.image_key,
    _items.c.alt_text,
    _items.c.warning_id,
    _items.c.created_at,
    _items.c.read_at,
)


@dataclass(frozen=True)
class FeedEntry:
    """One visible feed item (datetimes aware UTC)."""

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
    """The opaque cursor that continues after the item ``(created_at, item_id)``."""
    raw = json.dumps([to_db(created_at).isoformat(), item_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The ``(created_at, id)`` a cursor names; ``CursorError`` if it is not ours."""
    if not _CURSOR.fullmatch(cursor):
        raise CursorError("invalid cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, item_id = json.loads(raw)
        if not isinstance(created, str) or not isinstance(item_id, str):
            raise ValueError("bad cursor fields")
        if not _ITEM_ID.fullmatch(item_id):
            raise ValueError("bad cursor item id")
        created_at = datetime.fromisoformat(created)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise CursorError("invalid cursor") from exc
    return to_db(created_at), item_id


def _visible(customer_id: str, now: datetime, ttl: timedelta) -> list[sa.ColumnElement[bool]]:
    """Conditions for items a customer still sees: not dismissed, recalled or expired."""
    now_db = to_db(now)
    return [
        _items.c.customer_id == customer_id,
        _items.c.dismissed_at.is_(None),
        _items.c.recalled_at.is_(None),
        _items.c.created_at > now_db - ttl,
        sa.or_(_items.c.expires_at.is_(None), _items.c.expires_at > now_db),
    ]


def _entry(row: sa.Row) -> FeedEntry:
    return FeedEntry(
        id=row.id,
        title=row.title,
        body=row.body,
        image_key=row.image_key,
        alt_text=row.alt_text,
        warning_id=row.warning_id,
        created_at=from_db(row.created_at),  # type: ignore[arg-type]
        read_at=from_db(row.read_at),
    )


def unread_count(conn: Connection, customer_id: str, now: datetime, ttl: timedelta) -> int:
    """How many visible items the customer has not read (exact)."""
    query = (
        sa.select(sa.func.count())
        .select_from(_items)
        .where(*_visible(customer_id, now, ttl), _items.c.read_at.is_(None))
    )
    return int(conn.execute(query).scalar_one())


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
    conditions = _visible(customer_id, now, ttl)
    if cursor:
        created_at, item_id = decode_cursor(cursor)
        after = sa.tuple_(_items.c.created_at, _items.c.id) < sa.tuple_(
            sa.literal(created_at, _items.c.created_at.type), sa.literal(item_id, sa.String())
        )
        conditions.append(after)
    query = (
        sa.select(*_COLUMNS)
        .where(*conditions)
        .order_by(_items.c.created_at.desc(), _items.c.id.desc())
        .limit(limit + 1)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        unread = unread_count(conn, customer_id, now, ttl)
    items = [_entry(row) for row in rows[:limit]]
    more = len(rows) > limit
    next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if more else None
    return FeedPage(items=items, next_cursor=next_cursor, unread=unread)


def _find(conn: Connection, customer_id: str, item_id: str) -> sa.Row:
    # Another customer's item and a recalled one answer exactly like a missing one.
    row = conn.execute(
        sa.select(*_COLUMNS, _items.c.message_id, _items.c.campaign_id).where(
            _items.c.id == item_id,
            _items.c.customer_id == customer_id,
            _items.c.recalled_at.is_(None),
        )
    ).first()
    if row is None:
        raise MessageNotFound(f"no feed item {item_id!r}")
    return row


def _mark(engine: Engine, customer_id: str, item_id: str, column: str, now: datetime) -> FeedEntry:
    """Set ``column`` once (idempotent) and record the funnel event the first time."""
    kind = {"read_at": "read", "dismissed_at": "dismissed"}[column]
    with engine.begin() as conn:
        row = _find(conn, customer_id, item_id)
        changed = conn.execute(
            sa.update(_items)
            .where(_items.c.id == item_id, _items.c[column].is_(None))
            .values({column: to_db(now)})
        ).rowcount
        if changed:
            conn.execute(
                sa.insert(_events).values(
                    message_id=row.message_id,
                    campaign_id=row.campaign_id,
                    customer_id=customer_id,
                    kind=kind,
                    at=to_db(now),
                    detail=f"feed_item={item_id}",
                )
            )
        fresh = conn.execute(sa.select(*_COLUMNS).where(_items.c.id == item_id)).one()
    return _entry(fresh)


def mark_read(engine: Engine, customer_id: str, item_id: str, now: datetime) -> FeedEntry:
    """Mark the customer's item read (the first read time is kept)."""
    return _mark(engine, customer_id, item_id, "read_at", now)


def dismiss_item(engine: Engine, customer_id: str, item_id: str, now: datetime) -> FeedEntry:
    """Dismiss the customer's item: it leaves the feed (idempotent)."""
    return _mark(engine, customer_id, item_id, "dismissed_at", now)


def ensure_feed_indexes(engine: Engine) -> None:
    """Add the partial index that keeps the unread count cheap (no-op when present)."""
    # The store's models own the table; this index serves only the API's unread count, so
    # it is created here with plain DDL rather than added to the shared metadata.
    ddl = sa.text(
        "CREATE INDEX IF NOT EXISTS ix_feed_unread ON feed_items (customer_id, created_at) "
        "WHERE read_at IS NULL AND dismissed_at IS NULL AND recalled_at IS NULL"
    )
    try:
        with engine.begin() as conn:
            conn.execute(ddl)
    except sa.exc.DBAPIError:
        # Another worker created it at the same moment; its existence is all we need.
        pass
