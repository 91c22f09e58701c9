"""Request and response bodies of the feed API (they are what /openapi.json documents).

Request bodies are strict: unknown fields are refused, a number is never read as a date-time
(pydantic would take ``0`` as 1970-01-01), a string never as a boolean or an integer, and a
date-time has an offset and a year from 1970 to 2099 (year 1 or 9999 with an offset overflowed
deep in the store and answered 500). Each rule is a pattern or type in the OpenAPI document.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fanzha.delivery.api.page import CURSOR_PATTERN, decode_cursor
from fanzha.delivery.api.tokens import CUSTOMER_ID_PATTERN
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
)

EVENT_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"
# RFC 3339 with its offset, years 1970-2099: the whole rule is in the OpenAPI document, so a
# schema-valid date-time is always accepted, and year 1 or 9999 never reaches the store.
DATE_TIME_PATTERN = (
    r"^(19[7-9][0-9]|20[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
_DATE_TIME = re.compile(DATE_TIME_PATTERN)


def _date_time_text(value: Any) -> Any:
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        # pydantic would read 0 as 1970-01-01 and overflow on year 9999 with an offset.
        raise ValueError("must be an RFC 3339 date-time string with an offset, years 1970-2099")
    return value


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


StrictDateTime = Annotated[
    AwareDatetime,
    BeforeValidator(_date_time_text),
    AfterValidator(_utc),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN}),
]


def _whole_number(value: Any) -> Any:
    # JSON Schema's integer: 60 and 60.0, never "60" or true.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a JSON integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a JSON integer")
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_whole_number)]


class _Strict(BaseModel):
    # Unknown fields are mistakes by the caller, never silently dropped.
    model_config = ConfigDict(extra="forbid")


def _cursor_position(value: str | None) -> str | None:
    if value is not None:
        decode_cursor(value)  # CursorError is a ValueError: a 422 like any other bad value
    return value


class FeedQuery(_Strict):
    """The query of ``GET /v1/feed``; an unknown name is refused (a misspelt cursor would restart the feed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: int = Field(default=20, ge=1, le=100, description="items per page")
    cursor: Annotated[str | None, AfterValidator(_cursor_position)] = Field(
        default=None, pattern=CURSOR_PATTERN, description="next_cursor of the previous page"
    )


class ErrorOut(BaseModel):
    """An error answer."""

    detail: str


class HealthOut(BaseModel):
    """The service and its store are up."""

    status: Literal["ok"]


class FeedImageOut(BaseModel):
    """One image of a feed item's comic."""

    url: str = Field(description="/v1/media/{key}")
    width: int | None = Field(description="pixels (1080 for a strip), null when unknown")
    height: int | None = Field(description="pixels, null when unknown")
    panels: list[int] = Field(
        description="the story panels it shows (1-based); [] for title or action"
    )


class FeedItemOut(BaseModel):
    """One card of the in-app feed."""

    id: str
    title: str
    body: str
    image_url: str | None = Field(
        description="/v1/media/{key}: the comic's first image, or null for a text-only card"
    )
    display: Literal["strip", "carousel", "single"] | None = Field(
        description="how to show `images`: `strip`, stacked without gaps and scrolled vertically "
        "(one image per panel); `carousel`, pages swiped sideways; `single`, one image; "
        "null for a text-only card"
    )
    images: list[FeedImageOut] = Field(
        description="every image of the comic in reading order (the first is image_url); "
        "[] for a text-only card"
    )
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
    ttl_seconds: JsonInt = Field(default=86_400, ge=60, le=30 * 86_400)


class TokenOut(BaseModel):
    """A minted customer token."""

    token: str
    customer_id: str
    expires_at: datetime


class EventIn(_Strict):
    """A moment of risk in the customer's banking (app backend only)."""

    event_id: str = Field(pattern=EVENT_ID_PATTERN, description="unique; a repeat is ignored")
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    kind: Literal["first_loan", "new_payee", "large_transfer", "loan_repaid"]
    occurred_at: StrictDateTime = Field(
        description="when it happened, with its offset, 1970 to 2099",
        examples=["2027-03-02T10:00:00+08:00"],
    )
    loan_id: str | None = Field(
        default=None,
        pattern=EVENT_ID_PATTERN,
        description="the bank's id of the loan (first_loan): the same loan posted again under "
        "a new event_id brings no second notice",
    )


class EventOut(BaseModel):
    """Whether the event was new or a repeat of one already stored."""

    event_id: str
    duplicate: bool


class PreferencesIn(_Strict):
    """The customer's choices; every field left out means 'no opt-out'."""

    push_opt_out: StrictBool = False
    personalization_opt_out: StrictBool = False
    all_opt_out: StrictBool = False
    risk_prompts: Literal["on", "off"] = Field(
        default="on",
        description="warnings before a risky payment; separate from the education opt-outs "
        "(PIPL art. 24: the customer may refuse automated decisions about them)",
    )


class PreferencesOut(BaseModel):
    """The choices in force and the pending messages they just cancelled, by reason."""

    customer_id: str
    push_opt_out: bool
    personalization_opt_out: bool
    all_opt_out: bool
    risk_prompts: Literal["on", "off"] = "on"
    updated_at: datetime | None
    cancelled: dict[str, int] = Field(default_factory=dict)
