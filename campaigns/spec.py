"""The campaign as the pipeline uses it: parsed, checked, immutable."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, time, timedelta


@dataclass(frozen=True)
class SendSpec:
    """When a segment is sent: weekdays (0=Mon) or every N days, at a local time."""

    at: time
    weekdays: tuple[int, ...] = ()
    every_days: int | None = None


@dataclass(frozen=True)
class SegmentSpecC:
    """One parsed segment of a campaign."""

    id: str
    label: str
    rule: str
    warnings: tuple[str, ...]
    layout: str
    large_text: bool
    send: SendSpec


@dataclass(frozen=True)
class TriggerSpec:
    """An app event that brings a warning after a delay."""

    on: str
    warning: str | None
    delay: timedelta
    once_per: timedelta | None = None  # at most one notice per customer in this window


@dataclass(frozen=True)
class RiskPromptSpec:
    """A risk prompt: its rule, the warning it shows and the pause before "continue"."""

    when: str
    warning: str
    pause: timedelta


@dataclass(frozen=True)
class PosterSpecC:
    """A poster entry of the campaign."""

    community: str
    size: str
    segments: tuple[str, ...]
    qr: str | None


@dataclass(frozen=True)
class ExperimentSpec:
    """An experiment of the campaign: arms of one segment, fixed or re-weighted by a bandit."""

    id: str
    segment: str
    arms: tuple[tuple[str, float], ...]  # (arm, share 0–1) in declared order
    metric: str
    min_sample: int = 2000
    mode: str = "fixed"
    margin: float = 0.0  # absolute difference of rates (0.01 = one point)
    floor: float = 0.10
    higher_is_better: bool = True


@dataclass(frozen=True)
class OutcomeSpec:
    """The pre-declared primary outcome and window; planning's base rate and target."""

    primary: str = "fraud_reported"
    window: timedelta = timedelta(days=30)
    base_rate: float | None = None  # a fraction
    target: float = -0.20  # relative change the holdout is sized for
    cost_per_message: float | None = None
    loss_per_case: float | None = None


@dataclass(frozen=True)
class Campaign:
    """A validated campaign file."""

    id: str
    name: str
    locale: str
    timezone: str
    starts: date
    ends: date
    where: str | None
    holdout_pct: float
    match: str
    segments: tuple[SegmentSpecC, ...]
    channels: tuple[str, ...]
    quiet_hours: tuple[time, time]
    cap_max: int
    cap_per: timedelta
    rate_per_s: float
    triggers: tuple[TriggerSpec, ...] = ()
    posters: tuple[PosterSpecC, ...] = ()
    experiments: tuple[ExperimentSpec, ...] = ()
    outcome: OutcomeSpec = OutcomeSpec()
    risk_prompts: tuple[RiskPromptSpec, ...] = ()
    source: str = ""
    path: str = ""
    content_fingerprint: str = field(default="", compare=False)

    @property
    def version(self) -> str:
        """A hash of the file and the content it uses: a changed either is a new version."""
        digest = hashlib.sha256(self.source.encode("utf-8"))
        digest.update(self.content_fingerprint.encode("utf-8"))
        return digest.hexdigest()[:12]

    def segment(self, segment_id: str) -> SegmentSpecC:
        """The segment with this id."""
        for seg in self.segments:
            if seg.id == segment_id:
                return seg
        raise KeyError(segment_id)

    def warning_ids(self) -> set[str]:
        """Every warning the campaign can send."""
        ids = {w for seg in self.segments for w in seg.warnings}
        ids |= {r.warning for r in self.risk_prompts}
        return ids | {t.warning for t in self.triggers if t.warning}
