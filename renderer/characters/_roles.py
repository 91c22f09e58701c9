"""What makes each role recognisable: hair, costume details, headwear and eyewear.

Each role gives three drawing steps on the shared grid of _bodies (facing right):
``back`` (behind the body: back hair, bun, hood), ``costume`` (over the torso) and
``front`` (over the face: fringe, cap, hood rim).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from fanzha.renderer.characters._palette import GOLD, WHITE, Costume, shade
from fanzha.renderer.characters._pen import Pen, Point, bezier

Step = Callable[[Pen, Costume], None]


def arc_pts(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float) -> list[Point]:
    """Points along an ellipse from angle a0 to a1 (degrees, y down, 180→360 is the top)."""
    n = max(4, int(abs(a1 - a0) / 6))
    return [
        (
            cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
            cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n)),
        )
        for i in range(n + 1)
    ]


def _mx(x: float, side: int) -> float:
    """x mirrored around the body's centre line when side is -1."""
    return 60 + side * (x - 60)


def _cap_of_hair(pen: Pen, color: tuple[int, int, int], fringe: list[Point]) -> None:
    """Hair over the top of the head down to a fringe edge given from right to left."""
    pen.poly(arc_pts(60, 44, 31.5, 29.5, 178, 362) + fringe, color)


# --- elderly: grey bun, round glasses, rust cardigan with buttons -------------------------


def _elderly_back(pen: Pen, c: Costume) -> None:
    pen.ellipse(41, 21, 11, 10, c.hair)
    pen.ellipse(60, 42, 31.5, 27, c.hair)


def _elderly_costume(pen: Pen, c: Costume) -> None:
    pen.poly([(52, 81), (68, 81), (64, 152), (56, 152)], c.shirt)
    pen.chord(60, 80, 8.5, 6, 0, 180, c.shirt)
    for y in (101, 118, 135):
        pen.ellipse(54.5 + (y - 101) * 0.06, y, 2.3, 2.3, c.accent)
    pen.rrect((40, 126, 51, 139), 3, shade(c.top, 0.88))
    pen.rrect((36, 145, 84, 152), 0, shade(c.top, 0.88))  # ribbed hem


def _elderly_front(pen: Pen, c: Costume) -> None:
    fringe = bezier((89.5, 48), (89, 28), (70, 26), (63, 33), 8)
    fringe += bezier((63, 33), (56, 25), (38, 27), (30.5, 48), 8)[1:]
    _cap_of_hair(pen, c.hair, fringe)
    pen.stroke([(70, 24), (76, 27)], 1.4)  # a wave in the hair


# --- young worker: spiky hair, work jacket, hi-vis vest, lanyard --------------------------


def _worker_back(pen: Pen, c: Costume) -> None:
    pen.ellipse(59, 40, 31, 25, c.hair)


def _worker_costume(pen: Pen, c: Costume) -> None:
    pen.stroke([(60, 88), (60, 152)], 1.4)
    for side in (1, -1):
        pen.poly(
            [
                (_mx(38, side), 100),
                (_mx(44, side), 88),
                (_mx(54, side), 83),
                (_mx(55, side), 152),
                (_mx(37, side), 152),
            ],
            c.accent,
        )
        for y in (122, 135):
            pen.poly(
                [
                    (_mx(37.6, side), y),
                    (_mx(55, side), y),
                    (_mx(55, side), y + 5),
                    (_mx(37.4, side), y + 5),
                ],
                (226, 230, 234),
            )
        pen.poly(
            [(_mx(50, side), 80), (_mx(60, side), 88), (_mx(53, side), 94)], shade(c.top, 0.85)
        )
    pen.stroke([(54, 84), (60, 104), (66, 84)], 2.0, (206, 62, 62))
    pen.rrect((54.5, 102, 65.5, 116), 1.5, WHITE)
    pen.rrect((56.5, 104, 63.5, 108), 0, c.top, outline=False)


def _worker_front(pen: Pen, c: Costume) -> None:
    spikes = [(89.5, 48), (87, 33), (81, 37), (75, 28), (68, 34), (60, 26), (53, 33), (46, 28)]
    _cap_of_hair(pen, c.hair, [*spikes, (41, 35), (34, 36), (30.5, 48)])


# --- shop owner: receding hair, moustache, mustard shirt, green apron ---------------------


def _shop_back(pen: Pen, c: Costume) -> None:
    pen.ellipse(59, 41, 31, 24, c.hair)


def _shop_costume(pen: Pen, c: Costume) -> None:
    pen.poly([(50, 80), (60, 88), (53, 95)], shade(c.top, 0.88))
    pen.poly([(70, 80), (60, 88), (67, 95)], shade(c.top, 0.88))
    for x0, x1 in ((48, 52), (72, 68)):
        pen.limb([(x0, 100), (x1, 84)], 2.6, c.accent)
    pen.poly([(46, 98), (74, 98), (77, 170), (43, 170)], c.accent)
    pen.rrect((52, 118, 68, 132), 2, shade(c.accent, 0.85))
    pen.stroke([(60, 118), (60, 132)], 1.4)


def _shop_front(pen: Pen, c: Costume) -> None:
    edge = bezier((89.5, 47), (88, 26), (74, 21), (60, 22), 8)
    edge += bezier((60, 22), (46, 23), (36, 28), (30.5, 47), 8)[1:]
    _cap_of_hair(pen, c.hair, edge)
    m = [
        (58, 58),
        (61.5, 55.5),
        (65, 56.5),
        (68.5, 55.5),
        (72, 58),
        (68.5, 59),
        (65, 58.2),
        (61.5, 59),
    ]
    pen.poly(m, c.hair)


# --- scammer on the phone: hood, sunglasses, sly grin -------------------------------------


def _scammer_back(pen: Pen, c: Costume) -> None:
    pen.ellipse(60, 46, 36, 35, c.top)


def _scammer_costume(pen: Pen, c: Costume) -> None:
    pen.rrect((45, 120, 75, 146), 6, shade(c.top, 0.86))
    for x0, x1 in ((55, 54), (65, 66)):
        pen.stroke([(x0, 84), (x1, 104)], 1.8, WHITE)


def _scammer_front(pen: Pen, c: Costume) -> None:
    opening = bezier((88, 70), (92, 40), (80, 32), (60, 32), 10)
    opening += bezier((60, 32), (40, 32), (28, 40), (32, 70), 10)[1:]
    pen.poly(arc_pts(60, 46, 36, 35, 150, 390) + opening, c.top)
    pen.poly([(40, 36), (48, 33), (47, 40)], c.hair)  # a strand of hair under the hood
    pen.poly([(62, 33), (74, 34), (68, 40)], c.hair)


# --- fake officer: police-like (not real) uniform, blank cap emblem -----------------------


def _officer_back(pen: Pen, c: Costume) -> None:
    pen.ellipse(59, 42, 31, 24, c.hair)


def _officer_costume(pen: Pen, c: Costume) -> None:
    pen.poly([(52, 81), (68, 81), (60, 97)], c.shirt)
    pen.poly([(58.5, 88), (61.5, 88), (63.5, 110), (60, 114), (56.5, 110)], shade(c.top, 0.55))
    for side in (1, -1):
        pen.poly(
            [(_mx(51, side), 80), (_mx(60, side), 91), (_mx(50, side), 94)], shade(c.top, 0.88)
        )
        pen.rrect(
            (min(_mx(39, side), _mx(51, side)), 84, max(_mx(39, side), _mx(51, side)), 90),
            2,
            shade(c.top, 0.7),
        )
        pen.rrect(
            (min(_mx(42, side), _mx(54, side)), 101, max(_mx(42, side), _mx(54, side)), 113),
            2,
            shade(c.top, 0.92),
        )
        pen.ellipse(_mx(48, side), 104, 1.6, 1.6, c.accent, outline=False)
    pen.rrect((36, 140, 84, 148), 1, shade(c.top, 0.45))
    pen.rrect((56, 139.5, 64, 148.5), 1.5, c.accent)


def _officer_front(pen: Pen, c: Costume) -> None:
    pen.poly([(31, 38), (38, 34), (40, 52), (33, 54)], c.hair)  # short hair under the cap
    pen.poly([(32, 34), (25, 17), (42, 8), (82, 8), (97, 17), (90, 34)], c.top)
    pen.rrect((31, 26, 91, 35), 2, shade(c.top, 0.55))
    pen.ellipse(63, 19, 5.5, 6, c.accent)  # a blank emblem: no real insignia
    pen.chord(67, 34, 25, 6.5, 0, 180, (36, 36, 42))


# --- bank staff: neat bob, navy suit, red scarf, name badge -------------------------------


def _bank_back(pen: Pen, c: Costume) -> None:
    pen.rrect((27.5, 16, 92.5, 74), 26, c.hair)


def _bank_costume(pen: Pen, c: Costume) -> None:
    pen.poly([(51, 81), (69, 81), (60, 106)], c.shirt)
    for side in (1, -1):
        pen.poly(
            [(_mx(50, side), 80), (_mx(60, side), 107), (_mx(53, side), 114), (_mx(43, side), 92)],
            shade(c.top, 0.78),
        )
    for y in (122, 135):
        pen.ellipse(60, y, 2.0, 2.0, GOLD)
    pen.rrect((67, 99, 80, 107), 1.5, (250, 240, 214))
    pen.stroke([(69.5, 103), (77.5, 103)], 1.4, c.top)
    pen.poly([(60, 86), (49, 80), (50, 93)], c.accent)
    pen.poly([(60, 86), (71, 80), (70, 93)], c.accent)
    pen.poly([(59, 87), (53, 102), (60, 99)], c.accent)
    pen.ellipse(60, 86, 3.4, 3.4, shade(c.accent, 0.85))


def _bank_front(pen: Pen, c: Costume) -> None:
    fringe = bezier((91.5, 52), (90, 34), (82, 29), (76, 29), 6)
    fringe += bezier((76, 29), (66, 36), (48, 36), (38, 30), 8)[1:]
    fringe += bezier((38, 30), (32, 38), (31, 54), (28.5, 62), 6)[1:]
    _cap_of_hair(pen, c.hair, fringe)


# --- family member: ponytail, orange sweater, jeans ---------------------------------------


def _family_back(pen: Pen, c: Costume) -> None:
    tail = bezier((38, 26), (18, 28), (14, 54), (20, 72), 10)
    tail += bezier((20, 72), (28, 60), (34, 46), (40, 38), 8)[1:]
    pen.poly(tail, c.hair)
    pen.ellipse(59, 42, 31, 26, c.hair)
    pen.ellipse(36, 30, 4, 4, (226, 86, 96))  # hair tie


def _family_costume(pen: Pen, c: Costume) -> None:
    pen.chord(60, 80, 10.5, 7, 0, 180, shade(c.top, 0.86))
    pen.poly([(36.5, 106), (83.5, 106), (83.5, 113), (36.5, 113)], c.shirt)
    pen.rrect((36, 144, 84, 152), 0, shade(c.top, 0.86))


def _family_front(pen: Pen, c: Costume) -> None:
    fringe = bezier((89.5, 48), (90, 30), (78, 26), (72, 28), 6)
    fringe += bezier((72, 28), (62, 40), (46, 38), (38, 34), 8)[1:]
    fringe += [(32, 42), (30.5, 50)]
    _cap_of_hair(pen, c.hair, fringe)


@dataclass(frozen=True)
class RoleStyle:
    """How one role is drawn on top of the shared body."""

    back: Step
    costume: Step
    front: Step
    eyes: str = "plain"  # plain, glasses or sunglasses
    sly: bool = False  # a lopsided grin when calm
    mouth_dy: float = 0.0  # room under a moustache
    brow: float = 0.8  # brow colour as a shade of the hair: grey hair needs darker brows


STYLES: dict[str, RoleStyle] = {
    "elderly": RoleStyle(_elderly_back, _elderly_costume, _elderly_front, "glasses", brow=0.55),
    "young_worker": RoleStyle(_worker_back, _worker_costume, _worker_front),
    "shop_owner": RoleStyle(_shop_back, _shop_costume, _shop_front, mouth_dy=2.5),
    "scammer_phone": RoleStyle(_scammer_back, _scammer_costume, _scammer_front, "sunglasses", True),
    "fake_officer": RoleStyle(_officer_back, _officer_costume, _officer_front),
    "bank_staff": RoleStyle(_bank_back, _bank_costume, _bank_front),
    "family": RoleStyle(_family_back, _family_costume, _family_front),
}
