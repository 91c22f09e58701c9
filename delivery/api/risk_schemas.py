"""Bodies of the risk-check API (``POST /v1/risk-check`` and its outcome), for /openapi.json.

Strict like every request body of the API: unknown fields refused, booleans only as JSON
booleans, amounts only as JSON numbers, date-times with an offset. An event field left out is
unknown to the rules (``screen_sharing`` left out never matches ``screen_sharing``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fanzha.delivery.api.schemas import EVENT_ID_PATTERN, FeedImageOut, StrictDateTime, _Strict
from fanzha.delivery.api.tokens import CUSTOMER_ID_PATTERN
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

KIND_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
AMOUNT_MAX = 1e12


class RiskCheckIn(_Strict):
    """A moment of risk, asked about before it happens (the bank's app backend)."""

    check_id: str = Field(pattern=EVENT_ID_PATTERN, description="unique; a repeat answers the same")
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    kind: str = Field(
        pattern=KIND_PATTERN,
        description="transfer, payee_added, loan_drawdown, card_limit_raised, "
        "app_login_new_device, or a kind a campaign's rules name",
        examples=["transfer"],
    )
    amount: StrictFloat | None = Field(default=None, ge=0, le=AMOUNT_MAX)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", examples=["CNY"])
    payee_new: StrictBool | None = None
    payee_type: Literal["personal", "business"] | None = None
    payee_flagged: StrictBool | None = None
    screen_sharing: StrictBool | None = None
    on_call: StrictBool | None = None
    occurred_at: StrictDateTime | None = Field(default=None, examples=["2027-03-02T10:00:00+08:00"])

    def event(self) -> dict[str, Any]:
        """The fields the rules read (``None`` = unknown)."""
        return self.model_dump(exclude={"check_id", "customer_id"})


class RiskActionOut(BaseModel):
    """A button of the prompt; ``call`` carries the number to dial."""

    id: Literal["cancel", "call", "continue"]
    label: str
    phone: str | None = None


class RiskPromptOut(BaseModel):
    """The warning to show before the money leaves."""

    prompt_id: str = Field(description="open /app/risk/{prompt_id} in the app's web view")
    warning_id: str
    variant: str = Field(description="the story, written for the customer's segment")
    title: str
    body: str = Field(description="the one action to take")
    questions: list[str] = Field(description="questions to ask oneself before paying")
    pause_seconds: int = Field(ge=0, description='how long "continue" stays disabled')
    image_url: str | None = Field(
        description="/v1/media/{key}: the comic's first image, pre-rendered"
    )
    display: Literal["strip", "carousel", "single"] | None = Field(
        None, description="how to show `images`, as in the feed; null without an image"
    )
    images: list[FeedImageOut] = Field(
        default_factory=list, description="every image of the comic in reading order"
    )
    alt_text: str
    large_text: bool
    locale: str
    actions: list[RiskActionOut]


class RiskCheckOut(BaseModel):
    """The decision: a prompt, or null and why."""

    check_id: str
    holdout: bool = Field(description="held out of the campaign: no prompt, for the comparison")
    reason: Literal["prompt", "holdout", "opted_out", "global_control", "no_match", "no_campaign"]
    prompt: RiskPromptOut | None


_OUTCOMES = ("action", "transfer", "fraud_reported")


class RiskOutcomeIn(_Strict):
    """What happened after the prompt; post again as more is known (each field keeps its latest)."""

    # At least one of the three, none of them null: the schema says so too.
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"anyOf": [{"required": [f]} for f in _OUTCOMES]}
    )

    action: Annotated[
        Literal["cancelled", "called", "continued", "closed"] | SkipJsonSchema[None], Field()
    ] = None
    transfer: Literal["completed", "abandoned"] | SkipJsonSchema[None] = None
    fraud_reported: StrictBool | SkipJsonSchema[None] = None
    at: StrictDateTime | SkipJsonSchema[None] = Field(
        default=None, description="when; default: now"
    )

    @model_validator(mode="before")
    @classmethod
    def _something(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if any(k in data and data[k] is None for k in (*_OUTCOMES, "at")):
                raise ValueError("a field given must not be null")
            if not any(k in data for k in _OUTCOMES):
                raise ValueError("give at least one of action, transfer, fraud_reported")
        return data

    def fields(self) -> dict[str, Any]:
        """The outcome fields given."""
        return self.model_dump(exclude={"at"}, exclude_none=True)


class RiskOutcomeOut(BaseModel):
    """The check's outcome as it stands."""

    check_id: str
    action: str | None
    transfer: str | None
    fraud_reported: bool | None
    updated_at: datetime
