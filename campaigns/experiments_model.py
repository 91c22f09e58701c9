"""The ``experiments:`` and ``outcome:`` sections of a campaign file, as pydantic models.

An experiment splits one segment's contacted customers into arms (stories, a style, a send
time) by a hash independent of the holdout's; ``mode: bandit`` lets Thompson sampling move
traffic between arms once per wave, behind a floor, a minimum sample and a stopping margin.
``outcome:`` pre-declares the primary outcome and its window for the report, and the base
rate and target change that ``fanzha plan`` sizes the holdout for. Errors are located at the
key by the loader, like every other campaign-file error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Any, Literal

from fanzha.campaigns.cross_checks import checks
from fanzha.campaigns.spec import ExperimentSpec, OutcomeSpec
from fanzha.delivery.syntax import duration_pattern, parse_duration
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from fanzha._yaml.hints import did_you_mean

METRICS = ("risk_prompt_cancel", "read", "fraud_reported")
METRIC_PATTERN = r"^(risk_prompt_cancel|read|fraud_reported|custom:[a-z_][a-z0-9_]*)$"
ARM_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
# Outcomes where fewer is better: the bandit favours the arm with the lower rate.
LOWER_IS_BETTER = frozenset({"fraud_reported"})
_PERCENT = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*%\s*")
_SHARE_PATTERN = r"^\s*-?[0-9]+(\.[0-9]+)?\s*%\s*$"
_WINDOW_MAX = timedelta(days=730)


def parse_percent(value: object) -> float:
    """A percentage: "5%", 5 or 0.05 are all 5.0 (a number below 1 is a fraction)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a percentage; write e.g. 10%")
    if isinstance(value, int | float):
        return float(value) * 100 if 0 < abs(float(value)) < 1 else float(value)
    match = _PERCENT.fullmatch(str(value))
    if not match:
        raise ValueError(f'"{value}" is not a percentage; write e.g. "10%"')
    return float(match.group(1))


def _between(low: float, high: float) -> AfterValidator:
    def check(pct: float) -> float:
        if not low <= pct <= high:
            raise ValueError(f"{pct:g}% is outside {low:g}–{high:g}%")
        return pct

    return AfterValidator(check)


def _pschema(low: float, high: float, description: str) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "description": description,
            "anyOf": [
                {"type": "string", "pattern": _SHARE_PATTERN},
                {"type": "number", "minimum": low, "maximum": high},
            ],
        }
    )


_PCT = BeforeValidator(parse_percent)
Share = Annotated[float, _PCT, _between(0, 100), _pschema(0, 100, 'a share: "50%"')]
Floor = Annotated[
    float, _PCT, _between(0, 50), _pschema(0, 50, 'the least share an arm keeps: "10%"')
]
Margin = Annotated[
    float, _PCT, _between(0, 100), _pschema(0, 100, 'a difference of rates in points: "1%"')
]
BaseRate = Annotated[
    float, _PCT, _between(0, 100), _pschema(0, 100, 'the expected rate in the holdout: "0.1%"')
]
Change = Annotated[
    float, _PCT, _between(-100, 1000), _pschema(-100, 1000, 'a relative change: "-20%"')
]


def _check_segment(sid: str, info: ValidationInfo) -> str:
    c = checks(info)
    if c is not None and sid not in c.segment_ids:
        raise ValueError(
            f'the experiment names unknown segment "{sid}"{did_you_mean(sid, c.segment_ids)}'
        )
    return sid


def _check_metric(name: str) -> str:
    if not re.fullmatch(METRIC_PATTERN, name):
        hint = did_you_mean(name, METRICS)
        raise ValueError(
            f'unknown metric "{name}"; expected {", ".join(METRICS)} or custom:<column>{hint}'
        )
    return name


def _check_arms(arms: dict[str, float]) -> dict[str, float]:
    if len(arms) < 2:
        raise ValueError("an experiment needs at least two arms")
    bad = [a for a in arms if not re.fullmatch(ARM_PATTERN, a)]
    if bad:
        raise ValueError(f'arm name "{bad[0]}" may use a-z, 0-9, "_", "-" and "."')
    total = sum(arms.values())
    if abs(total - 100) > 1e-6:
        raise ValueError(f"the arms' shares add up to {total:g}%, not 100%")
    return arms


Metric = Annotated[
    str,
    AfterValidator(_check_metric),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": METRIC_PATTERN,
            "description": "risk_prompt_cancel, read, fraud_reported or custom:<column>",
        }
    ),
]
ExperimentSegment = Annotated[
    str, AfterValidator(_check_segment), WithJsonSchema({"type": "string"})
]
Arms = Annotated[dict[str, Share], AfterValidator(_check_arms)]


def _window(value: object) -> Any:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return parse_duration(value, units="dw", minimum=timedelta(days=1), maximum=_WINDOW_MAX)
    return value


Window = Annotated[
    timedelta,
    BeforeValidator(_window),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": duration_pattern("dw", _WINDOW_MAX),
            "description": 'how long outcomes count from the start: "30d", "8w"',
        }
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Experiment(_Strict):
    """An experiment on one segment: arms with shares, a metric, fixed or bandit."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    segment: ExperimentSegment
    arms: Arms = Field(
        description="arm: share, e.g. {a: 50%, b: 50%}; an arm named after one of the segment's warnings sends that story"
    )
    metric: Metric
    min_sample: int = Field(
        default=2000, ge=0, description="customers per arm before the bandit acts"
    )
    mode: Literal["fixed", "bandit"] = "fixed"
    margin: Margin | None = None
    floor: Floor = Field(default="10%", validate_default=True)

    @model_validator(mode="after")
    def _bandit_needs_margin(self) -> Experiment:
        if self.mode == "bandit":
            if not self.margin:
                raise ValueError(
                    'a bandit needs "margin" > 0: the smallest difference worth acting on, e.g. 1%'
                )
            if len(self.arms) * self.floor > 100:
                raise ValueError(
                    f"{len(self.arms)} arms cannot each keep a floor of {self.floor:g}%"
                )
        return self


class OutcomeModel(_Strict):
    """The pre-declared primary outcome: what the report tests, over which window."""

    primary: Metric = "fraud_reported"
    window: Window = Field(default="30d", validate_default=True)
    base_rate: BaseRate | None = Field(default=None, description="expected rate, for planning")
    target: Change = Field(default="-20%", validate_default=True)
    cost_per_message: float | None = Field(default=None, ge=0, description="yuan per message")
    loss_per_case: float | None = Field(default=None, ge=0, description="yuan lost per case")


def experiment_specs(models: Sequence[Experiment]) -> tuple[ExperimentSpec, ...]:
    """The campaign's experiments as the pipeline uses them (shares as fractions)."""
    return tuple(
        ExperimentSpec(
            id=m.id,
            segment=m.segment,
            arms=tuple((arm, share / 100) for arm, share in m.arms.items()),
            metric=m.metric,
            min_sample=m.min_sample,
            mode=m.mode,
            margin=(m.margin or 0.0) / 100,
            floor=m.floor / 100,
            higher_is_better=m.metric not in LOWER_IS_BETTER,
        )
        for m in models
    )


def outcome_spec(m: OutcomeModel) -> OutcomeSpec:
    """The campaign's pre-declared outcome (rates as fractions)."""
    return OutcomeSpec(
        primary=m.primary,
        window=m.window,
        base_rate=None if m.base_rate is None else m.base_rate / 100,
        target=m.target / 100,
        cost_per_message=m.cost_per_message,
        loss_per_case=m.loss_per_case,
    )


__all__ = [
    "LOWER_IS_BETTER",
    "METRICS",
    "Experiment",
    "OutcomeModel",
    "experiment_specs",
    "outcome_spec",
    "parse_percent",
]
