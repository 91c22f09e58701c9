"""Resolved warning copy: one warning, one variant, one locale, templates filled.

These frozen value objects are what the renderer draws and what pushes carry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

ROLES = (
    "elderly",
    "young_worker",
    "shop_owner",
    "scammer_phone",
    "fake_officer",
    "bank_staff",
    "family",
)
EXPRESSIONS = ("calm", "worried", "alarmed", "relieved")
SCENES = (
    "home",
    "shop",
    "dormitory",
    "street",
    "office",
    "bank",
    "phone_call",
    "chat",
    "factory",
)
LINE_KINDS = ("say", "alarm", "think")
SIDES = ("left", "right")


@dataclass(frozen=True)
class CastMember:
    """A character in a panel."""

    role: str
    expression: str = "calm"
    side: str = "left"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")
        if self.expression not in EXPRESSIONS:
            raise ValueError(f"unknown expression {self.expression!r}")
        if self.side not in SIDES:
            raise ValueError(f"unknown side {self.side!r}; expected left or right")


@dataclass(frozen=True)
class Line:
    """One balloon: who speaks, what, and how (say, alarm, think)."""

    speaker: str
    text: str
    kind: str = "say"

    def __post_init__(self) -> None:
        if self.kind not in LINE_KINDS:
            raise ValueError(f"unknown line kind {self.kind!r}; expected say, alarm or think")


@dataclass(frozen=True)
class Panel:
    """One comic panel."""

    scene: str
    cast: tuple[CastMember, ...] = ()
    lines: tuple[Line, ...] = ()
    caption: str = ""

    def __post_init__(self) -> None:
        if self.scene not in SCENES:
            raise ValueError(f"unknown scene {self.scene!r}; expected one of {', '.join(SCENES)}")
        roles = {member.role for member in self.cast}
        for line in self.lines:
            if line.speaker not in roles:
                raise ValueError(f"speaker {line.speaker!r} is not in the panel's cast")


@dataclass(frozen=True)
class WarningCopy:
    """A warning as a customer sees it, in one variant and locale."""

    warning_id: str
    variant: str
    locale: str
    scam: str
    title: str
    slogan: str
    red_flags: tuple[str, ...]
    action: str
    push_title: str
    push_body: str
    poster_headline: str
    poster_body: str
    panels: tuple[Panel, ...] = field(default_factory=tuple)

    def fingerprint(self) -> str:
        """A stable hash of every word and panel, for render cache keys."""
        payload = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def dialogue(self) -> list[str]:
        """Every balloon and caption in reading order, for alt text."""
        out: list[str] = []
        for panel in self.panels:
            out.extend(f"{line.speaker}: {line.text}" for line in panel.lines)
            if panel.caption:
                out.append(panel.caption)
        return out
