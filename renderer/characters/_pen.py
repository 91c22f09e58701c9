"""A pen over ImageDraw that works in design units and gives every shape the same ink outline."""

from __future__ import annotations

from collections.abc import Sequence

from fanzha.renderer.characters._palette import INK, RGB
from PIL import ImageDraw

Point = tuple[float, float]


class Pen:
    """Draws outlined flat shapes; coordinates are design units mapped by scale and offset."""

    def __init__(
        self,
        draw: ImageDraw.ImageDraw,
        scale: float,
        origin: Point = (0.0, 0.0),
        line: float = 2.4,
        ink: RGB = INK,
    ) -> None:
        self.draw = draw
        self.scale = scale
        self.ox, self.oy = origin
        self.line = line  # outline width in design units, so it grows with the figure
        self.ink = ink

    def px(self, units: float) -> int:
        """A length in whole pixels, never below one."""
        return max(1, round(units * self.scale))

    def pt(self, x: float, y: float) -> Point:
        """A design point in pixels."""
        return (self.ox + x * self.scale, self.oy + y * self.scale)

    def pts(self, points: Sequence[Point]) -> list[Point]:
        """Many design points in pixels."""
        return [self.pt(x, y) for x, y in points]

    def _bbox(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        (a, b), (c, d) = self.pt(x0, y0), self.pt(x1, y1)
        return [min(a, c), min(b, d), max(a, c), max(b, d)]

    def ellipse(
        self, cx: float, cy: float, rx: float, ry: float, fill: RGB | None, outline: bool = True
    ) -> None:
        """An ellipse around a centre."""
        box = self._bbox(cx - rx, cy - ry, cx + rx, cy + ry)
        self.draw.ellipse(
            box, fill=fill, outline=self.ink if outline else None, width=self.px(self.line)
        )

    def rrect(
        self,
        box: tuple[float, float, float, float],
        radius: float,
        fill: RGB | None,
        outline: bool = True,
        corners: tuple[bool, bool, bool, bool] | None = None,
    ) -> None:
        """A rounded rectangle (x0, y0, x1, y1)."""
        x0, y0, x1, y1 = self._bbox(*box)
        short = min(x1 - x0, y1 - y0)
        if short < 1:  # too small to see at this size; Pillow refuses degenerate rectangles
            return
        width = min(self.px(self.line), max(1, int(short / 2)))
        if short < 8:  # Pillow fails on tiny rectangles with some corners rounded
            radius, corners = 0, None
        self.draw.rounded_rectangle(
            (x0, y0, x1, y1),
            radius=min(self.px(radius), int(short / 2)),
            fill=fill,
            outline=self.ink if outline else None,
            width=width,
            corners=corners,
        )

    def poly(self, points: Sequence[Point], fill: RGB | None, outline: bool = True) -> None:
        """A closed polygon with rounded outline joints."""
        xy = self.pts(points)
        if fill is not None:
            self.draw.polygon(xy, fill=fill)
        if outline:
            # a closed polyline with curved joints: Pillow's polygon outline has spiky corners
            self.draw.line(
                [*xy, xy[0], xy[1]], fill=self.ink, width=self.px(self.line), joint="curve"
            )

    def stroke(
        self, points: Sequence[Point], width: float | None = None, color: RGB | None = None
    ) -> None:
        """An open line with round caps."""
        xy = self.pts(points)
        w = self.px(self.line if width is None else width)
        col = self.ink if color is None else color
        self.draw.line(xy, fill=col, width=w, joint="curve")
        r = w / 2
        for x, y in (xy[0], xy[-1]):
            self.draw.ellipse([x - r, y - r, x + r, y + r], fill=col)

    def limb(self, points: Sequence[Point], width: float, fill: RGB) -> None:
        """A sausage-shaped arm or leg: an inked stroke with a filled stroke inside."""
        self.stroke(points, width + 2 * self.line, self.ink)
        self.stroke(points, width, fill)

    def arc(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        start: float,
        end: float,
        width: float | None = None,
        color: RGB | None = None,
    ) -> None:
        """An elliptical arc (degrees, clockwise from 3 o'clock, as Pillow counts)."""
        self.draw.arc(
            self._bbox(cx - rx, cy - ry, cx + rx, cy + ry),
            start,
            end,
            fill=self.ink if color is None else color,
            width=self.px(self.line if width is None else width),
        )

    def chord(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        start: float,
        end: float,
        fill: RGB,
        outline: bool = True,
    ) -> None:
        """A filled chord of an ellipse, e.g. a smile or the top of a cap."""
        self.draw.chord(
            self._bbox(cx - rx, cy - ry, cx + rx, cy + ry),
            start,
            end,
            fill=fill,
            outline=self.ink if outline else None,
            width=self.px(self.line),
        )


def bezier(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 12) -> list[Point]:
    """Points along a cubic Bézier curve, ends included."""
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        out.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return out
