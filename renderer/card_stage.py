"""Card staging: shot sizes, the scam's phone screen beside the victim, tails at mouths, and
each planned panel's geometry for the manifest.

A card panel is a fixed rectangle, so its cast is sized to what the words leave free
(panel_plan). This module decides what that cast looks like: figures cut at the hips in a
medium or close shot (faces large enough to read), the phone screen the script names shown
as a close-up on the caller's side (the caller is on the line, not in the room), and where
every tail starts and stops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import CastMember, Panel
from fanzha.renderer import balloons as shapes
from fanzha.renderer import characters, screens
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.stage import Staging

Box = tuple[int, int, int, int]
Point = tuple[float, float]
# design rows from the top of the head a shot shows (of the figure's 200): to the hips, all
SHOT_ROWS = {"close": 100.0, "medium": 128.0, "wide": 200.0}
HEAD_TOP = 10.0  # design row just above the tallest hair
DESIGN_ASPECT = 0.6  # the design grid is 120 × 200
# the screen close-up's width as shares of the panel, tried in turn
SCREEN_SHARES = (0.44, 0.52, 0.38)


@dataclass(frozen=True)
class Cast:
    """The cast of a card panel: each member's drawn box, facing, and the screen if any."""

    members: tuple[tuple[CastMember, Box, str], ...]  # box: the visible part (balloons avoid it)
    drawn: tuple[Box, ...]  # the full design box each member is drawn in (may pass the panel)
    shot: str
    screen: screens.ScreenPlan | None = None


def figure_box(visible: Box, shot: str) -> Box:
    """The full design box of a figure whose visible part (head top to the cut) is `visible`."""
    x0, y0, x1, y1 = visible
    if shot == "wide":
        return visible
    scale = (y1 - y0) / (SHOT_ROWS[shot] - HEAD_TOP)
    top = y0 - round(HEAD_TOP * scale)
    return x0, top, x1, top + round(200 * scale)


def visible_width(h: int, shot: str, aspect: float) -> int:
    """Width of a figure whose visible part is h tall in a shot (a cut figure is wider)."""
    if shot == "wide":
        return int(h * aspect)
    return int(h / (SHOT_ROWS[shot] - HEAD_TOP) * 200 * DESIGN_ASPECT)


def screen_plan(
    fonts: FontSet,
    name: str,
    panel: Panel,
    inner: Box,
    top: int,
    side: str,
    share: float,
    size: int,
    spacing: float,
    zh: bool,
) -> screens.ScreenPlan | None:
    """The phone screen as a close-up on `side`, standing on the panel's floor; None if its
    words do not fit under the caption at this size."""
    assert panel.screen is not None
    width = int((inner[2] - inner[0]) * share)
    x0 = inner[0] if side == "left" else inner[2] - width
    # a phone's proportions where the panel has the height; a wide banner crops closer
    for aspect in (1.05, 0.6):
        height = screens.height_for(fonts, panel.screen, width, size, spacing, zh, aspect)
        if height is not None and inner[3] - height >= top:
            box = (x0, inner[3] - height, x0 + width, inner[3])
            return screens.plan(fonts, f"{name}.screen", panel.screen, box, size, spacing, zh)
    return None


def remote_side(st: Staging) -> str:
    """Where the caller (or their screen) goes: their own side, else opposite the holder."""
    if st.remote:
        return st.remote[0].side
    holder = st.holder.side if st.holder else "left"
    return "right" if holder == "left" else "left"


def anchor(speaker: Box | None, facing: str, screen: bool, px: Any) -> tuple[Point, Any]:
    """The point a tail aims at (the mouth, or the phone's earpiece) and the circle it stops at
    (the head, or the earpiece): (cx, cy, r)."""
    if speaker is None:
        return (0.0, 0.0), None
    if screen:
        cx = (speaker[0] + speaker[2]) / 2
        ear = (cx, speaker[1] + px(20))
        return ear, (ear[0], ear[1], px(28))
    mx, my = characters.character_mouth(speaker, facing)
    hx, hy = characters.character_head(speaker)
    return (float(mx), float(my)), (hx, hy, characters.character_head_radius(speaker) + px(6))


def tail(
    outer: Box,
    kind: str,
    spike: float,
    target: Point,
    stop: Any,
    lw: int,
    others: tuple[Box, ...] = (),
) -> dict[str, Any]:
    """Where a balloon's tail leaves it, where its tip is and what it points at; `gap` is what
    the drawing leaves between tip and target, `reach` the longest it may be. A tail runs all
    the way to the speaker's head unless that would cross another balloon or the caption."""
    inner = outer if kind != "alarm" else _shrink(outer, int(spike))
    base = max(18, lw * 7)
    start = shapes.tail_start(inner, target, base)
    sx, sy = start
    tx, ty = target
    dist = math.hypot(tx - sx, ty - sy) or 1.0
    want = dist
    if stop is not None:  # stop at the head's (or earpiece's) edge, not on the face
        cx, cy, r = stop
        fx, fy = sx - cx, sy - cy
        dx, dy = tx - sx, ty - sy
        a = dx * dx + dy * dy
        b = 2 * (fx * dx + fy * dy)
        c = fx * fx + fy * fy - r * r
        disc = b * b - 4 * a * c
        t = (-b - math.sqrt(disc)) / (2 * a) if a and disc >= 0 else 1 - r / dist
        want = dist * min(max(t, 0.0), 1.0)
    gap = dist - want
    # as balloons.tail_polygon draws it: never shorter than a stub
    longest = 10_000.0
    reach = max(want, min(base * 1.2, dist * 0.5))
    if _crosses((sx, sy), (tx - sx) / dist, (ty - sy) / dist, reach, others, base / 2):
        longest = base * 5
        reach = min(reach, longest)
    tip = (sx + (tx - sx) * reach / dist, sy + (ty - sy) * reach / dist)
    return {
        "from": [round(sx), round(sy)],
        "tip": [round(tip[0]), round(tip[1])],
        "points_at": [round(tx), round(ty)],
        "gap": gap,
        "reach": longest,
    }


def _crosses(
    start: Point, ux: float, uy: float, length: float, boxes: tuple[Box, ...], pad: float
) -> bool:
    """Whether a tail of this length (and half-width pad) runs into any of the boxes."""
    steps = max(2, int(length // 8))
    for i in range(2, steps + 1):  # from a little way out: the tail leaves its own balloon
        x, y = start[0] + ux * length * i / steps, start[1] + uy * length * i / steps
        for b in boxes:
            if b[0] - pad < x < b[2] + pad and b[1] - pad < y < b[3] + pad:
                return True
    return False


def _shrink(box: Box, by: int) -> Box:
    return box[0] + by, box[1] + by, box[2] - by, box[3] - by


def clip(box: Box, area: Box) -> list[int]:
    """The part of box inside area."""
    return [max(box[0], area[0]), max(box[1], area[1]), min(box[2], area[2]), min(box[3], area[3])]
