"""Comic panels: plan where characters, captions and balloons go, then draw them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PIL import ImageDraw

from content.copy import CastMember, Line, Panel
from renderer import balloons, figures
from renderer import text as typeset
from renderer.canvas import Canvas

Box = tuple[int, int, int, int]
FIGURE_ASPECT = 0.62  # character box width / height


@dataclass(frozen=True)
class Metrics:
    """Sizes that scale with the format: padding, outline width, spacing, weights."""

    scale: float
    spacing: float
    asset_dir: str | None = None

    def px(self, value: float) -> int:
        """A design value at 1080 px wide, scaled to the format."""
        return max(1, round(value * self.scale))


@dataclass(frozen=True)
class Placed:
    """A laid-out text item: its outer shape box and the text block inside it."""

    kind: str  # caption, say, alarm, think
    outer: Box
    layout: typeset.TextLayout
    speaker: Box | None = None


@dataclass(frozen=True)
class PanelPlan:
    """Where everything in one panel goes."""

    panel: Panel
    rect: Box
    cast: tuple[tuple[CastMember, Box, str], ...]
    items: tuple[Placed, ...]
    arrangement: str


def _inset(rect: Box, by: int) -> Box:
    return rect[0] + by, rect[1] + by, rect[2] - by, rect[3] - by


def _pads(kind: str, size: int) -> tuple[int, int]:
    """Horizontal and vertical padding between a shape's edge and its text."""
    if kind == "alarm":
        return round(size * 0.95), round(size * 0.7)
    if kind == "think":
        return round(size * 0.8), round(size * 0.55)
    if kind == "caption":
        return round(size * 0.4), round(size * 0.22)
    return round(size * 0.6), round(size * 0.32)


def _stack(
    fonts,
    name: str,
    items: list[tuple[str, str, str]],
    column: Box,
    size: int,
    m: Metrics,
    max_share: float,
    top_down: bool = True,
) -> list[Placed] | None:
    """Lay caption and balloons top-down in a column; None if they do not fit at this size."""
    x0, y0, x1, y1 = column
    gap = m.px(12)
    out: list[Placed] = []
    y = y0
    for i, (kind, text, side) in enumerate(items):
        px, py = _pads(kind, size)
        max_w = int((x1 - x0) * (1.0 if kind == "caption" else max_share)) - 2 * px
        if max_w <= size:
            return None
        weight = {"alarm": "Bold", "caption": "Medium"}.get(kind, "Medium")
        lines = typeset.balanced(fonts, text, size, max_w, weight)
        if lines is None:
            return None
        lh = typeset.line_height_for(size, m.spacing)
        layout = typeset.TextLayout(
            f"{name}.{kind}{i}", text, tuple(lines), size, lh, weight, (0, 0, 0, 0)
        )
        w, h = typeset.block_size(fonts, layout)
        ow, oh = w + 2 * px, h + 2 * py
        if y + oh > y1:
            return None
        ox = x1 - ow if side == "right" else x0
        layout = dataclasses.replace(layout, box=(ox + px, y + py, ox + px + w, y + py + h))
        out.append(Placed(kind, (ox, y, ox + ow, y + oh), layout))
        y += oh + gap
    return out


def _items(panel: Panel, sides: dict[str, str]) -> list[tuple[str, str, str]]:
    items = [("caption", panel.caption, "left")] if panel.caption else []
    items += [(ln.kind, ln.text, sides.get(ln.speaker, "left")) for ln in panel.lines]
    return items


def _cast_boxes(
    cast: tuple[CastMember, ...], area: Box, h: int, m: Metrics
) -> list[tuple[CastMember, Box, str]]:
    """Character boxes bottom-aligned in area: left members from the left edge, right from the right."""
    x0, _, x1, y1 = area
    w = int(h * FIGURE_ASPECT)
    out: list[tuple[CastMember, Box, str]] = []
    lx, rx = x0, x1
    for member in cast:
        if member.side == "left":
            out.append((member, (lx, y1 - h, lx + w, y1), "right"))
            lx += w + m.px(6)
        else:
            out.append((member, (rx - w, y1 - h, rx, y1), "left"))
            rx -= w + m.px(6)
    return out


def plan_beside(
    fonts, name: str, panel: Panel, rect: Box, size: int, m: Metrics
) -> PanelPlan | None:
    """Characters at the panel's sides, text in the column between them."""
    inner = _inset(rect, m.px(14))
    ih, iw = inner[3] - inner[1], inner[2] - inner[0]
    h = min(ih, int(iw * 0.26 / FIGURE_ASPECT))
    cast = _cast_boxes(panel.cast, inner, h, m)
    lefts = [b for mem, b, _ in cast if mem.side == "left"]
    rights = [b for mem, b, _ in cast if mem.side == "right"]
    cx0 = max((b[2] for b in lefts), default=inner[0]) + (m.px(10) if lefts else 0)
    cx1 = min((b[0] for b in rights), default=inner[2]) - (m.px(10) if rights else 0)
    sides = {mem.role: mem.side for mem in panel.cast}
    placed = _stack(fonts, name, _items(panel, sides), (cx0, inner[1], cx1, inner[3]), size, m, 1.0)
    if placed is None:
        return None
    return _finish(panel, rect, cast, placed, "beside")


def plan_stacked(
    fonts, name: str, panel: Panel, rect: Box, size: int, m: Metrics
) -> PanelPlan | None:
    """Text at the top of the panel, characters standing below it."""
    inner = _inset(rect, m.px(14))
    sides = {mem.role: mem.side for mem in panel.cast}
    placed = _stack(fonts, name, _items(panel, sides), inner, size, m, 0.86)
    if placed is None:
        return None
    text_bottom = max((p.outer[3] for p in placed), default=inner[1])
    h = inner[3] - text_bottom - m.px(6)
    iw = inner[2] - inner[0]
    h = min(h, int(iw * 0.4 / FIGURE_ASPECT))
    if h < (inner[3] - inner[1]) * 0.36:
        return None  # figures would be too small to read
    area = (inner[0] + iw // 14, inner[1], inner[2] - iw // 14, inner[3])
    return _finish(panel, rect, _cast_boxes(panel.cast, area, h, m), placed, "stacked")


def _finish(panel: Panel, rect: Box, cast, placed: list[Placed], arrangement: str) -> PanelPlan:
    boxes = {mem.role: b for mem, b, _ in cast}
    items = tuple(
        dataclasses.replace(p, speaker=boxes.get(_speaker(panel, p))) if p.kind != "caption" else p
        for p in placed
    )
    return PanelPlan(panel, rect, tuple(cast), items, arrangement)


def _speaker(panel: Panel, placed: Placed) -> str:
    line: Line = next(ln for ln in panel.lines if ln.text == placed.layout.text)
    return line.speaker


def plan(fonts, name: str, panel: Panel, rect: Box, size: int, m: Metrics) -> PanelPlan | None:
    """The best arrangement that fits: the one giving characters the most room."""
    options = [
        p
        for p in (
            plan_beside(fonts, name, panel, rect, size, m),
            plan_stacked(fonts, name, panel, rect, size, m),
        )
        if p is not None
    ]
    if not options:
        return None

    def figure_area(p: PanelPlan) -> int:
        return min(((b[2] - b[0]) * (b[3] - b[1]) for _, b, _ in p.cast), default=0)

    return max(options, key=figure_area)


def draw(canvas: Canvas, pp: PanelPlan, m: Metrics) -> None:
    """Draw a planned panel: scene, characters, balloons and text, then its thick outline."""
    pal, img = canvas.palette, canvas.img
    assets = None if m.asset_dir is None else __import__("pathlib").Path(m.asset_dir)
    figures.draw_scene(img, pp.panel.scene, pp.rect, asset_dir=assets)
    for member, box, facing in pp.cast:
        figures.draw_character(
            img, member.role, member.expression, box, facing=facing, asset_dir=assets
        )
    d = ImageDraw.Draw(img)
    lw = m.px(4)
    for item in pp.items:
        target = figures.head_point(item.speaker) if item.speaker else None
        gap = figures.head_radius(item.speaker) + lw * 3 if item.speaker else 0
        if item.kind == "caption":
            balloons.caption(d, item.outer, pal.caption_fill, pal.outline, max(2, lw // 2))
        elif item.kind == "alarm":
            balloons.alarm(
                d, item.outer, target, pal.alarm_fill, pal.red, lw, item.layout.font_px * 0.45, gap
            )
        elif item.kind == "think":
            balloons.thought(d, item.outer, target, pal.balloon, pal.outline, lw, gap)
        else:
            balloons.speech(d, item.outer, target, pal.balloon, pal.outline, lw, gap)
    for item in pp.items:
        ink = pal.alarm_ink if item.kind == "alarm" else pal.ink
        canvas.text(
            item.layout,
            ink,
            origin=item.layout.box[:2],
            align="center",
            role="caption" if item.kind == "caption" else "body",
        )
        d = ImageDraw.Draw(img)
    d.rectangle(pp.rect, outline=pal.outline, width=m.px(6))
