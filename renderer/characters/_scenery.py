"""Shared pieces of the scene backgrounds: a room shell, windows, plants, blank 'text' bars.

Scenes are drawn in box pixels (a Pen of scale = supersample); every position is a fraction
of the box, so one scene fits a square card panel and a wide banner alike. Backgrounds use
muted colours and a thin soft outline, so the cast's thick ink stands out in front of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from fanzha.renderer.characters._palette import RGB, shade
from fanzha.renderer.characters._pen import Pen

SCENE_INK: RGB = (128, 114, 108)
SKY: RGB = (208, 228, 234)
LEAF: RGB = (150, 184, 146)
POT: RGB = (206, 150, 118)
BAR: RGB = (214, 208, 200)  # stands in for text: a scene never carries readable words


@dataclass(frozen=True)
class Frame:
    """The box a scene is drawn in, with fraction-to-pixel helpers."""

    w: float
    h: float

    def x(self, f: float) -> float:
        """A horizontal fraction of the box in px."""
        return f * self.w

    def y(self, f: float) -> float:
        """A vertical fraction of the box in px."""
        return f * self.h

    def r(self, f: float) -> float:
        """A length relative to the box's shorter side, for radii and thicknesses."""
        return f * min(self.w, self.h)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A rectangle given in fractions, in px."""
        return (self.x(x0), self.y(y0), self.x(x1), self.y(y1))


def room(pen: Pen, fr: Frame, wall: RGB, floor: RGB, horizon: float = 0.76) -> None:
    """Wall, floor and a skirting board: the shell of every indoor scene."""
    pen.rrect((0, 0, fr.w, fr.h), 0, wall, outline=False)
    pen.rrect((0, fr.y(horizon), fr.w, fr.h), 0, floor, outline=False)
    pen.rrect(
        (-fr.r(0.02), fr.y(horizon) - fr.r(0.025), fr.w + fr.r(0.02), fr.y(horizon)),
        0,
        shade(wall, 0.92),
    )


def window(
    pen: Pen,
    fr: Frame,
    box: tuple[float, float, float, float],
    frame: RGB,
    panes: tuple[int, int] = (2, 2),
) -> None:
    """A window with a frame and glazing bars (box in fractions)."""
    x0, y0, x1, y1 = fr.box(*box)
    t = fr.r(0.018)
    pen.rrect((x0, y0, x1, y1), fr.r(0.01), frame)
    pen.rrect((x0 + t, y0 + t, x1 - t, y1 - t), 0, SKY)
    cols, rows = panes
    for i in range(1, cols):
        x = x0 + (x1 - x0) * i / cols
        pen.rrect((x - t / 3, y0 + t, x + t / 3, y1 - t), 0, frame, outline=False)
    for j in range(1, rows):
        y = y0 + (y1 - y0) * j / rows
        pen.rrect((x0 + t, y - t / 3, x1 - t, y + t / 3), 0, frame, outline=False)


def plant(pen: Pen, fr: Frame, cx: float, floor: float, size: float) -> None:
    """A potted plant standing on the floor line (cx, floor in fractions; size of short side)."""
    x, y, s = fr.x(cx), fr.y(floor), fr.r(size)
    for dx, dy, r in ((-0.28, -1.05, 0.34), (0.28, -1.1, 0.34), (0.0, -1.4, 0.38)):
        pen.ellipse(x + dx * s, y + dy * s, r * s, r * s * 1.2, LEAF)
    pen.poly(
        [
            (x - 0.32 * s, y - 0.7 * s),
            (x + 0.32 * s, y - 0.7 * s),
            (x + 0.24 * s, y),
            (x - 0.24 * s, y),
        ],
        POT,
    )


def bars(
    pen: Pen,
    x0: float,
    y0: float,
    widths: tuple[float, ...],
    height: float,
    gap: float,
    color: RGB = BAR,
) -> None:
    """Rows of rounded bars that suggest lines of text without any readable words (px)."""
    for i, width in enumerate(widths):
        y = y0 + i * (height + gap)
        pen.rrect((x0, y, x0 + width, y + height), height / 2, color, outline=False)
