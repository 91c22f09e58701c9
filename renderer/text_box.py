"""Text in a shape: the sizes that scale with a format (Metrics), a text item laid out for its
balloon or caption with the shape's padding (Placed), and the helpers that lay one out."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fanzha.renderer import text as typeset
from fanzha.renderer.fonts import FontSet

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Metrics:
    """Sizes that scale with the format: padding, outline width, spacing, compact mode."""

    scale: float
    spacing: float
    asset_dir: str | None = None
    compact: bool = False  # large text: slimmer padding so 52 px words still fit the panel
    side_by_side: bool = True  # compact panels may set balloons in a row when a column fails
    staged: bool = False  # cards: shot sizes and the phone screen the script names
    strict_shot: bool = False  # staged: only the script's shot (no full-length fallback)
    min_figure: int = 0  # with strict_shot: the shortest a figure's visible part may be
    screen_optional: bool = False  # last resort: a panel whose screen has no room goes without
    zh: bool = True  # the screen's buttons in Chinese

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


def pads(kind: str, size: int, compact: bool = False) -> tuple[int, int]:
    """Horizontal and vertical padding between a shape's edge and its text."""
    factors = {
        "alarm": (0.72, 0.5) if compact else (0.95, 0.7),
        "think": (0.7, 0.45) if compact else (0.8, 0.55),
        "caption": (0.3, 0.12) if compact else (0.4, 0.22),
    }.get(kind, (0.45, 0.24) if compact else (0.6, 0.32))
    return round(size * factors[0]), round(size * factors[1])


def spike(size: int, compact: bool = False) -> float:
    """How far an alarm balloon's spikes reach out (inside its padding)."""
    return size * (0.32 if compact else 0.45)


def text_box(
    fonts: FontSet, name: str, kind: str, text: str, size: int, width: int, m: Metrics
) -> tuple[typeset.TextLayout, int, int] | None:
    """The text laid out for a shape at most `width` wide: layout, outer width, outer height."""
    px, py = pads(kind, size, m.compact)
    # widths in steps of 8 px: the many sizes tried share line breaks (text caches them)
    max_w = (width - 2 * px) // 8 * 8
    if max_w <= size:
        return None
    weight = {"alarm": "Bold", "caption": "Medium"}.get(kind, "Medium")
    lines = typeset.balanced(fonts, text, size, max_w, weight)
    if lines is None:
        return None
    lh = typeset.line_height_for(size, m.spacing)
    layout = typeset.TextLayout(name, text, tuple(lines), size, lh, weight, (0, 0, 0, 0))
    w, h = typeset.block_size(fonts, layout)
    return layout, w + 2 * px, h + 2 * py


def place_at(
    kind: str, layout: typeset.TextLayout, x: int, y: int, ow: int, oh: int, m: Metrics
) -> Placed:
    """The laid-out text placed in its shape, the shape's top-left corner at (x, y)."""
    px, py = pads(kind, layout.font_px, m.compact)
    w, h = ow - 2 * px, oh - 2 * py
    placed = dataclasses.replace(layout, box=(x + px, y + py, x + px + w, y + py + h))
    return Placed(kind, (x, y, x + ow, y + oh), placed)
