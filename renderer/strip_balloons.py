"""A strip panel's balloons, placed and drawn: in reading order, each over its speaker's side, clear of the
tails of earlier balloons; a speaker's consecutive balloons link instead of each having a tail,
and every tail stops at the edge of the speaker's head (or the phone's earpiece).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import Panel
from fanzha.renderer import balloons as shapes
from fanzha.renderer.canvas import Canvas
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.stage import Staging
from fanzha.renderer.strip_cast import Box, Figure, Point, head_circle
from fanzha.renderer.text_box import Metrics, Placed, place_at, spike, text_box
from PIL import ImageDraw


@dataclass(frozen=True)
class Balloon:
    """A balloon, its speaker, and where its tail points; or, joined, the later balloon of the
    same speaker it links to (one tail, from the last, serves them all)."""

    placed: Placed
    speaker: str
    anchor: Point
    stop: tuple[int, int, int] | None  # circle (cx, cy, r) the tail stops at: the head
    join_to: int | None = None  # index of the balloon this one links to
    join_x: int = 0  # where the link runs

    @property
    def joined(self) -> bool:
        """Whether this balloon links to a later one instead of having a tail."""
        return self.join_to is not None


def tail_anchor(
    speaker: str, by_role: dict[str, Figure], side_box: Box | None, screen_plan: Any, m: Metrics
) -> tuple[Point, tuple[int, int, int] | None]:
    """Where a speaker's tail points (the mouth; a phone voice: the earpiece) and where it stops."""
    fig = by_role.get(speaker)
    if fig is not None:
        return fig.mouth, head_circle(fig.face, m.px(10))
    box = screen_plan.box if screen_plan is not None else side_box
    if box is not None:  # a voice from the phone: the tail points at its earpiece
        cx = (box[0] + box[2]) // 2
        return (cx, box[1] + m.px(20)), (cx, box[1] + m.px(20), m.px(28))
    return (0, 0), None


def place_balloons(
    fonts: FontSet,
    name: str,
    panel: Panel,
    st: Staging,
    width: int,
    top: int,
    size: int,
    m: Metrics,
    everyone: list[Figure],
    side_box: Box | None,
) -> Any:
    """Balloons in reading order, each over its speaker's side, clear of earlier tails."""
    edge = m.px(28)
    gap = m.px(26)
    by_role = {f.member.role: f for f in everyone}
    max_w = round((width - 2 * edge) * 0.76)
    offset = 1 if panel.caption else 0
    out: list[Balloon] = []
    # x-ranges earlier tails run down through: (x0, x1, speaker, balloon index)
    columns: list[tuple[int, int, str, int]] = []
    y = top
    for i, line in enumerate(panel.lines):
        anchor, _ = tail_anchor(line.speaker, by_role, side_box, None, m)
        item = f"{name}.{line.kind}{i + offset}"
        others = [(c0, c1) for c0, c1, who, _ in columns if who != line.speaker]
        placed = None
        for limit in (max_w, round(max_w * 0.8), round(max_w * 0.62)):
            got = text_box(fonts, item, line.kind, line.text, size, limit, m)
            if got is None:
                continue
            layout, ow, oh = got
            x0 = _position(anchor[0], ow, width, edge, others)
            if x0 is not None:
                placed = place_at(line.kind, layout, x0, y, ow, oh, m)
                break
        if placed is None:
            return None
        bx0, _, bx1, _ = placed.outer
        kept = []
        for c0, c1, who, j in columns:
            if who == line.speaker and c0 < bx1 and bx0 < c1:
                # the same speaker's earlier balloon links down to this one instead of its tail
                x = min(max((c0 + c1) // 2, bx0 + m.px(30)), bx1 - m.px(30))
                out[j] = dataclasses.replace(out[j], join_to=len(out), join_x=x)
            else:
                kept.append((c0, c1, who, j))
        columns = kept
        out.append(Balloon(placed, line.speaker, anchor, None))
        base = m.px(40)
        attach = min(max(anchor[0], placed.outer[0] + base), placed.outer[2] - base)
        columns.append(
            (min(attach, anchor[0]) - base, max(attach, anchor[0]) + base, line.speaker, i)
        )
        y = placed.outer[3] + gap
    return out


def _position(ax: int, w: int, width: int, edge: int, columns: list[tuple[int, int]]) -> int | None:
    """Left edge for a balloon w wide over anchor x, clear of every tail column; None if none."""
    lo, hi = edge, width - edge - w
    if hi < lo:
        return None
    want = ax - round(w * (0.3 if ax < width / 2 else 0.7))
    candidates = sorted(range(lo, hi + 1, 8), key=lambda x: abs(x - want))
    for x in candidates:
        if all(x + w <= c0 or x >= c1 for c0, c1 in columns):
            return x
    return None


def tail_tip(start: tuple[float, float], anchor: Point, stop: tuple[int, int, int] | None) -> Point:
    """Where a tail from start towards anchor stops: at the edge of the head (or earpiece) circle."""
    sx, sy = start
    ax, ay = anchor
    dx, dy = ax - sx, ay - sy
    dist = math.hypot(dx, dy) or 1.0
    if stop is None:
        return round(ax), round(ay)
    cx, cy, r = stop
    # first intersection of the segment with the circle
    fx, fy = sx - cx, sy - cy
    a = dx * dx + dy * dy
    b = 2 * (fx * dx + fy * dy)
    c = fx * fx + fy * fy - r * r
    disc = b * b - 4 * a * c
    if a == 0 or disc < 0:
        t = max(0.0, 1 - r / dist)
    else:
        t = (-b - math.sqrt(disc)) / (2 * a)
        t = min(max(t, 0.0), 1.0)
    return round(sx + dx * t), round(sy + dy * t)


def draw_balloons(pc: Canvas, balloons: tuple[Balloon, ...], m: Metrics) -> list[dict[str, Any]]:
    """Balloon shapes with tails towards their speakers' mouths; returns each tail's geometry."""
    d = ImageDraw.Draw(pc.img)
    pal = pc.palette
    lw = m.px(5)
    out: list[dict[str, Any]] = []
    for i, b in enumerate(balloons):
        item = b.placed
        box = item.outer
        tail: dict[str, Any] | None = None
        target = None
        gap = 0.0
        if not b.joined:
            base = max(18, lw * 7)
            inner = (
                box
                if item.kind != "alarm"
                else _shrink(box, int(spike(item.layout.font_px, m.compact)))
            )
            start = shapes.tail_start(inner, b.anchor, base)
            tip = tail_tip(start, b.anchor, b.stop)
            target = b.anchor
            gap = ((b.anchor[0] - tip[0]) ** 2 + (b.anchor[1] - tip[1]) ** 2) ** 0.5
            tail = {
                "from": [round(start[0]), round(start[1])],
                "tip": list(tip),
                "points_at": list(b.anchor),
            }
        else:
            nxt = balloons[b.join_to].placed.outer  # type: ignore[index]
            neck = m.px(22)
            d.rectangle(
                (b.join_x - neck, box[3] - lw * 2, b.join_x + neck, nxt[1] + lw * 2),
                fill=pal.balloon,
                outline=pal.outline,
                width=lw,
            )
        reach = 10_000
        shapes.shape(d, item.kind, box, target, pal, lw, gap, reach, item.layout.font_px, m.compact)
        for prev in balloons[:i]:  # cover the seams where links meet this balloon
            if prev.join_to == i:
                top = prev.placed.outer[3]
                neck = m.px(22) - lw
                d.rectangle(
                    (prev.join_x - neck, box[1] - lw * 3, prev.join_x + neck, box[1] + lw * 2),
                    fill=pal.balloon,
                )
                d.rectangle(
                    (prev.join_x - neck, top - lw * 2, prev.join_x + neck, top + lw * 3),
                    fill=pal.balloon,
                )
        out.append(tail or {})
    return out


def _shrink(box: Any, by: int) -> tuple[int, int, int, int]:
    return box[0] + by, box[1] + by, box[2] - by, box[3] - by
