"""Routes a customer's app calls with its bearer token: feed, read, dismiss, preferences, media."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool

from delivery.api import feed, page, preferences
from delivery.api.media import media_response
from delivery.api.page import CURSOR_PATTERN, ITEM_ID_PATTERN, FeedEntry
from delivery.api.schemas import (
    ErrorOut,
    FeedItemOut,
    FeedPageOut,
    PreferencesIn,
    PreferencesOut,
)
from delivery.api.security import current_customer

Customer = Annotated[str, Depends(current_customer)]
ItemId = Annotated[str, Path(pattern=ITEM_ID_PATTERN)]

_AUTH = {401: {"model": ErrorOut, "description": "missing, tampered or expired token"}}
_ITEM = {**_AUTH, 404: {"model": ErrorOut, "description": "no such item for this customer"}}
_BODY = {
    400: {"model": ErrorOut, "description": "a body that is not decodable JSON"},
    413: {"model": ErrorOut, "description": "request body too large"},
}

router = APIRouter(tags=["feed"])


def item_out(entry: FeedEntry) -> FeedItemOut:
    """The JSON shape of one feed item."""
    return FeedItemOut(
        id=entry.id,
        title=entry.title,
        body=entry.body,
        image_url=f"/v1/media/{entry.image_key}" if entry.image_key else None,
        alt_text=entry.alt_text,
        warning_id=entry.warning_id,
        created_at=entry.created_at,
        read_at=entry.read_at,
    )


_FEED_PARAMS = frozenset({"limit", "cursor"})


def _utc(value: datetime | None) -> datetime | None:
    # Stored instants come back aware; only a session in another zone needs converting.
    return value.astimezone(UTC) if value is not None and value.utcoffset() else value


def _page_body(rows: list[tuple], limit: int) -> bytes:
    """The JSON of a feed page straight from rows of the page statement.

    The hot path: no intermediate objects and no validation of what was just read, and
    pydantic-core's serializer instead of json + isoformat. FeedPageOut documents the same
    shape; the tests and Schemathesis check that the two agree.
    """
    shown = [row for row in rows[:limit] if row[1] is not None]
    items = [
        {
            "id": row[1],
            "title": row[2],
            "body": row[3],
            "image_url": f"/v1/media/{row[4]}" if row[4] else None,
            "alt_text": row[5],
            "warning_id": row[6],
            "created_at": _utc(row[7]),
            "read_at": _utc(row[8]),
        }
        for row in shown
    ]
    more = len(rows) > limit
    next_cursor = page.encode_cursor(shown[-1][7], shown[-1][1]) if more else None
    unread = int(rows[0][0]) if rows else 0
    return to_json({"items": items, "next_cursor": next_cursor, "unread": unread})


@router.get(
    "/v1/feed",
    response_model=FeedPageOut,
    responses={
        **_AUTH,
        400: {"model": ErrorOut, "description": "a cursor not issued here"},
        503: {"model": ErrorOut, "description": "the store cannot be reached"},
    },
)
async def get_feed(
    request: Request,
    customer: Customer,
    limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 20,
    cursor: Annotated[
        str | None,
        Query(pattern=CURSOR_PATTERN, description="next_cursor of the previous page"),
    ] = None,
) -> Response:
    """The customer's feed, newest first, in cursor pages, with the exact unread count."""
    unknown = request.query_params.keys() - _FEED_PARAMS
    if unknown:
        # Refused rather than ignored: a misspelt "cursor" would silently restart the feed.
        # Answered in FastAPI's usual validation shape, as the schema documents for 422.
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": "Extra inputs are not permitted",
                    "input": request.query_params.get(name),
                }
                for name in sorted(unknown)
            ]
        )
    state = request.app.state.fanzha
    params = page.page_params(
        customer, now=state.clock(), ttl=state.feed_ttl, limit=limit, cursor=cursor
    )
    if state.reader is not None:
        rows = await state.reader.fetch_rows(params)
    else:
        rows = await run_in_threadpool(page.fetch_rows, state.engine, params)
    return Response(_page_body(rows, limit), media_type="application/json")


@router.post("/v1/feed/{item_id}/read", response_model=FeedItemOut, responses=_ITEM)
def read_item(request: Request, customer: Customer, item_id: ItemId) -> FeedItemOut:
    """Mark an item read (idempotent: the first read time stays)."""
    state = request.app.state.fanzha
    return item_out(feed.mark_read(state.engine, customer, item_id, state.clock()))


@router.post("/v1/feed/{item_id}/dismiss", response_model=FeedItemOut, responses=_ITEM)
def dismiss_item(request: Request, customer: Customer, item_id: ItemId) -> FeedItemOut:
    """Take an item out of the feed (idempotent)."""
    state = request.app.state.fanzha
    return item_out(feed.dismiss_item(state.engine, customer, item_id, state.clock()))


@router.get("/v1/preferences", response_model=PreferencesOut, responses=_AUTH)
def get_prefs(request: Request, customer: Customer) -> PreferencesOut:
    """The customer's current choices."""
    prefs = preferences.get_preferences(request.app.state.fanzha.engine, customer)
    return PreferencesOut(**vars(prefs))


@router.put("/v1/preferences", response_model=PreferencesOut, responses={**_AUTH, **_BODY})
def put_prefs(request: Request, customer: Customer, body: PreferencesIn) -> PreferencesOut:
    """Replace the customer's choices; pending messages they rule out are cancelled at once."""
    state = request.app.state.fanzha
    result = preferences.set_preferences(
        state.engine, customer, now=state.clock(), **body.model_dump()
    )
    return PreferencesOut(**vars(result.preferences), cancelled=result.cancelled)


@router.get(
    "/v1/media/{key}",
    tags=["media"],
    responses={
        200: {"content": {"image/webp": {}, "image/png": {}, "image/jpeg": {}}},
        304: {"description": "not modified (If-None-Match)"},
        404: {"model": ErrorOut, "description": "no such image"},
    },
)
def get_media(request: Request, key: str):  # type: ignore[no-untyped-def]
    """A rendered image by its content key: immutable, cacheable for a year."""
    return media_response(request, key)
