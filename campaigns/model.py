"""The campaign file as typed models: one pydantic validation parses and checks everything.

Values in the file's syntax become typed values here (see ``values``); a model that
validates is a campaign that can run. ``json_schema`` is the same contract for editors.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fanzha.campaigns.cross_checks import (
    Checks,
    RiskRule,
    Rule,
    SegmentRef,
    WarningId,
    record_segment_id,
)
from fanzha.campaigns.experiments_model import Experiment, OutcomeModel
from fanzha.campaigns.values import (
    CapWindow,
    Day,
    Delay,
    Every,
    Holdout,
    Locale,
    LocalTime,
    OncePer,
    Pause,
    Quiet,
    Rate,
    TimeZone,
    WebAddress,
    Weekday,
    time_zones,
)
from fanzha.delivery.syntax import WEEKDAYS, check_cadence
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SEGMENT_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Style(_Strict):
    """How a segment's cards look."""

    layout: Literal["four-panel", "grid"] = "four-panel"
    large_text: bool = False


class Send(_Strict):
    """A segment's cadence: fixed weekdays, or every N days, at a local time."""

    # Days or every, not both, not neither (as check_cadence says), for editors too.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["days"], "properties": {"days": {"type": "array", "minItems": 1}}},
                {"required": ["every"], "properties": {"every": {"not": {"type": "null"}}}},
            ]
        }
    )

    days: list[Weekday] | None = Field(default=None, description="weekdays, e.g. [tue, fri]")
    every: Every | None = None
    at: LocalTime

    @model_validator(mode="after")
    def _one_of(self) -> Send:
        check_cadence(self.weekdays, self.every)  # delivery's rule: days or every, not both
        return self

    @property
    def weekdays(self) -> tuple[int, ...]:
        """The weekdays as numbers, 0 = Monday."""
        return tuple(sorted({WEEKDAYS.index(d) for d in self.days or ()}))


class SegmentModel(_Strict):
    """One segment: who (rule), what (warnings), how (style) and when (send)."""

    id: Annotated[str, BeforeValidator(record_segment_id)] = Field(pattern=SEGMENT_ID_PATTERN)
    label: str
    rule: Rule = Field(description='who belongs here, e.g. "age >= 55"')
    warnings: list[WarningId] = Field(min_length=1)
    style: Style = Field(default_factory=Style)
    send: Send

    @model_validator(mode="before")
    @classmethod
    def _count(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(info.context, Checks):  # the index "first used by segment N" names
            info.context.segments_seen += 1
        return data


class Audience(_Strict):
    """Who may be contacted at all, and the share held out to measure the effect."""

    where: Rule | None = Field(default=None, description="who may be contacted at all (a rule)")
    holdout: Holdout = Field(default="5%", validate_default=True)


class FrequencyCap(_Strict):
    """At most `max` pushes per `per` (e.g. "7d") across all campaigns."""

    max: int = Field(ge=1)
    per: CapWindow = Field(default="7d", validate_default=True)


class Limits(_Strict):
    """Quiet hours, the cross-campaign cap and the send rate."""

    quiet_hours: Quiet = Field(default="21:00-08:00", validate_default=True)
    frequency_cap: FrequencyCap = Field(default_factory=lambda: FrequencyCap(max=2))
    rate: Rate = Field(default="500/s", validate_default=True)


class Trigger(_Strict):
    """An app event that brings a warning at the moment of risk."""

    on: Literal["first_loan", "new_payee", "large_transfer"]
    warning: WarningId | None = Field(default=None)
    delay: Delay = Field(default="1m", validate_default=True)
    once_per: OncePer | None = Field(
        default=None,
        description="one notice per customer in this window (a repeated loan under a new event)",
    )


class RiskPrompt(_Strict):
    """A prompt the bank's app shows before the money leaves (first match wins)."""

    when: RiskRule = Field(
        description='over the event, the customer and segment: kind == "transfer" and payee_new'
    )
    warning: WarningId
    pause: Pause = Field(default="0s", validate_default=True)


class Poster(_Strict):
    """A printable poster for one community."""

    community: str
    size: Literal["A4", "A3", "A2", "rollup"] = "A4"
    segments: list[SegmentRef] = Field(min_length=1)
    qr: WebAddress | None = None  # the bank's public https address; no QR code without one


class CampaignModel(_Strict):
    """A campaign file."""

    campaign: str = Field(pattern=ID_PATTERN, max_length=64)
    name: str
    locale: Locale = "zh-CN"
    timezone: TimeZone = "Asia/Shanghai"
    starts: Day
    ends: Day
    audience: Audience = Field(default_factory=Audience)
    match: Literal["first", "all"] = "first"
    segments: list[SegmentModel] = Field(min_length=1)
    channels: list[Literal["push", "feed"]] = Field(default=["push", "feed"], min_length=1)
    limits: Limits = Field(default_factory=Limits)
    triggers: list[Trigger] = []
    posters: list[Poster] = []
    experiments: list[Experiment] = []  # after segments: an experiment names one of them
    outcome: OutcomeModel = Field(default_factory=OutcomeModel)
    risk_prompts: list[RiskPrompt] = []

    @field_validator("ends")
    @classmethod
    def _after_start(cls, ends: date, info: ValidationInfo) -> date:
        starts = info.data.get("starts")
        if starts is not None and ends < starts:
            raise ValueError(f"the campaign ends ({ends}) before it starts ({starts})")
        return ends


def json_schema(warning_ids: list[str] | None = None) -> dict[str, Any]:
    """The JSON Schema editors use to complete and check campaign files.

    With ``warning_ids`` (the library's), a warning id outside them is an error in the
    editor too; time zones are this machine's IANA zones.
    """
    schema = CampaignModel.model_json_schema()
    defs = schema.setdefault("$defs", {})
    defs["TimeZone"] = {"type": "string", "enum": sorted(time_zones())}
    defs["WarningId"] = {"type": "string", **({"enum": sorted(warning_ids)} if warning_ids else {})}
    _link(schema)
    schema["title"] = "fanzha campaign"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def library_json_schema(content_paths: Sequence[Path] = ()) -> dict[str, Any]:
    """The JSON Schema with the warning ids of the library (bundled, or ``content_paths``)."""
    from fanzha.content import load_library

    return json_schema(load_library(list(content_paths) or None).ids())


def _link(node: Any) -> None:
    """Turn the ``x-fanzha-ref`` markers of value types into ``$ref``s to ``$defs``."""
    if isinstance(node, dict):
        name = node.pop("x-fanzha-ref", None)
        if name:
            node["$ref"] = f"#/$defs/{name}"
        for value in node.values():
            _link(value)
    elif isinstance(node, list):
        for value in node:
            _link(value)


__all__ = [
    "ID_PATTERN",
    "SEGMENT_ID_PATTERN",
    "Audience",
    "CampaignModel",
    "FrequencyCap",
    "Limits",
    "Poster",
    "RiskPrompt",
    "SegmentModel",
    "Send",
    "Style",
    "Trigger",
    "json_schema",
    "library_json_schema",
]
