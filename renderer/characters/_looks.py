"""Looks: every design in content.copy.LOOKS, built from hair, costume and accessories.

A role's first look is its default design; the others vary gender, age and, for scammers,
the disguise their scam needs: a friendly agent with a headset, a smartly dressed
"investment teacher", a "purchasing officer" in a military-style jacket, an online
"sweetheart", a recruiter, a fake boss, a warm caller. None wears a hoodie or sunglasses:
real scammers look plausible.
"""

from __future__ import annotations

from typing import Any

from fanzha.renderer.characters import _roles
from fanzha.renderer.characters._palette import (
    COSTUMES,
    GOLD,
    SKIN_LIGHT,
    SKIN_MID,
    SKIN_TAN,
    WHITE,
    Costume,
    shade,
)
from fanzha.renderer.characters._pen import Pen, bezier
from fanzha.renderer.characters._roles import RoleStyle, _cap_of_hair, _mx, arc_pts

# --- hair ---------------------------------------------------------------------------------


def _short_back(pen: Pen, c: Costume) -> None:
    pen.ellipse(59, 41, 31, 24, c.hair)


def _short_front(pen: Pen, c: Costume) -> None:
    edge = bezier((89.5, 46), (89, 30), (78, 25), (64, 27), 8)
    edge += bezier((64, 27), (50, 30), (40, 30), (30.5, 46), 8)[1:]
    _cap_of_hair(pen, c.hair, edge)


def _slick_front(pen: Pen, c: Costume) -> None:
    edge = bezier((89.5, 44), (88, 24), (70, 22), (48, 30), 8)
    edge += bezier((48, 30), (40, 33), (34, 38), (30.5, 46), 6)[1:]
    _cap_of_hair(pen, c.hair, edge)
    pen.stroke([(50, 24), (70, 21)], 1.4, shade(c.hair, 1.4))  # a comb line: groomed


def _long_back(pen: Pen, c: Costume) -> None:
    pen.rrect((26, 18, 94, 104), 24, c.hair)


def _long_front(pen: Pen, c: Costume) -> None:
    fringe = bezier((91, 60), (92, 30), (76, 24), (62, 30), 8)
    fringe += bezier((62, 30), (50, 38), (36, 38), (29, 60), 8)[1:]
    _cap_of_hair(pen, c.hair, fringe)


def _shoulder_back(pen: Pen, c: Costume) -> None:
    """Hair to the shoulders with a clip: reads as a young woman even at phone size."""
    pen.rrect((26.5, 17, 93.5, 90), 24, c.hair)
    pen.ellipse(85, 36, 4.5, 3, (226, 86, 96))


def _pigtails_back(pen: Pen, c: Costume) -> None:
    for x in (22, 98):
        pen.ellipse(x, 52, 9, 15, c.hair)
        pen.ellipse(x, 40, 4, 4, (226, 86, 96))
    pen.ellipse(59, 42, 31, 26, c.hair)


def _curly_back(pen: Pen, c: Costume) -> None:
    for x, y in ((34, 36), (46, 22), (62, 18), (78, 24), (88, 38), (30, 52), (90, 52)):
        pen.ellipse(x, y, 12, 12, c.hair)


def _curly_front(pen: Pen, c: Costume) -> None:
    for x, y in ((40, 30), (52, 24), (66, 24), (80, 30)):
        pen.ellipse(x, y, 10, 9, c.hair)


def _grey_temples_front(pen: Pen, c: Costume) -> None:
    _roles._shop_front(pen, c)  # receding hairline, moustache
    pen.poly([(31, 44), (35, 36), (37, 50)], shade(c.hair, 1.9))


def _buzz_front(pen: Pen, c: Costume) -> None:
    edge = bezier((89.5, 44), (88, 28), (76, 24), (60, 24), 8)
    edge += bezier((60, 24), (44, 24), (34, 28), (30.5, 44), 8)[1:]
    _cap_of_hair(pen, c.hair, edge)


def _baseball_front(pen: Pen, c: Costume) -> None:
    _short_front(pen, c)
    pen.poly(arc_pts(60, 38, 31, 22, 180, 360), c.accent)
    pen.chord(80, 36, 22, 6, 0, 180, shade(c.accent, 0.8))  # the peak, towards the face


# --- costumes -----------------------------------------------------------------------------


def _lanyard(pen: Pen, c: Costume) -> None:
    pen.stroke([(54, 84), (60, 104), (66, 84)], 2.0, (206, 62, 62))
    pen.rrect((54.5, 102, 65.5, 116), 1.5, WHITE)
    pen.rrect((56.5, 104, 63.5, 108), 0, c.top, outline=False)


def _jacket(pen: Pen, c: Costume) -> None:
    """A plain work jacket with a zip and a staff lanyard: an office hire, not a site worker."""
    pen.poly([(52, 81), (68, 81), (60, 95)], c.shirt)
    pen.stroke([(60, 95), (60, 152)], 1.4)
    for side in (1, -1):
        pen.poly(
            [(_mx(50, side), 80), (_mx(60, side), 92), (_mx(52, side), 98)], shade(c.top, 0.85)
        )
    _lanyard(pen, c)


def _sweater(pen: Pen, c: Costume) -> None:
    pen.chord(60, 80, 10.5, 7, 0, 180, shade(c.top, 0.86))
    pen.rrect((36, 144, 84, 152), 0, shade(c.top, 0.86))
    pen.stroke([(40, 118), (80, 118)], 2.0, c.accent)


def _suit_tie(pen: Pen, c: Costume) -> None:
    pen.poly([(51, 81), (69, 81), (60, 106)], c.shirt)
    pen.poly([(58, 86), (62, 86), (64, 110), (60, 116), (56, 110)], c.accent)  # tie
    for side in (1, -1):
        pen.poly(
            [(_mx(50, side), 80), (_mx(60, side), 110), (_mx(53, side), 116), (_mx(43, side), 92)],
            shade(c.top, 0.8),
        )
    pen.ellipse(60, 128, 2.0, 2.0, shade(c.top, 0.6))


def _blouse_headset(pen: Pen, c: Costume) -> None:
    pen.poly([(51, 81), (69, 81), (60, 100)], c.shirt)
    pen.poly([(60, 86), (52, 82), (53, 92)], c.accent)
    pen.poly([(60, 86), (68, 82), (67, 92)], c.accent)
    pen.rrect((66, 99, 79, 107), 1.5, (250, 240, 214))  # a name badge: "customer service"
    pen.stroke([(68.5, 103), (76.5, 103)], 1.4, c.top)


def _tracksuit(pen: Pen, c: Costume) -> None:
    pen.poly([(52, 81), (68, 81), (60, 92)], WHITE)
    pen.stroke([(60, 92), (60, 152)], 1.4)
    for x in (38, 82):
        pen.rrect((x - 2.5, 84, x + 2.5, 152), 0, c.accent, outline=False)
    pen.rrect((36, 144, 84, 152), 0, c.accent)


def _military(pen: Pen, c: Costume) -> None:
    """A military-style jacket with pockets and no insignia: looks official, proves nothing."""
    pen.poly([(52, 81), (68, 81), (60, 95)], c.shirt)
    pen.stroke([(60, 95), (60, 152)], 1.4)
    for side in (1, -1):
        x0, x1 = sorted((_mx(42, side), _mx(55, side)))
        pen.rrect((x0, 104, x1, 118), 2, shade(c.top, 0.9))
        pen.stroke([(x0, 108), (x1, 108)], 1.2)
        ex0, ex1 = sorted((_mx(38, side), _mx(50, side)))
        pen.rrect((ex0, 84, ex1, 89), 1, shade(c.top, 0.8))


def _polo_chain(pen: Pen, c: Costume) -> None:
    pen.poly([(52, 80), (60, 92), (68, 80)], c.shirt)
    pen.stroke([(52, 86), (60, 97), (68, 86)], 1.6, GOLD)
    pen.rrect((57, 92, 63, 104), 1, shade(c.top, 0.85))


def _top_earrings(pen: Pen, c: Costume) -> None:
    pen.chord(60, 80, 12, 9, 0, 180, c.shirt)
    pen.stroke([(44, 100), (76, 100)], 2.0, c.accent)


def _uniform_real(pen: Pen, c: Costume) -> None:
    """Police: dark uniform, white shirt collar, a silver badge, shoulder boards."""
    pen.poly([(52, 81), (68, 81), (60, 96)], c.shirt)
    pen.poly([(58.5, 88), (61.5, 88), (62.5, 106), (60, 110), (57.5, 106)], (30, 36, 60))
    for side in (1, -1):
        x0, x1 = sorted((_mx(38, side), _mx(51, side)))
        pen.rrect((x0, 84, x1, 90), 1.5, (30, 36, 60))
        px0, px1 = sorted((_mx(42, side), _mx(54, side)))
        pen.rrect((px0, 102, px1, 114), 2, shade(c.top, 0.9))
    pen.ellipse(71, 104, 4.2, 4.8, (214, 218, 226))  # badge (no real insignia)


def _police_cap(pen: Pen, c: Costume) -> None:
    pen.poly([(31, 38), (38, 34), (40, 52), (33, 54)], c.hair)
    pen.poly([(32, 34), (27, 19), (44, 10), (80, 10), (95, 19), (90, 34)], c.top)
    pen.rrect((31, 26, 91, 35), 2, (30, 36, 60))
    pen.ellipse(63, 20, 5.5, 6, GOLD)
    pen.chord(67, 34, 25, 6.5, 0, 180, (24, 26, 34))


def _headset(pen: Pen, c: Costume) -> None:
    """Over the hair: a headset band, an ear cup and a microphone towards the mouth."""
    pen.arc(60, 44, 32, 30, 185, 355, width=3.2, color=(60, 64, 76))
    pen.ellipse(31, 48, 5.5, 7.5, (60, 64, 76))
    pen.stroke([(33, 55), (44, 66), (58, 64)], 1.8, (60, 64, 76))
    pen.ellipse(59, 64, 2.4, 2.4, (40, 42, 52))


def _with(*steps: Any) -> Any:
    def run(pen: Pen, c: Costume) -> None:
        for step in steps:
            step(pen, c)

    return run


def _c(base: str, **changes: Any) -> Costume:
    from dataclasses import replace

    return replace(COSTUMES[base], **changes)


R = _roles
LOOK_DESIGNS: dict[str, tuple[RoleStyle, Costume]] = {
    "grandma": (R.STYLES["elderly"], COSTUMES["elderly"]),
    "grandpa": (
        RoleStyle(_short_back, R._elderly_costume, _grey_temples_front, "glasses", brow=0.55),
        _c("elderly", hair=(200, 198, 196), top=(132, 110, 92), accent=(210, 190, 150)),
    ),
    "young_woman": (
        RoleStyle(_shoulder_back, _jacket, R._bank_front),
        _c("young_worker", skin=SKIN_LIGHT, hair=(40, 34, 38), top=(96, 136, 120)),
    ),
    "young_man": (
        RoleStyle(R._worker_back, _jacket, R._worker_front),
        _c("young_worker", top=(74, 112, 160)),
    ),
    "owner_woman": (
        RoleStyle(_curly_back, R._shop_costume, _curly_front),
        _c(
            "shop_owner",
            skin=SKIN_LIGHT,
            hair=(70, 44, 40),
            top=(226, 150, 160),
            shirt=(226, 150, 160),
            accent=(92, 128, 176),
        ),
    ),
    "owner_man": (R.STYLES["shop_owner"], COSTUMES["shop_owner"]),
    "daughter": (R.STYLES["family"], COSTUMES["family"]),
    "son": (
        RoleStyle(_short_back, _sweater, _short_front),
        _c("family", skin=SKIN_MID, hair=(44, 36, 36), top=(92, 140, 190), accent=(250, 236, 210)),
    ),
    "schoolgirl": (
        RoleStyle(_pigtails_back, _tracksuit, R._family_front),
        _c("family", top=(70, 96, 170), accent=(250, 250, 246), trousers=(70, 96, 170)),
    ),
    "schoolboy": (
        RoleStyle(_short_back, _tracksuit, R._worker_front),
        _c(
            "family",
            skin=SKIN_MID,
            hair=(36, 30, 32),
            top=(70, 96, 170),
            accent=(250, 250, 246),
            trousers=(70, 96, 170),
        ),
    ),
    "teller_woman": (R.STYLES["bank_staff"], COSTUMES["bank_staff"]),
    "teller_man": (
        RoleStyle(_short_back, _suit_tie, _short_front),
        _c("bank_staff", hair=(36, 32, 34), skin=SKIN_MID),
    ),
    "officer": (
        RoleStyle(_short_back, _uniform_real, _police_cap),
        _c(
            "fake_officer",
            top=(34, 44, 78),
            trousers=(34, 44, 78),
            shirt=(244, 246, 250),
            accent=GOLD,
        ),
    ),
    "agent_headset": (
        RoleStyle(R._bank_back, _blouse_headset, _with(R._bank_front, _headset)),
        _c(
            "bank_staff",
            top=(96, 160, 178),
            shirt=(250, 250, 246),
            accent=(250, 190, 120),
            trousers=(70, 80, 96),
        ),
    ),
    "investment_teacher": (
        RoleStyle(_short_back, _suit_tie, _slick_front, "glasses", sly=True),
        _c(
            "bank_staff",
            top=(92, 96, 110),
            trousers=(92, 96, 110),
            accent=(190, 40, 52),
            hair=(30, 28, 30),
        ),
    ),
    "purchasing_officer": (
        RoleStyle(_short_back, _military, _buzz_front),
        _c(
            "fake_officer",
            top=(96, 110, 76),
            trousers=(84, 96, 66),
            shirt=(214, 206, 170),
            hair=(36, 32, 34),
        ),
    ),
    "sweetheart": (
        RoleStyle(_long_back, _top_earrings, _long_front),
        _c(
            "family",
            skin=SKIN_LIGHT,
            hair=(58, 36, 32),
            top=(236, 150, 170),
            shirt=(250, 236, 236),
            accent=(250, 220, 120),
        ),
    ),
    "recruiter": (
        RoleStyle(_short_back, _polo_chain, _baseball_front, sly=True),
        _c(
            "young_worker",
            skin=SKIN_TAN,
            top=(230, 230, 226),
            shirt=(230, 230, 226),
            accent=(40, 44, 60),
        ),
    ),
    "fake_boss": (
        RoleStyle(R._shop_back, _suit_tie, _grey_temples_front),
        _c(
            "bank_staff",
            top=(44, 44, 52),
            trousers=(44, 44, 52),
            accent=(130, 30, 40),
            hair=(50, 44, 44),
            skin=SKIN_MID,
        ),
    ),
    "caller": (
        RoleStyle(_short_back, _jacket, _short_front, sly=True),
        _c("young_worker", top=(120, 112, 150), skin=SKIN_MID),
    ),
    "fake_officer": (R.STYLES["fake_officer"], COSTUMES["fake_officer"]),
}


def design(role: str, look: str | None) -> tuple[RoleStyle, Costume]:
    """The style and colours a cast member is drawn with (the role's first look by default)."""
    from fanzha.content.copy import LOOKS

    chosen = look if look in LOOK_DESIGNS else LOOKS[role][0]
    return LOOK_DESIGNS[chosen]
