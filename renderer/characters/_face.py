"""Faces and emotion marks: the four expressions must read at a glance, even at 150 px.

All coordinates are design units of a figure facing right (see _bodies for the grid):
the head is centred at (HX, HY) and the face is turned a little towards the right.
"""

from __future__ import annotations

import math

from fanzha.renderer.characters._palette import (
    BLUSH,
    EFFECT,
    INK,
    MOUTH,
    RELIEF,
    SHINE,
    SWEAT,
    TONGUE,
    WHITE,
)
from fanzha.renderer.characters._pen import Pen, bezier

HX, HY, HRX, HRY = 60.0, 46.0, 29.0, 28.0  # head centre and radii
FX = HX + 5.0  # the face is turned a little towards where the figure looks
EYE_Y = HY + 3.0
EYE_DX = 10.0
BROW_Y = HY - 7.0
MOUTH_Y = HY + 14.0


def _eyes(pen: Pen, expression: str) -> None:
    for ex in (FX - EYE_DX, FX + EYE_DX):
        if expression == "alarmed":
            # wide, white, tiny pupils: the clearest shock signal in flat comics
            pen.ellipse(ex, EYE_Y - 1, 5.4, 6.4, WHITE, outline=True)
            pen.ellipse(ex + 0.6, EYE_Y - 0.4, 2.0, 2.2, INK, outline=False)
        elif expression == "relieved":
            # closed, smiling eyes: an upward arch
            pen.arc(ex, EYE_Y + 1.5, 4.4, 3.6, 200, 340, width=2.2)
        else:
            ry = 4.3 if expression == "calm" else 3.9
            lift = -0.8 if expression == "worried" else 0.0  # worried eyes glance up
            pen.ellipse(ex, EYE_Y + lift, 3.1, ry, INK, outline=False)
            pen.ellipse(ex + 1.0, EYE_Y + lift - 1.6, 1.1, 1.1, SHINE, outline=False)


def _brows(pen: Pen, expression: str, color: tuple[int, int, int]) -> None:
    w = 2.2
    left, right = FX - EYE_DX, FX + EYE_DX
    if expression == "worried":
        # inner ends raised: the universal worry brow
        pen.stroke([(left - 5, BROW_Y + 1.5), (left + 4.5, BROW_Y - 3)], w, color)
        pen.stroke([(right - 4.5, BROW_Y - 3), (right + 5, BROW_Y + 1.5)], w, color)
    elif expression == "alarmed":
        pen.arc(left, BROW_Y - 2.5, 5.5, 3.5, 200, 340, width=w, color=color)
        pen.arc(right, BROW_Y - 2.5, 5.5, 3.5, 200, 340, width=w, color=color)
    elif expression == "relieved":
        pen.arc(left, BROW_Y + 1, 5.0, 2.5, 205, 335, width=w, color=color)
        pen.arc(right, BROW_Y + 1, 5.0, 2.5, 205, 335, width=w, color=color)
    else:
        pen.stroke([(left - 4.5, BROW_Y + 0.5), (left + 4.5, BROW_Y)], w, color)
        pen.stroke([(right - 4.5, BROW_Y), (right + 4.5, BROW_Y + 0.5)], w, color)


def _mouth(pen: Pen, expression: str, sly: bool, dy: float) -> None:
    mouth_y = MOUTH_Y + dy
    if expression == "alarmed":
        pen.ellipse(FX, mouth_y + 1, 4.6, 5.8, MOUTH)
        pen.chord(FX, mouth_y + 4.2, 3.0, 2.0, 180, 360, TONGUE, outline=False)
    elif expression == "relieved":
        pen.chord(FX, mouth_y - 3, 7.0, 7.0, 0, 180, MOUTH)
        pen.chord(FX, mouth_y + 3.2, 3.6, 1.6, 180, 360, TONGUE, outline=False)
    elif expression == "worried":
        pen.arc(FX, mouth_y + 3.5, 4.6, 3.2, 205, 335, width=2.2)
    elif sly:
        # a lopsided grin that lifts on one side: shady, not frightening
        grin = bezier(
            (FX - 7, mouth_y - 1),
            (FX - 2, mouth_y + 4),
            (FX + 4, mouth_y + 3),
            (FX + 8, mouth_y - 3),
        )
        pen.stroke(grin, 2.2)
    else:
        pen.arc(FX, mouth_y - 2.5, 5.0, 4.0, 30, 150, width=2.2)


def _nose(pen: Pen) -> None:
    pen.stroke([(FX + 2.5, EYE_Y + 3.5), (FX + 4.5, EYE_Y + 7.5), (FX + 1.5, EYE_Y + 8.5)], 1.6)


def draw_face(
    pen: Pen,
    expression: str,
    brow_color: tuple[int, int, int],
    *,
    eyes: str = "plain",
    sly: bool = False,
    mouth_dy: float = 0.0,
) -> None:
    """Eyes (plain, glasses or sunglasses), brows, nose, mouth and cheeks for one expression."""
    if expression in ("calm", "relieved") and eyes != "sunglasses":
        pen.ellipse(FX - 17, MOUTH_Y - 4, 4.2, 2.6, BLUSH, outline=False)
        pen.ellipse(FX + 16, MOUTH_Y - 4, 3.6, 2.6, BLUSH, outline=False)
    if eyes == "sunglasses":
        _sunglasses(pen)
    else:
        _eyes(pen, expression)
    _brows(pen, expression, brow_color)
    _nose(pen)
    _mouth(pen, expression, sly, mouth_dy)
    if eyes == "glasses":
        for ex in (FX - EYE_DX, FX + EYE_DX):
            pen.ellipse(ex, EYE_Y, 7.2, 6.6, None)
        pen.stroke([(FX - 3, EYE_Y - 1), (FX + 3, EYE_Y - 1)], 2.0)
        pen.stroke([(FX - EYE_DX - 7, EYE_Y - 1), (HX - HRX + 3, EYE_Y - 3)], 2.0)


def _sunglasses(pen: Pen) -> None:
    for ex in (FX - EYE_DX, FX + EYE_DX):
        pen.rrect((ex - 7, EYE_Y - 5, ex + 7, EYE_Y + 4.5), 3.5, (40, 40, 52))
        pen.stroke([(ex - 3.5, EYE_Y - 2), (ex - 0.5, EYE_Y - 3)], 1.4, (150, 160, 190))
    pen.stroke([(FX - 3, EYE_Y - 2), (FX + 3, EYE_Y - 2)], 2.0)


def draw_effects(pen: Pen, expression: str) -> None:
    """The marks around the head: sweat drop, shock lines or a sigh of relief."""
    if expression == "worried":
        x, y = HX + HRX - 1, HY - 16
        drop = bezier((x, y - 9), (x + 1, y - 4), (x + 6, y + 1), (x, y + 4), 8)
        drop += bezier((x, y + 4), (x - 6, y + 1), (x - 1, y - 4), (x, y - 9), 8)[1:]
        pen.poly(drop, SWEAT)
        pen.ellipse(x - 1.5, y, 1.0, 1.5, SHINE, outline=False)
    elif expression == "alarmed":
        for angle, inner, outer in ((-28, 38, 47), (-58, 37, 47), (-122, 37, 47), (-152, 38, 47)):
            _ray(pen, angle, inner, outer)
    elif expression == "relieved":
        # a little cloud of breath: inked circles first, fills on top, so it reads as one puff
        puffs = ((0.0, 1.0, 3.4), (5.0, -2.5, 4.4), (10.5, 0.0, 3.8), (5.5, 2.5, 3.4))
        cx, cy = FX + 25, MOUTH_Y + 1
        for dx, dy, r in puffs:
            pen.ellipse(cx + dx, cy + dy, r + pen.line, r + pen.line, pen.ink, outline=False)
        for dx, dy, r in puffs:
            pen.ellipse(cx + dx, cy + dy, r, r, RELIEF, outline=False)


def _ray(pen: Pen, angle: float, inner: float, outer: float) -> None:
    a = math.radians(angle)
    p0 = (HX + inner * math.cos(a), HY - 4 + inner * math.sin(a))
    p1 = (HX + outer * math.cos(a), HY - 4 + outer * math.sin(a))
    pen.stroke([p0, p1], 2.8, EFFECT)
