"""Routes only the bank's app backend may call (``X-Backend-Key``): tokens and events."""

from __future__ import annotations

from datetime import timedelta

from fanzha.delivery.api.events import record_event
from fanzha.delivery.api.schemas import ErrorOut, EventIn, EventOut, TokenIn, TokenOut
from fanzha.delivery.api.security import require_backend
from fanzha.delivery.api.tokens import mint_token
from fastapi import APIRouter, Depends, Request

_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut, "description": "a body that is not decodable JSON"},
    401: {"model": ErrorOut, "description": "missing or wrong backend key"},
}

router = APIRouter(tags=["backend"], dependencies=[Depends(require_backend)], responses=_RESPONSES)


@router.post("/v1/tokens", response_model=TokenOut)
def post_token(request: Request, body: TokenIn) -> TokenOut:
    """Mint a feed token for one customer, signed with the current key."""
    state = request.app.state.fanzha
    now = state.clock()
    ttl = timedelta(seconds=body.ttl_seconds)
    token = mint_token(body.customer_id, state.token_keys, ttl, now=now)
    # The token carries whole seconds; report the same instant it will expire at.
    expires = now.replace(microsecond=0) + ttl
    return TokenOut(token=token, customer_id=body.customer_id, expires_at=expires)


@router.post("/v1/events", response_model=EventOut)
def post_event(request: Request, body: EventIn) -> EventOut:
    """Record a moment of risk once; a repeated ``event_id`` is ignored and says so."""
    state = request.app.state.fanzha
    added = record_event(
        state.engine,
        event_id=body.event_id,
        customer_id=body.customer_id,
        kind=body.kind,
        occurred_at=body.occurred_at,
        now=state.clock(),
        loan_id=body.loan_id,
    )
    return EventOut(event_id=body.event_id, duplicate=not added)
