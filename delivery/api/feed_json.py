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
from fanzha.delivery.api.media import MEDIA_URL, MediaImages, one_image
from fanzha.delivery.api.page import FeedEntry, encode_cursor

_NO_IMAGE: tuple[None, tuple[()]] = (None, ())


def _utc(value: datetime | None) -> datetime | None:
    # Stored instants come back aware UTC (asyncpg: always datetime.UTC), naive UTC from
    # SQLite, or in the session's zone; the identity test first, it is the common case.
    if value is None or value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def items_json(
    rows: Iterable[Sequence[Any]], media: MediaImages | None = None
) -> list[dict[str, Any]]:
    """Feed items as the API answers them, from rows ``(unread, *FeedEntry)``; empty rows skipped.

    ``media`` lists every image of each item's render (a strip's panels, a carousel's pages);
    without it, each item shows its one image.
    """
    images_of = media.of if media is not None else one_image
    # One comprehension over the whole page: a function call per item cost a tenth of the
    # page's JSON time (the images of a render are one dictionary lookup once known).
    return [
        {
            "id": item_id,
            "title": title,
            "body": body,
            "image_url": MEDIA_URL + image_key if image_key else None,
            "display": (comic := images_of(image_key) if image_key else _NO_IMAGE)[0],
            "images": comic[1],
            "alt_text": alt_text,
            "warning_id": warning_id,
            "created_at": _utc(created_at),
            "read_at": _utc(read_at),
        }
        for _, item_id, title, body, image_key, alt_text, warning_id, created_at, read_at in rows
        if item_id is not None
    ]


def item_json(entry: FeedEntry, media: MediaImages | None = None) -> dict[str, Any]:
    """One feed item as the API answers it."""
    return items_json([(None, *entry)], media)[0]


def _dumps(document: object) -> bytes:
    # UTC as "Z", microseconds only when non-zero, non-ASCII unescaped: what pydantic writes.
    return orjson.dumps(document, option=orjson.OPT_UTC_Z)


def item_body(entry: FeedEntry, media: MediaImages | None = None) -> bytes:
    """The JSON of one item (the answer to read and dismiss)."""
    return _dumps(item_json(entry, media))


def page_body(rows: Sequence[Sequence[Any]], limit: int, media: MediaImages | None = None) -> bytes:
    """The JSON of a feed page straight from rows ``(unread, *FeedEntry)`` of the page statement."""
    items = items_json(rows[:limit], media)
    more = len(rows) > limit
    next_cursor = encode_cursor(_utc(rows[limit - 1][7]), rows[limit - 1][1]) if more else None  # type: ignore[arg-type]
    unread = int(rows[0][0]) if rows else 0
    return _dumps({"items": items, "next_cursor": next_cursor, "unread": unread})
