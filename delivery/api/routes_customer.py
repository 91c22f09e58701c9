"""Routes a customer's app calls with its bearer token: read, dismiss, preferences, media."""

from __future__ import annotations

from typing import Annotated, Any

from fanzha.delivery import preferences
from fanzha.delivery.api import feed
from fanzha.delivery.api.feed_json import item_body
from fanzha.delivery.api.media import media_response
from fanzha.delivery.api.page import ITEM_ID_PATTERN
from fanzha.delivery.api.schemas import (
    ErrorOut,
    FeedItemOut,
    PreferencesIn,
    PreferencesOut,
)
from fanzha.delivery.api.security import current_customer
from fastapi import APIRouter, Depends, Path, Request, Response

Customer = Annotated[str, Depends(current_customer)]
ItemId = Annotated[str, Path(pattern=ITEM_ID_PATTERN)]

Responses = dict[int | str, dict[str, Any]]
_AUTH: Responses = {401: {"model": ErrorOut, "description": "missing, tampered or expired token"}}
ITEM_RESPONSES: Responses = {
    **_AUTH,
    404: {"model": ErrorOut, "description": "no such item for this customer"},
}
_BODY: Responses = {
    400: {"model": ErrorOut, "description": "a body that is not decodable JSON"},
}

router = APIRouter(tags=["feed"])


def read_response(request: Request, customer: str, item_id: str) -> Response:
    """Mark the customer's item read; its JSON."""
    state = request.app.state.fanzha
    entry = feed.mark_read(state.engine, customer, item_id, state.clock())
    return Response(item_body(entry, state.media), media_type="application/json")


def dismiss_response(request: Request, customer: str, item_id: str) -> Response:
    """Dismiss the customer's item; its JSON."""
    state = request.app.state.fanzha
    entry = feed.dismiss_item(state.engine, customer, item_id, state.clock())
    return Response(item_body(entry, state.media), media_type="application/json")


@router.post("/v1/feed/{item_id}/read", response_model=FeedItemOut, responses=ITEM_RESPONSES)
def read_item(request: Request, customer: Customer, item_id: ItemId) -> Response:
    """Mark an item read (idempotent: the first read time stays)."""
    return read_response(request, customer, item_id)


@router.post("/v1/feed/{item_id}/dismiss", response_model=FeedItemOut, responses=ITEM_RESPONSES)
def dismiss_item(request: Request, customer: Customer, item_id: ItemId) -> Response:
    """Take an item out of the feed (idempotent)."""
    return dismiss_response(request, customer, item_id)


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
