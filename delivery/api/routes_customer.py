"""Routes a customer's app calls with its bearer token: feed, read, dismiss, preferences, media."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from delivery.api import feed, page, preferences
from delivery.api.media import media_response
from delivery.api.page import ITEM_ID_PATTERN, FeedEntry
from delivery.api.schemas import (
    ErrorOut,
    FeedItemOut,
    FeedPageOut,
    FeedQuery,
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


def _stamp(value: datetime | None) -> str | None:
    # The same text pydantic writes for an aware UTC datetime.
    return value.isoformat().replace("+00:00", "Z") if value else None


def _item_dict(entry: FeedEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "title": entry.title,
        "body": entry.body,
        "image_url": f"/v1/media/{entry.image_key}" if entry.image_key else None,
        "alt_text": entry.alt_text,
        "warning_id": entry.warning_id,
        "created_at": _stamp(entry.created_at),
        "read_at": _stamp(entry.read_at),
    }


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
    query: Annotated[FeedQuery, Query()],
) -> Response:
    """The customer's feed, newest first, in cursor pages, with the exact unread count."""
    state = request.app.state.fanzha
    params = page.page_params(
        customer, now=state.clock(), ttl=state.feed_ttl, limit=query.limit, cursor=query.cursor
    )
    if state.reader is not None:
        rows = await state.reader.fetch_rows(params)
    else:
        rows = await run_in_threadpool(page.fetch_rows, state.engine, params)
    result = page.page_from_rows(rows, query.limit)
    # The hot path: plain dicts and json.dumps instead of validating models just built
    # (FeedPageOut still documents the shape; the tests and Schemathesis check they agree).
    body = {
        "items": [_item_dict(e) for e in result.items],
        "next_cursor": result.next_cursor,
        "unread": result.unread,
    }
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        media_type="application/json",
    )


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
