"""Comic cards: title band, the story's panels (stacked, grid or a carousel of pages), stamp, footer."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import Panel, WarningCopy
from fanzha.renderer import comic
from fanzha.renderer.canvas import Canvas, TextRecord
from fanzha.renderer.errors import TextOverflowError
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.formats import Format
from fanzha.renderer.story import shown_caption, story_panels
from fanzha.renderer.style import PALETTE, Style
from PIL import Image

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class CardResult:
    """A drawn card: its pages (one, or a carousel), text records, layouts and panels per page."""

    pages: tuple[tuple[Image.Image, tuple[int, ...]], ...]  # image, 0-based story panels on it
    records: tuple[tuple[TextRecord, ...], ...]  # per page
    layouts: tuple[str, ...]
    panels: tuple[int, ...]  # every story panel drawn (0-based)
    arrangements: tuple[str, ...]
    elder_cut: bool = False
    geometry: tuple[dict[str, Any], ...] = ()  # every panel's staging, in its page's pixels

    @property
    def image(self) -> Image.Image:
        """The first page."""
        return self.pages[0][0]

    @property
    def layout(self) -> str:
        """The layout name (pages joined with '+' for a carousel)."""
        return "+".join(self.layouts)


def candidate_layouts(fmt: Format, style: Style, count: int = 4) -> list[str]:
    """Layouts to try for `count` panels on one page, the style's first."""
    if count == 1:
        return ["single"]
    if count == 2:
        return ["pair-row", "pair-col"] if fmt.width > fmt.height else ["pair-col", "pair-row"]
    if fmt.width > fmt.height:
        return []  # a banner holds at most two panels a page
    stacked, grid = f"strip{count}", f"grid{count}"
    if fmt.name == "square":
        return [grid, stacked]
    return [stacked, grid] if style.layout == "four-panel" else [grid, stacked]


def panel_rects(kind: str, area: Box, gutter: int) -> list[Box]:
    """Panel rectangles for a layout kind inside area (stripN stacks N, gridN is two columns)."""
    x0, y0, x1, y1 = area
    if kind == "single":
        return [area]
    if kind == "pair-col":
        kind = "strip2"
    if kind.startswith("strip"):
        n = int(kind[5:])
        h = (y1 - y0 - gutter * (n - 1)) // n
        return [(x0, y0 + i * (h + gutter), x1, y0 + i * (h + gutter) + h) for i in range(n)]
    if kind == "pair-row":
        w = (x1 - x0 - gutter) // 2
        return [(x0 + i * (w + gutter), y0, x0 + i * (w + gutter) + w, y1) for i in range(2)]
    n = int(kind[4:]) if kind[4:] else 4
    rows = -(-n // 2)
    w, h = (x1 - x0 - gutter) // 2, (y1 - y0 - gutter * (rows - 1)) // rows
    return [
        (
            x0 + c * (w + gutter),
            y0 + r * (h + gutter),
            x0 + c * (w + gutter) + w,
            y0 + r * (h + gutter) + h,
        )
        for r in range(rows)
        for c in range(2)
    ][:n]


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
    shown: tuple[int, ...] | None = None,
    panels: tuple[Panel, ...] | None = None,
    must: frozenset[int] = frozenset(),
    bare: bool = False,
) -> list[comic.PanelPlan] | None:
    """Largest common body size at which every shown panel fits; None if none does.

    Panels in `must` keep the script's shot at its large-text figure size; with `bare`, a
    panel whose phone screen has no room may go without it (the very last resort)."""
    story = copy.panels if panels is None else panels
    shown = tuple(range(len(story))) if shown is None else shown
    rects = panel_rects(kind, area, gutter(m))
    if len(rects) < len(shown):
        return None
    drawn = [
        dataclasses.replace(story[i], caption=shown_caption(copy, story[i], i, len(story)))
        for i in shown
    ]

    def attempt(size: int, m: comic.Metrics, clean: bool) -> list[comic.PanelPlan] | None:
        plans = []
        for idx, panel, rect in zip(shown, drawn, rects, strict=False):
            mm = dataclasses.replace(m, strict_shot=True) if idx in must else m
            pp = comic.plan(fonts, f"panel{idx + 1}", panel, rect, size, mm, copy)
            if pp is None or (clean and any(i.layout.splits for i in pp.items)):
                return None
            plans.append(pp)
        return plans

    # stacked balloons at any size read better than a row of narrow ones at a larger size;
    # the script's shot (faces large) at any size better than full-length figures at a larger
    # and any of these with words whole before a balloon broken inside a word
    tries = [
        (clean, strict, rows, False)
        for clean in (True, False)
        for strict in (True, False)
        for rows in (False, True)
    ] + ([(False, False, rows, True) for rows in (False, True)] if bare else [])
    for clean, strict, rows, bare in tries:
        if (strict and not m.staged) or (rows and not m.compact):
            continue
        mm = dataclasses.replace(m, side_by_side=rows, strict_shot=strict, screen_optional=bare)
        if attempt(min_px, mm, clean) is None:
            continue  # nothing fits even at the floor: skip the search
        lo, hi, best = min_px, max_px, None
        while lo <= hi:
            mid = (lo + hi) // 2
            found = attempt(mid, mm, clean)
            if found is None:
                hi = mid - 1
            else:
                best, lo = found, mid + 1
        if best is not None:
            return best
    return None


def _chunks(count: int, per_page: int) -> list[tuple[int, ...]]:
    """Consecutive panels split into pages of at most per_page, as even as possible."""
    pages = -(-count // per_page)
    base, extra = divmod(count, pages)
    out, at = [], 0
    for p in range(pages):
        n = base + (1 if p < extra else 0)
        out.append(tuple(range(at, at + n)))
        at += n
    return out


def render_card_image(
    copy: WarningCopy,
    fmt: Format,
    style: Style,
    fonts: FontSet,
    on_image: Callable[[int, Image.Image], None] | None = None,
) -> CardResult:
    """Draw a warning as a card: every panel on one page, or a carousel of pages.

    ``on_image(n, page)`` is called as each page is finished (n from 0), so that it can be
    encoded while the next is drawn.
    """
    from fanzha.renderer import chrome

    wide = fmt.width > fmt.height  # a banner sets balloons side by side, as large text does
    m = comic.Metrics(
        fmt.scale,
        style.line_spacing,
        style.asset_dir,
        compact=style.large_text or wide,
        staged=True,
        zh=copy.locale.lower().startswith("zh"),
        # large text: figures at least this tall, unless a panel cannot have them on its own
        min_figure=round(260 * fmt.scale) if style.large_text else 0,
    )
    min_body = fmt.body_min_px(style.large_text)
    max_body = max(min_body, m.px(62 if style.large_text else 48))
    story, elder = story_panels(copy, style.large_text)
    probe = Canvas(Image.new("RGB", (fmt.width, fmt.height), PALETTE.paper), fonts)
    margin = m.px(16 if style.large_text else 22)
    band = chrome.plan_title(probe, copy, fmt, m, min_body, style)
    footer = chrome.plan_footer(probe, copy, fmt, m, min_body, max_body, style)
    whole = (margin, margin, fmt.width - margin, fmt.height - margin)
    planned, covers = _paginate(fonts, copy, story, fmt, style, m, band, footer, margin)
    if planned is None:
        raise TextOverflowError(
            f"text box {_overflow(fonts, copy, story, whole, m, min_body)!r} of warning "
            f"{copy.warning_id!r} does not fit the {fmt.name} format at the minimum size "
            f"{min_body} px, even one panel a page"
        )
    # with covers, the title and the action get pages of their own (a tall story on a banner)
    sheets: list[tuple[str, tuple[int, ...], list]] = []
    if covers:
        sheets.append(("cover", (), []))
    sheets += planned
    if covers:
        sheets.append(("action", (), []))
    pages, records, geometry = [], [], []
    for n, (_kind, chunk, plans) in enumerate(sheets):
        canvas = Canvas(Image.new("RGB", (fmt.width, fmt.height), PALETTE.paper), fonts)
        for pp in plans:
            geometry.append({**comic.draw(canvas, pp, m, copy), "image": n})
        if n == 0:
            chrome.draw_title(canvas, chrome.centred_title(band, fmt.height) if covers else band)
            chrome.draw_stamp(
                canvas, chrome.centred_title(band, fmt.height).stamp if covers else band.stamp
            )
        if n == len(sheets) - 1:
            chrome.draw_footer(
                canvas, chrome.raised_footer(footer, fmt.height) if covers else footer
            )
        if len(sheets) > 1:
            drawn = [g for g in geometry if g["image"] == n]
            avoid = [b["box"] for g in drawn for b in g["balloons"]]
            avoid += [box for g in drawn for box in g["props"]]
            avoid += [f["face"] for g in drawn for f in g["figures"]]
            avoid += [f["visible"] for g in drawn for f in g["figures"] if f["remote"]]
            avoid += [r.box for r in canvas.records]  # the title, the stamp, the hotline
            chrome.draw_page_mark(canvas, n + 1, len(sheets), m, min_body, avoid)
        pages.append((canvas.img, chunk))
        records.append(tuple(canvas.records))
        if on_image is not None:
            on_image(n, canvas.img)
    return CardResult(
        tuple(pages),
        tuple(records),
        tuple(kind for kind, _, _ in sheets),
        tuple(range(len(story))),
        tuple(pp.arrangement for _, _, plans in planned for pp in plans),
        elder,
        tuple(geometry),
    )


def _paginate(
    fonts: FontSet,
    copy: WarningCopy,
    story: tuple[Panel, ...],
    fmt: Format,
    style: Style,
    m: Any,
    band: Any,
    footer: Any,
    margin: int,
) -> Any:
    """Pages of consecutive panels, as few as fit: title band on the first, footer on the last;
    failing that, the title and the action on pages of their own. (None, False) if nothing fits."""
    min_body = fmt.body_min_px(style.large_text)
    max_body = max(min_body, m.px(62 if style.large_text else 48))
    must = _must(fonts, copy, story, fmt, m, margin, min_body)
    for bare, covers in ((False, False), (False, True), (True, False), (True, True)):

        def area_of(page: int, pages: int, covers: bool = covers) -> Box:
            top = band.bottom + margin if page == 0 and not covers else margin
            last = page == pages - 1 and not covers
            bottom = footer.top - margin if last else fmt.height - margin
            return (margin, top, fmt.width - margin, bottom)

        for per_page in range(len(story), 0, -1):
            chunks = _chunks(len(story), per_page)
            if per_page < len(story) and len(chunks) == len(_chunks(len(story), per_page + 1)):
                continue  # the same number of pages as a fuller split: nothing gained
            planned = []
            for n, chunk in enumerate(chunks):
                area = area_of(n, len(chunks))
                for kind in candidate_layouts(fmt, style, len(chunk)):
                    plans = plan_panels(
                        fonts, copy, kind, area, m, min_body, max_body, chunk, story, must, bare
                    )
                    if plans is not None:
                        planned.append((kind, chunk, plans))
                        break
                else:
                    break
            else:
                return planned, covers
    return None, False


def _must(
    fonts: FontSet,
    copy: WarningCopy,
    story: tuple[Panel, ...],
    fmt: Format,
    m: Any,
    margin: int,
    size: int,
) -> frozenset[int]:
    """The panels that can keep their shot at the large-text figure size on a page of their
    own: pagination gives them the room (none in normal mode)."""
    if not m.min_figure:
        return frozenset()
    page = (margin, margin, fmt.width - margin, fmt.height - margin)
    strict = dataclasses.replace(m, strict_shot=True)
    drawn = [
        dataclasses.replace(p, caption=shown_caption(copy, p, i, len(story)))
        for i, p in enumerate(story)
    ]
    return frozenset(
        i
        for i, panel in enumerate(drawn)
        if comic.plan(fonts, f"panel{i + 1}", panel, page, size, strict, copy) is not None
    )


def _overflow(
    fonts: FontSet, copy: WarningCopy, story: tuple[Panel, ...], area: Box, m: Any, size: int
) -> str:
    """Name the first panel that cannot hold its text at the minimum size, alone on a page."""
    for idx, panel in enumerate(story):
        if comic.plan(fonts, f"panel{idx + 1}", panel, area, size, m, copy) is None:
            return f"panel{idx + 1}"
    return "panels"
