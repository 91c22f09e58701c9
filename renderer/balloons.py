"""Balloon shapes: speech (rounded), alarm (spiky), thought (cloud), caption boxes, and tails."""

from __future__ import annotations

import math

from fanzha.renderer.contrast import RGB
from fanzha.renderer.style import Palette
from fanzha.renderer.text_box import pads, spike
from PIL import ImageDraw

Box = tuple[int, int, int, int]
Point = tuple[float, float]


def _edge_point(box: Box, target: Point, inset: float) -> tuple[Point, Point]:
    """Where a tail leaves the balloon (a point on its edge facing target) and the edge direction."""
    x0, y0, x1, y1 = (float(v) for v in box)
    tx, ty = target
    if ty > y1 or ty < y0:  # target above or below: leave from the bottom or top edge
        y = y1 if ty > y1 else y0
        x = min(max(tx, x0 + inset), x1 - inset)
        return (x, y), (1.0, 0.0)
    x = x1 if tx > x1 else x0
    y = min(max(ty, y0 + inset), y1 - inset)
    return (x, y), (0.0, 1.0)


def tail_polygon(
    box: Box, target: Point, base: float, gap: float, max_reach: float | None = None
) -> list[Point]:
    """A triangular tail from the balloon's edge to `gap` px short of target."""
    (bx, by), (dx, dy) = _edge_point(box, target, inset=base * 1.2)
    tx, ty = target
    dist = math.hypot(tx - bx, ty - by)
    reach = min(max(dist - gap, min(base * 1.2, dist * 0.5)), max_reach or base * 5)
    ux, uy = (tx - bx) / (dist or 1), (ty - by) / (dist or 1)
    tip = (bx + ux * reach, by + uy * reach)
    # the base sits a little inside the balloon so the body hides the seam
    cx, cy = bx - ux * base * 0.6, by - uy * base * 0.6
    half = base / 2
    return [(cx - dx * half, cy - dy * half), tip, (cx + dx * half, cy + dy * half)]


def tail_end(
    box: Box, target: Point, base: float, gap: float, max_reach: float | None = None
) -> Point:
    """The tip of the tail that tail_polygon would draw."""
    return tail_polygon(box, target, base, gap, max_reach)[1]


def tail_start(box: Box, target: Point, base: float) -> Point:
    """Where the tail leaves the balloon's edge."""
    return _edge_point(box, target, inset=base * 1.2)[0]


def spiky_polygon(box: Box, spike: float) -> list[Point]:
    """An alarm outline: the box's perimeter with spikes pushed outward by `spike` px."""
    x0, y0, x1, y1 = (v for v in box)
    inner = (x0 + spike, y0 + spike, x1 - spike, y1 - spike)
    ix0, iy0, ix1, iy1 = inner
    w, h = ix1 - ix0, iy1 - iy0
    step = max(spike * 1.6, 12.0)
    nx, ny = max(2, round(w / step)), max(1, round(h / step))
    pts: list[Point] = []
    edges = (
        ((ix0, iy0), (ix1, iy0), (0, -1), nx),
        ((ix1, iy0), (ix1, iy1), (1, 0), ny),
        ((ix1, iy1), (ix0, iy1), (0, 1), nx),
        ((ix0, iy1), (ix0, iy0), (-1, 0), ny),
    )
    for (ax, ay), (bx, by), (ox, oy), n in edges:
        for i in range(n):
            t0, tm = i / n, (i + 0.5) / n
            pts.append((ax + (bx - ax) * t0, ay + (by - ay) * t0))
            # alternate long and short spikes so the edge looks agitated, not mechanical
            length = spike if i % 2 == 0 else spike * 0.65
            pts.append((ax + (bx - ax) * tm + ox * length, ay + (by - ay) * tm + oy * length))
    return pts


def speech(
    d: ImageDraw.ImageDraw,
    box: Box,
    target: Point | None,
    fill: RGB,
    outline: RGB,
    lw: int,
    gap: float,
    max_reach: float | None = None,
) -> None:
    """A rounded speech balloon with a tail pointing at target (a speaker's head)."""
    radius = min((box[3] - box[1]) // 2, max(12, lw * 6))
    if target is not None:
        tail = tail_polygon(box, target, base=max(18, lw * 7), gap=gap, max_reach=max_reach)
        d.polygon(tail, fill=fill, outline=outline, width=lw)
    d.rounded_rectangle(box, radius=radius, fill=fill, outline=outline, width=lw)
    if target is not None:
        inner = tail_polygon(
            _shrink(box, lw),
            target,
            base=max(18, lw * 7) - 2.6 * lw,
            gap=gap + lw * 3,
            max_reach=max_reach,
        )
        d.polygon(inner, fill=fill)


def alarm(
    d: ImageDraw.ImageDraw,
    box: Box,
    target: Point | None,
    fill: RGB,
    outline: RGB,
    lw: int,
    spike: float,
    gap: float,
    max_reach: float | None = None,
) -> None:
    """A spiky alarm balloon for the scammer's pressure lines."""
    if target is not None:
        inner_box = _shrink(box, int(spike))
        d.polygon(
            tail_polygon(inner_box, target, base=max(20, lw * 8), gap=gap, max_reach=max_reach),
            fill=fill,
            outline=outline,
            width=lw,
        )
    d.polygon(spiky_polygon(box, spike), fill=fill, outline=outline, width=lw)
    if target is not None:
        inner_box = _shrink(box, int(spike) + lw)
        d.polygon(
            tail_polygon(
                inner_box,
                target,
                base=max(20, lw * 8) - 2.6 * lw,
                gap=gap + lw * 3,
                max_reach=max_reach,
            ),
            fill=fill,
        )


def thought(
    d: ImageDraw.ImageDraw,
    box: Box,
    target: Point | None,
    fill: RGB,
    outline: RGB,
    lw: int,
    gap: float,
    inset: int | None = None,
) -> None:
    """A cloud balloon with a trail of bubbles towards the thinker.

    `inset` is the text's distance from the edge: bumps no larger than it keep the whole
    text area on the cloud's fill, never on a gap between bumps.
    """
    _x0, y0, _x1, y1 = box
    r = max(10, (y1 - y0) // 5)
    if inset is not None:
        r = max(6, min(r, inset))
    bumps = _perimeter_points(_shrink(box, r), max(r * 1.4, 10))
    for px, py in bumps:
        d.ellipse((px - r, py - r, px + r, py + r), fill=fill, outline=outline, width=lw)
    d.rounded_rectangle(_shrink(box, r), radius=r, fill=fill)
    for px, py in bumps:
        d.ellipse((px - r + lw, py - r + lw, px + r - lw, py + r - lw), fill=fill)
    if target is not None:
        (bx, by), _ = _edge_point(box, target, inset=r)
        tx, ty = target
        dist = math.hypot(tx - bx, ty - by) or 1.0
        tx, ty = (
            bx + (tx - bx) * max(0.0, dist - gap) / dist,
            by + (ty - by) * max(0.0, dist - gap) / dist,
        )
        # a long way to the thinker gets more bubbles, shrinking towards the head, so the
        # trail still reads as one line of bubbles rather than three stray dots
        span = math.hypot(tx - bx, ty - by)
        n = max(3, min(7, round(span / max(8.0, r * 1.6))))
        for i in range(n):
            frac = (i + 1) / n
            cx, cy = bx + (tx - bx) * frac, by + (ty - by) * frac
            rr = max(4, round(r * (0.55 - 0.35 * i / max(1, n - 1))))
            d.ellipse(
                (cx - rr, cy - rr, cx + rr, cy + rr),
                fill=fill,
                outline=outline,
                width=max(2, lw // 2),
            )


def shape(
    d: ImageDraw.ImageDraw,
    kind: str,
    box: Box,
    target: Point | None,
    pal: Palette,
    lw: int,
    gap: float,
    reach: float | None,
    font_px: int,
    compact: bool,
) -> None:
    """One balloon of its kind (alarm, think, or speech for any other), tail towards target."""
    if kind == "alarm":
        alarm(d, box, target, pal.alarm_fill, pal.red, lw, spike(font_px, compact), gap, reach)
    elif kind == "think":
        inset = min(pads("think", font_px, compact))
        thought(d, box, target, pal.balloon, pal.outline, lw, gap, inset)
    else:
        speech(d, box, target, pal.balloon, pal.outline, lw, gap, reach)


def caption(d: ImageDraw.ImageDraw, box: Box, fill: RGB, outline: RGB, lw: int) -> None:
    """A rectangular narrator's caption box."""
    d.rectangle(box, fill=fill, outline=outline, width=lw)


def _shrink(box: Box, by: int) -> Box:
    x0, y0, x1, y1 = box
    return x0 + by, y0 + by, x1 - by, y1 - by


def _perimeter_points(box: Box, step: float) -> list[Point]:
    x0, y0, x1, y1 = box
    pts: list[Point] = []
    for (ax, ay), (bx, by) in (
        ((x0, y0), (x1, y0)),
        ((x1, y0), (x1, y1)),
        ((x1, y1), (x0, y1)),
        ((x0, y1), (x0, y0)),
    ):
        n = max(1, round(math.hypot(bx - ax, by - ay) / step))
        pts.extend((ax + (bx - ax) * i / n, ay + (by - ay) * i / n) for i in range(n))
    return pts
