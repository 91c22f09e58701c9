"""The JSON of feed items and pages: the one place a stored item becomes what the API answers.

``schemas.FeedItemOut`` and ``schemas.FeedPageOut`` document this shape in OpenAPI (a test holds
the two together); the bytes are written here with orjson straight from rows of the page
statement, which costs a fraction of building pydantic models for a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from fanzha.delivery.api.page import FeedEntry, encode_cursor


def _utc(value: datetime | None) -> datetime | None:
    # Stored instants come back aware UTC (asyncpg: always datetime.UTC), naive UTC from
    # SQLite, or in the session's zone; the identity test first, it is the common case.
    if value is None or value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def items_json(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Feed items as the API answers them, from rows ``(unread, *FeedEntry)``; empty rows skipped."""
    # One comprehension over the whole page: a function call per item cost a tenth of the
    # page's JSON time.
    return [
        {
            "id": item_id,
            "title": title,
            "body": body,
            "image_url": f"/v1/media/{image_key}" if image_key else None,
            "alt_text": alt_text,
            "warning_id": warning_id,
            "created_at": _utc(created_at),
            "read_at": _utc(read_at),
        }
        for _, item_id, title, body, image_key, alt_text, warning_id, created_at, read_at in rows
        if item_id is not None
    ]


def item_json(entry: FeedEntry) -> dict[str, Any]:
    """One feed item as the API answers it."""
    return items_json([(None, *entry)])[0]


def _dumps(document: object) -> bytes:
    # UTC as "Z", microseconds only when non-zero, non-ASCII unescaped: what pydantic writes.
    return orjson.dumps(document, option=orjson.OPT_UTC_Z)


def item_body(entry: FeedEntry) -> bytes:
    """The JSON of one item (the answer to read and dismiss)."""
    return _dumps(item_json(entry))


def page_body(rows: Sequence[Sequence[Any]], limit: int) -> bytes:
    """The JSON of a feed page straight from rows ``(unread, *FeedEntry)`` of the page statement."""
    items = items_json(rows[:limit])
    more = len(rows) > limit
    next_cursor = encode_cursor(_utc(rows[limit - 1][7]), rows[limit - 1][1]) if more else None  # type: ignore[arg-type]
    unread = int(rows[0][0]) if rows else 0
    return _dumps({"items": items, "next_cursor": next_cursor, "unread": unread})
