"""Request and response bodies of the feed API (they are what /openapi.json documents)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fanzha.delivery.api.tokens import CUSTOMER_ID_PATTERN
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool

EVENT_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"


class _Strict(BaseModel):
    # Unknown fields are mistakes by the caller, never silently dropped.
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """An error answer."""

    detail: str


class HealthOut(BaseModel):
    """The service and its store are up."""

    status: Literal["ok"]


class FeedItemOut(BaseModel):
    """One card of the in-app feed."""

    id: str
    title: str
    body: str
    image_url: str | None = Field(description="/v1/media/{key}, or null for a text-only card")
    alt_text: str
    warning_id: str
    created_at: datetime
    read_at: datetime | None


class FeedPageOut(BaseModel):
    """A page of the feed, newest first."""

    items: list[FeedItemOut]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null at the end"
    )
    unread: int = Field(ge=0, description="exact number of unread items in the whole feed")


class TokenIn(_Strict):
    """Ask for a customer's feed token (app backend only)."""

    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    ttl_seconds: int = Field(default=86_400, ge=60, le=30 * 86_400)


class TokenOut(BaseModel):
    """A minted customer token."""

    token: str
    customer_id: str
    expires_at: datetime


class EventIn(_Strict):
    """A moment of risk in the customer's banking (app backend only)."""

    event_id: str = Field(pattern=EVENT_ID_PATTERN, description="unique; a repeat is ignored")
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    kind: Literal["first_loan", "new_payee", "large_transfer"]
    occurred_at: AwareDatetime


class EventOut(BaseModel):
    """Whether the event was new or a repeat of one already stored."""

    event_id: str
    duplicate: bool


class PreferencesIn(_Strict):
    """The customer's choices; every field left out means 'no opt-out'."""

    push_opt_out: StrictBool = False
    personalization_opt_out: StrictBool = False
    all_opt_out: StrictBool = False


class PreferencesOut(BaseModel):
    """The choices in force and the pending messages they just cancelled, by reason."""

    customer_id: str
    push_opt_out: bool
    personalization_opt_out: bool
    all_opt_out: bool
    updated_at: datetime | None
    cancelled: dict[str, int] = Field(default_factory=dict)
