"""A poster's art: the warning's own comic panels, drawn to the size of their slot on the page.

The slot's shape picks what is shown: a wide slot gets the turning point as two panels side
by side (the pressure, then the right action), a tall one the same two stacked, a large one
the whole story, a small one the key panel (the pressure: the scam as it happens). Panels are drawn by the comic renderer at the
format's art resolution (300 ppi, 150 for the roll-up banner) at the size they are printed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import WarningCopy
from fanzha.renderer import card, comic
from fanzha.renderer.canvas import Canvas
from fanzha.renderer.fonts import FontSet
from PIL import Image

__all__ = ["Art", "draw_art", "slot_px"]

MM_PER_INCH = 25.4
BALLOON_MM = 4.2  # smallest balloon text at A3: read at arm's length by someone who stopped


@dataclass(frozen=True)
class Art:
    """A drawn illustration and what it shows."""

    image: Image.Image
    arrangement: str  # grid4, pair-row, pair-col or single
    panels: tuple[int, ...]  # story panels shown, 1-based
    ppi: int
    size_mm: tuple[float, float]


def slot_px(w_mm: float, h_mm: float, ppi: int) -> tuple[int, int]:
    """Pixels of a slot at a resolution (never rounded below it)."""
    return (int(-(-w_mm * ppi // MM_PER_INCH)), int(-(-h_mm * ppi // MM_PER_INCH)))


def _kinds(w_mm: float, h_mm: float, scale: float) -> list[str]:
    ratio = w_mm / max(h_mm, 1e-6)
    big = min(w_mm, h_mm) >= 150 * scale
    if big and 0.6 <= ratio <= 1.7:
        first = ["grid4"]
    elif ratio >= 1.45:
        first = ["pair-row"]
    elif ratio <= 0.7:
        first = ["pair-col"]
    else:
        first = []
    return [*first, "pair-row" if ratio >= 1 else "pair-col", "single"]


def _shown(kind: str, count: int) -> tuple[int, ...]:
    """Story panels a slot shows: all four, or the turning point (the pressure, the action)."""
    if kind.startswith("pair") and count >= 3:
        return (1, count - 1)
    return tuple(range(count))


def draw_art(
    fonts: FontSet, copy: WarningCopy, w_mm: float, h_mm: float, ppi: int, scale: float
) -> Art:
    """The warning's panels filling a w_mm x h_mm slot at ppi (scale: the format against A3)."""
    width, height = slot_px(w_mm, h_mm, ppi)
    balloon_px = BALLOON_MM * scale / MM_PER_INCH * ppi
    m = comic.Metrics(balloon_px / 28, 1.25)
    canvas = Canvas(Image.new("RGB", (width, height), (255, 255, 255)), fonts)
    area = (0, 0, width, height)
    fallback: tuple[Any, WarningCopy, str, tuple[int, ...]] | None = None
    for shrink in (1.0, 0.8, 0.6):
        for kind in _kinds(w_mm, h_mm, scale):
            story, shown = copy, _shown(kind, len(copy.panels))
            planned = shown
            if kind == "single" and len(copy.panels) > 1:
                # one panel on a wall: the scam as it happens (the block's action says what to do)
                story, shown, planned = (
                    dataclasses.replace(copy, panels=(copy.panels[1],)),
                    (1,),
                    (0,),
                )
            plans = card.plan_panels(
                fonts,
                story,
                kind,
                area,
                m,
                round(28 * m.scale * shrink),
                round(44 * m.scale * shrink),
                shown=planned,
            )
            if plans is None:
                continue
            found = (plans, story, kind, shown)
            if not any(item.layout.splits for pp in plans for item in pp.items):
                return _drawn(canvas, m, found, ppi, (w_mm, h_mm))
            fallback = fallback or found  # a word split inside a balloon: look further first
    if fallback is not None:
        return _drawn(canvas, m, fallback, ppi, (w_mm, h_mm))
    return Art(canvas.img, "none", (), ppi, (w_mm, h_mm))  # too small a slot: paper shows


def _drawn(
    canvas: Canvas,
    m: comic.Metrics,
    found: tuple[Any, WarningCopy, str, tuple[int, ...]],
    ppi: int,
    size_mm: tuple[float, float],
) -> Art:
    plans, story, kind, shown = found
    for pp in plans:
        comic.draw(canvas, pp, m, story)
    return Art(canvas.img, kind, tuple(i + 1 for i in shown), ppi, size_mm)
