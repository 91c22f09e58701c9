"""The campaign file as typed models; pydantic checks shapes, ``loader`` checks meaning.

Values that need parsing (dates, times, cadences, durations, percentages) stay strings here
so a bad one becomes a positioned problem in the loader rather than a generic type error.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SEGMENT_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Style(_Strict):
    """How a segment's cards look."""

    layout: Literal["four-panel", "grid"] = "four-panel"
    large_text: bool = False


class Send(_Strict):
    """A segment's cadence: fixed weekdays, or every N days, at a local time."""

    days: list[Weekday] | None = Field(default=None, description="weekdays, e.g. [tue, fri]")
    every: str | None = Field(default=None, description='an interval in days, e.g. "3d"')
    at: str = Field(description='local time "HH:MM" in the customer\'s time zone')


class SegmentModel(_Strict):
    """One segment: who (rule), what (warnings), how (style) and when (send)."""

    id: str = Field(pattern=SEGMENT_ID_PATTERN)
    label: str
    rule: str
    warnings: list[str] = Field(min_length=1)
    style: Style = Style()
    send: Send


class Audience(_Strict):
    """Who may be contacted at all, and the share held out to measure the effect."""

    where: str | None = None
    holdout: str | float | int = "5%"


class FrequencyCap(_Strict):
    """At most ``max`` pushes per ``per`` (e.g. "7d") across all campaigns."""

    max: int = Field(ge=1)
    per: str = "7d"


class Limits(_Strict):
    """Quiet hours, the cross-campaign cap and the send rate."""

    quiet_hours: str = "21:00-08:00"
    frequency_cap: FrequencyCap = FrequencyCap(max=2, per="7d")
    rate: str = "500/s"


class Trigger(_Strict):
    """An app event that brings a warning at the moment of risk."""

    on: Literal["first_loan", "new_payee", "large_transfer"]
    warning: str | None = Field(default=None, description="default: the customer's segment warning")
    delay: str = "1m"


class Poster(_Strict):
    """A printable poster for one community."""

    community: str
    size: Literal["A4", "A3", "A2", "rollup"] = "A4"
    segments: list[str] = Field(min_length=1)
    qr: str | None = None  # the bank's public https address; no QR code without one


class CampaignModel(_Strict):
    """A campaign file."""

    campaign: str = Field(pattern=ID_PATTERN, max_length=64)
    name: str
    locale: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    starts: str
    ends: str
    audience: Audience = Audience()
    match: Literal["first", "all"] = "first"
    segments: list[SegmentModel] = Field(min_length=1)
    channels: list[Literal["push", "feed"]] = Field(default=["push", "feed"], min_length=1)
    limits: Limits = Limits()
    triggers: list[Trigger] = []
    posters: list[Poster] = []


def json_schema() -> dict:
    """The JSON Schema editors use to complete and check campaign files."""
    schema = CampaignModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "fanzha campaign"
    return schema
