"""Staging: how a panel shows its story (shot size, who holds the phone, who is only on the line).

A scammer who calls or chats is not in the victim's room: in a phone panel the victim holds
the phone, and the caller appears in an inset with their own backdrop, or on the phone's
screen when the script names what the screen shows (`Panel.screen`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from fanzha.content.copy import LOOK_GENDER, LOOKS, CastMember, Panel, WarningCopy

__all__ = ["SCAMMER_ROLES", "Staging", "default_look", "remote_scene", "stage"]

SCAMMER_ROLES = frozenset({"scammer_phone", "fake_officer"})
PHONE_SCENES = frozenset({"phone_call", "chat"})
# words that put a scammer on the line rather than in the room, when the script names no screen
_REMOTE_WORDS = re.compile(
    r"电话|来电|打来|视频|微信|群里|群聊|私信|短信|链接|网上|网友|App|屏幕|交友|网恋|软件|"
    r"\b(?:call|calls|called|phone|video|chat|message|online|link|screen|dating|group)\b",
    re.IGNORECASE,
)
# words that say the victim reads rather than listens: the phone is in hand, not at the ear
_READING_WORDS = re.compile(
    r"刷到|看到|群里|群聊|私信|短信|链接|网上|网友|信息|消息|页面|广告|交友|软件|"
    r"\b(?:sees|saw|spots|reads|read|chat|message|messages|online|link|post|ad|page|text|dating|group)\b",
    re.IGNORECASE,
)
_CALL_WORDS = re.compile(r"电话|来电|打来|接听|\b(?:call|calls|called|caller|rings)\b", re.I)
# the scammer's look when the script names none: the design that fits the scam
SCAMMER_LOOK = {
    "fake-customer-service": "agent_headset",
    "credit-repair": "agent_headset",
    "fake-loan": "agent_headset",
    "impersonating-bank": "agent_headset",
    "fake-shopping": "agent_headset",
    "fake-benefits": "agent_headset",
    "debt-relief": "agent_headset",
    "fake-investment": "investment_teacher",
    "elderly-investment": "investment_teacher",
    "romance-investment": "sweetheart",
    "fake-business-deal": "purchasing_officer",
    "impersonating-boss": "fake_boss",
    "overseas-job": "recruiter",
    "fake-job": "recruiter",
    "money-mule": "recruiter",
}


@dataclass(frozen=True)
class Staging:
    """Shot size, the present and the remote cast, and what the victim's phone does."""

    shot: str  # close, medium or wide
    present: tuple[CastMember, ...]  # drawn in the panel's scene
    remote: tuple[CastMember, ...]  # on the line: in an inset, or on the phone's screen
    holder: CastMember | None  # who holds the phone
    holding: str | None  # "ear" (a call) or "hand" (looking at the screen)

    @property
    def phone(self) -> bool:
        """Whether this is a phone panel."""
        return self.holder is not None


# disguises that only ever reach a victim through a phone: a call-centre agent, an online
# sweetheart, a "boss" on a new chat account, a voice on the phone
REMOTE_LOOKS = frozenset({"agent_headset", "sweetheart", "fake_boss", "caller"})


def _is_phone_panel(panel: Panel, copy: WarningCopy | None) -> bool:
    if panel.screen is not None or panel.scene in PHONE_SCENES:
        return True
    if any(m.on_phone for m in panel.cast):
        return True
    scammers = [m for m in panel.cast if m.role in SCAMMER_ROLES]
    victims = [m for m in panel.cast if m.role not in SCAMMER_ROLES]
    if not scammers or not victims:
        return False
    if any(default_look(m, copy) in REMOTE_LOOKS for m in scammers):
        return True
    if any(m.role == "fake_officer" for m in scammers):
        return True  # a fake officer reaches a victim only by call or video, from a hotel room
    said = " ".join([panel.caption, *(ln.text for ln in panel.lines)])
    return bool(_REMOTE_WORDS.search(said))


def stage(panel: Panel, index: int, copy: WarningCopy | None = None) -> Staging:
    """Decide how to stage one panel (index: its place in the story, 0 first)."""
    phone = _is_phone_panel(panel, copy)
    remote = tuple(m for m in panel.cast if phone and (m.role in SCAMMER_ROLES or m.on_phone))
    present = tuple(m for m in panel.cast if m not in remote)
    holder = present[0] if phone and present else None
    holding = None
    if holder is not None:
        # a screen to show means the victim looks at the phone; otherwise a call is at the ear
        said = " ".join([panel.caption, *(ln.text for ln in panel.lines)])
        reading = bool(_READING_WORDS.search(said)) and not _CALL_WORDS.search(said)
        talking = panel.screen is None and bool(remote) and panel.scene != "chat" and not reading
        holding = "ear" if talking else "hand"
    shot = panel.shot or _default_shot(panel, index, present, holder, holding)
    return Staging(shot, present, remote, holder, holding)


def _default_shot(
    panel: Panel,
    index: int,
    present: tuple[CastMember, ...],
    holder: CastMember | None,
    holding: str | None,
) -> str:
    if holding == "hand":
        return "medium"  # the phone in hand must show, below the face
    if len(present) <= 1 and (holder is not None or any(ln.kind == "think" for ln in panel.lines)):
        return "close"  # one face and what they hear or think
    if index == 0 and holder is None:
        return "wide"  # the first panel sets the scene
    return "medium"


def remote_scene(role: str, look: str | None) -> str:
    """The backdrop of someone on the line: a hotel room for a fake officer, the bank's
    counter for its staff, a home for family, a call centre for the rest."""
    if role == "fake_officer":
        return "hotel_room"
    by_role = {"bank_staff": "bank", "family": "home", "elderly": "home", "child": "home"}
    if role in by_role:
        return by_role[role]
    return {"sweetheart": "home", "recruiter": "street"}.get(look or "", "office")


# forms of address name the protagonist (赵大爷, 李奶奶, Mrs Liu); pronouns may mean the scammer
_MALE = re.compile(r"大爷|爷爷|老伯|大伯|叔叔|大叔|先生|老板(?!娘)|小伙|\bMr\b")
_FEMALE = re.compile(r"阿姨|奶奶|大妈|婆婆|女士|老板娘|姑娘|\b(?:Mrs|Ms)\b")
_MALE_LOVER = re.compile(r"“他”|'him'|‘him’|'he'")


@functools.lru_cache(maxsize=512)
def _story_gender(copy: WarningCopy) -> str | None:
    """The protagonist's gender as the captions tell it (他/她, 大爷/阿姨, he/she), if they do."""
    said = " ".join(p.caption for p in copy.panels)
    male, female = bool(_MALE.search(said)), bool(_FEMALE.search(said))
    return "m" if male and not female else "f" if female and not male else None


def _protagonist(copy: WarningCopy) -> str:
    if copy.protagonist:
        return copy.protagonist
    for panel in copy.panels:
        for member in panel.cast:
            if member.role not in SCAMMER_ROLES:
                return member.role
    return ""


def default_look(member: CastMember, copy: WarningCopy | None) -> str | None:
    """The look a cast member is drawn with: the script's; for a scammer, the disguise of the
    scam; for the protagonist, the look whose gender the captions give; else the role's first.
    Stable per story, so one person is drawn the same way in every panel."""
    if member.look is not None or copy is None:
        return member.look
    if member.role == "scammer_phone":
        look = SCAMMER_LOOK.get(copy.warning_id, "caller")
        said = " ".join(p.caption for p in copy.panels)
        if look == "sweetheart" and (_MALE_LOVER.search(said) or _story_gender(copy) == "f"):
            return "investment_teacher"  # the "boyfriend" is a smart, well-off man
        return look
    if member.role == _protagonist(copy):
        gender = _story_gender(copy)
        if gender is not None:
            return next((lk for lk in LOOKS[member.role] if LOOK_GENDER[lk] == gender), None)
    return None
