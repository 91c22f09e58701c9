"""Resolved warning copy: one warning, one variant, one locale, templates filled.

These frozen value objects are what the renderer draws and what pushes carry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

ROLES = (
    "elderly",
    "young_worker",
    "shop_owner",
    "family",
    "child",
    "bank_staff",
    "police",
    "scammer_phone",
    "fake_officer",
)
# The looks the renderer draws for each role (the first is the default). A story names the
# look the reader should see (`look: grandpa`) or a gender (`gender: m`) to pick one.
LOOKS: dict[str, tuple[str, ...]] = {
    "elderly": ("grandma", "grandpa"),
    "young_worker": ("young_woman", "young_man"),
    "shop_owner": ("owner_woman", "owner_man"),
    "family": ("daughter", "son"),
    "child": ("schoolgirl", "schoolboy"),
    "bank_staff": ("teller_woman", "teller_man"),
    "police": ("officer",),
    "scammer_phone": (
        "agent_headset",  # friendly "customer service" with a headset
        "investment_teacher",  # smartly dressed "teacher" of a chat group
        "purchasing_officer",  # the "army/unit purchaser" of fake business deals
        "sweetheart",  # the online "sweetheart"
        "recruiter",  # the 缅北 "high-pay job" recruiter
        "fake_boss",  # the "boss" on a new chat account
        "caller",  # a warm, plausible voice on the phone
    ),
    "fake_officer": ("fake_officer",),  # off-pattern uniform, hotel-room backdrop
}
LOOK_GENDER: dict[str, str] = {
    "grandma": "f",
    "grandpa": "m",
    "young_woman": "f",
    "young_man": "m",
    "owner_woman": "f",
    "owner_man": "m",
    "daughter": "f",
    "son": "m",
    "schoolgirl": "f",
    "schoolboy": "m",
    "teller_woman": "f",
    "teller_man": "m",
    "officer": "m",
    "agent_headset": "f",
    "investment_teacher": "m",
    "purchasing_officer": "m",
    "sweetheart": "f",
    "recruiter": "m",
    "fake_boss": "m",
    "caller": "m",
    "fake_officer": "m",
}
GENDERS = ("f", "m")
EXPRESSIONS = ("calm", "worried", "alarmed", "relieved")
SCENES = (
    "home",
    "shop",
    "grocery",
    "restaurant",
    "dormitory",
    "street",
    "office",
    "bank",
    "community_hall",
    "hotel_room",
    "phone_call",
    "chat",
    "factory",
)
SHOTS = ("close", "medium", "wide")
# What a phone screen in a panel shows: `title` is the caller id, the app asking to share,
# the chat group, the payee, the video caller or the link's label; `lines` the rest.
SCREENS = ("call", "share", "chat", "transfer", "video", "link")
LINE_KINDS = ("say", "alarm", "think")
SIDES = ("left", "right")


@dataclass(frozen=True)
class CastMember:
    """A character in a panel."""

    role: str
    expression: str = "calm"
    side: str = "left"
    look: str | None = None  # one of LOOKS[role]; None lets the renderer pick
    on_phone: bool = False  # on the line (drawn in their own window), not in the victim's room

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")
        if self.look is not None and self.look not in LOOKS[self.role]:
            raise ValueError(
                f"look {self.look!r} does not fit role {self.role!r}; "
                f"expected one of {', '.join(LOOKS[self.role])}"
            )
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
class Screen:
    """What the phone in a panel shows (see SCREENS)."""

    kind: str
    title: str
    lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in SCREENS:
            raise ValueError(f"unknown screen {self.kind!r}; expected one of {', '.join(SCREENS)}")


@dataclass(frozen=True)
class Panel:
    """One comic panel."""

    scene: str
    cast: tuple[CastMember, ...] = ()
    lines: tuple[Line, ...] = ()
    caption: str = ""
    shot: str | None = None  # close | medium | wide; None lets the renderer choose
    screen: Screen | None = None

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
    # Fewer, fuller panels written for large text; empty means large text keeps every panel.
    elder_panels: tuple[Panel, ...] = field(default_factory=tuple)
    if_paid: str = ""  # what to do once money has gone (last panel, posters)
    segments: tuple[str, ...] = ()  # segments the story is written for; ("all",) = anyone
    protagonist: str = ""  # the cast role the reader should see themselves in

    def fingerprint(self) -> str:
        """A stable hash of every word and panel, for render cache keys."""
        payload = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def to_data(self) -> dict[str, Any]:
        """Every field as JSON-ready data (tuples as lists); ``from_data`` reads it back."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> WarningCopy:
        """The copy ``to_data`` described, equal to the original (checked again)."""
        return cls(
            **{
                **data,
                "red_flags": tuple(data["red_flags"]),
                "panels": tuple(_panel(p) for p in data["panels"]),
                "elder_panels": tuple(_panel(p) for p in data["elder_panels"]),
                "segments": tuple(data["segments"]),
            }
        )

    def dialogue(self) -> list[str]:
        """Every balloon and caption in reading order, for alt text."""
        out: list[str] = []
        for panel in self.panels:
            out.extend(f"{line.speaker}: {line.text}" for line in panel.lines)
            if panel.caption:
                out.append(panel.caption)
        return out


def _panel(data: dict[str, Any]) -> Panel:
    """A panel from ``WarningCopy.to_data``'s form."""
    screen = data["screen"]
    return Panel(
        **{
            **data,
            "cast": tuple(CastMember(**c) for c in data["cast"]),
            "lines": tuple(Line(**ln) for ln in data["lines"]),
            "screen": Screen(screen["kind"], screen["title"], tuple(screen["lines"]))
            if screen is not None
            else None,
        }
    )
