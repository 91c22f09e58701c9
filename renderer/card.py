"""Comic cards: title band, four panels (strip, grid or a condensed pair), slogan stamp, footer."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fanzha.content.copy import WarningCopy
from fanzha.renderer import comic
from fanzha.renderer.canvas import Canvas, TextRecord
from fanzha.renderer.errors import TextOverflowError
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.formats import Format
from fanzha.renderer.style import PALETTE, Style
from PIL import Image

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class CardResult:
    """A drawn card: the image, its text records, and which layout and panels it used."""

    image: Image.Image
    records: tuple[TextRecord, ...]
    layout: str
    panels: tuple[int, ...]
    arrangements: tuple[str, ...]


def candidate_layouts(fmt: Format, style: Style) -> list[str]:
    """Layouts to try in order: the style's first, condensed ones last."""
    if fmt.name == "banner":
        return ["pair-row", "single"]
    if fmt.name == "square":
        return ["grid4", "pair-row", "pair-col", "single"]
    first = "strip4" if style.layout == "four-panel" else "grid4"
    other = "grid4" if first == "strip4" else "strip4"
    return [first, other, "pair-col", "pair-row", "single"]


def panel_rects(kind: str, area: Box, gutter: int) -> list[Box]:
    """Panel rectangles for a layout kind inside area."""
    x0, y0, x1, y1 = area
    if kind == "single":
        return [area]
    if kind in ("strip4", "pair-col"):
        n = 4 if kind == "strip4" else 2
        h = (y1 - y0 - gutter * (n - 1)) // n
        return [(x0, y0 + i * (h + gutter), x1, y0 + i * (h + gutter) + h) for i in range(n)]
    if kind == "pair-row":
        w = (x1 - x0 - gutter) // 2
        return [(x0 + i * (w + gutter), y0, x0 + i * (w + gutter) + w, y1) for i in range(2)]
    w, h = (x1 - x0 - gutter) // 2, (y1 - y0 - gutter) // 2
    return [
        (
            x0 + c * (w + gutter),
            y0 + r * (h + gutter),
            x0 + c * (w + gutter) + w,
            y0 + r * (h + gutter) + h,
        )
        for r in range(2)
        for c in range(2)
    ]


def panels_for(kind: str, count: int) -> tuple[int, ...]:
    """Which story panels a layout shows: all, the pressure and the right action, or the action.

    The last panel is the right action: it is never dropped, so a condensed card still ends
    with what to do rather than with the scammer's threat.
    """
    last = max(count - 1, 0)
    if kind == "single":
        return (last,)
    if kind.startswith("pair"):
        return (1, last) if count >= 3 else tuple(range(count))
    return tuple(range(count))


def gutter(m: comic.Metrics) -> int:
    """Space between panels (narrower in large-text mode, where words need the room)."""
    return m.px(10 if m.compact else 14)


def plan_panels(
    fonts: FontSet,
    copy: WarningCopy,
    kind: str,
    area: Box,
    m: comic.Metrics,
    min_px: int,
    max_px: int,
) -> list[comic.PanelPlan] | None:
    """Largest common body size at which every shown panel fits; None if none does."""
    shown = panels_for(kind, len(copy.panels))
    rects = panel_rects(kind, area, gutter(m))

    def attempt(size: int, m: comic.Metrics) -> list[comic.PanelPlan] | None:
        plans = []
        for idx, rect in zip(shown, rects, strict=False):
            pp = comic.plan(fonts, f"panel{idx + 1}", copy.panels[idx], rect, size, m)
            if pp is None:
                return None
            plans.append(pp)
        return plans

    # stacked balloons at any size read better than a row of narrow ones at a larger size
    for rows in (False, True) if m.compact else (False,):
        lo, hi, best = min_px, max_px, None
        while lo <= hi:
            mid = (lo + hi) // 2
            found = attempt(mid, dataclasses.replace(m, side_by_side=rows))
            if found is None:
                hi = mid - 1
            else:
                best, lo = found, mid + 1
        if best is not None:
            return best
    return None


def _overflow(
    fonts: FontSet, copy: WarningCopy, kind: str, area: Box, m: comic.Metrics, size: int
) -> str:
    """Name the first panel that cannot hold its text at the minimum size."""
    for idx, rect in zip(
        panels_for(kind, len(copy.panels)), panel_rects(kind, area, gutter(m)), strict=False
    ):
        if comic.plan(fonts, f"panel{idx + 1}", copy.panels[idx], rect, size, m) is None:
            return f"panel{idx + 1}"
    return "panels"


def render_card_image(copy: WarningCopy, fmt: Format, style: Style, fonts: FontSet) -> CardResult:
    """Draw one warning as a comic card of the given format."""
    from fanzha.renderer import chrome

    m = comic.Metrics(
        fmt.scale if fmt.name != "banner" else 1.0,
        style.line_spacing,
        style.asset_dir,
        compact=style.large_text,
    )
    min_body = fmt.body_min_px(style.large_text)
    max_body = max(min_body, m.px(62 if style.large_text else 40))
    canvas = Canvas(Image.new("RGB", (fmt.width, fmt.height), PALETTE.paper), fonts)
    margin = m.px(16 if style.large_text else 22)
    band = chrome.plan_title(canvas, copy, fmt, m, min_body, style)
    footer = chrome.plan_footer(canvas, copy, fmt, m, min_body, max_body, style)
    area = (margin, band.bottom + margin, fmt.width - margin, footer.top - margin)
    failures = []
    for kind in candidate_layouts(fmt, style):
        plans = plan_panels(fonts, copy, kind, area, m, min_body, max_body)
        if plans is not None:
            break
        failures.append(kind)
    else:
        kind = failures[-1]  # the most condensed layout: what fails there must be shortened
        name = _overflow(fonts, copy, kind, area, m, min_body)
        raise TextOverflowError(
            f"text box {name!r} of warning {copy.warning_id!r} does not fit the {fmt.name} format "
            f"at the minimum size {min_body} px in any layout ({', '.join(failures)})"
        )
    for pp in plans:
        comic.draw(canvas, pp, m)
    chrome.draw_title(canvas, band)
    chrome.draw_footer(canvas, footer)
    chrome.draw_stamp(canvas, band.stamp)
    return CardResult(
        canvas.img,
        tuple(canvas.records),
        kind,
        panels_for(kind, len(copy.panels)),
        tuple(p.arrangement for p in plans),
    )
