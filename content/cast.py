"""Who is drawn: a cast entry's look, kept for the whole story, and the gender it shows.

A story names a character's look (`look: grandpa`) or gender (`gender: m`) once, in any
panel; every other panel of the story (and of its elder cut) that has the same role and
names neither draws the same look. A role that never names one is drawn with the first
look of its role (content.copy.LOOKS), which is what the renderer draws by default.
"""

from __future__ import annotations

from collections.abc import Iterable

from fanzha.content.copy import LOOK_GENDER, LOOKS
from fanzha.content.model import CastModel, PanelModel

__all__ = ["drawn_gender", "drawn_look", "look_of", "story_looks"]


def look_of(role: str, look: str | None, gender: str | None) -> str | None:
    """The look a cast entry names, or the first of its role with the gender asked for."""
    if look is not None or gender is None:
        return look
    return next((lk for lk in LOOKS.get(role, ()) if LOOK_GENDER[lk] == gender), None)


def story_looks(panels: Iterable[PanelModel]) -> dict[str, str]:
    """The look each role is given in a story: the first one any panel names for it."""
    looks: dict[str, str] = {}
    for panel in panels:
        for member in panel.cast:
            named = look_of(member.role, member.look, member.gender)
            if named is not None and named in LOOKS.get(member.role, ()):
                looks.setdefault(member.role, named)
    return looks


def drawn_look(member: CastModel, story: dict[str, str]) -> str | None:
    """The look drawn for a cast entry: its own, the story's for its role, else the default."""
    own = look_of(member.role, member.look, member.gender)
    if own is not None:
        return own
    if member.role in story:
        return story[member.role]
    looks = LOOKS.get(member.role, ())
    return looks[0] if looks else None


def drawn_gender(member: CastModel, story: dict[str, str]) -> str | None:
    """f or m as drawn (None for a look the gender table does not know)."""
    look = drawn_look(member, story)
    return LOOK_GENDER.get(look) if look else None
