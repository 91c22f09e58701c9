"""Card chrome: the title band, the slogan stamp and the action/hotline footer."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import WarningCopy
from fanzha.renderer import text as typeset
from fanzha.renderer.canvas import Canvas
from fanzha.renderer.comic import Metrics
from fanzha.renderer.errors import TextOverflowError
from fanzha.renderer.formats import Format
from fanzha.renderer.story import footer_text
from fanzha.renderer.style import Style
from PIL import Image, ImageDraw

STAMP_ANGLE = 7  # degrees anticlockwise: a hand-pressed seal, not a printed label


@dataclass(frozen=True)
class StampPlan:
    """The slogan seal: its text layout, size and centre on the card."""

    layout: typeset.TextLayout
    size: tuple[int, int]
    center: tuple[int, int]
    pad: int
    border: int


@dataclass(frozen=True)
class TitlePlan:
    """The title band and the stamp that sits on it."""

    bottom: int
    width: int
    title: typeset.TextLayout
    stamp: StampPlan
    accent: int
    top: int = 0


@dataclass(frozen=True)
class FooterPlan:
    """The footer band: the one action and the hotlines."""

    top: int
    width: int
    height: int
    action: typeset.TextLayout
    hotline: typeset.TextLayout


def stamp_lines(slogan: str) -> str:
    """The slogan with its line break at the space nearest its middle (a seal reads by phrase)."""
    words = slogan.split()
    if len(words) < 2:
        return slogan
    cuts = range(1, len(words))
    best = min(cuts, key=lambda i: abs(len("".join(words[:i])) - len("".join(words[i:]))))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def heavy(locale: str) -> str:
    """The display weight: Black for Chinese; Bold for Latin text, which Black sets too tight."""
    return "Black" if locale.lower().startswith("zh") else "Bold"


def plan_stamp(
    canvas: Canvas,
    slogan: str,
    m: Metrics,
    min_px: int,
    large: bool,
    wide: bool = False,
    locale: str = "zh-CN",
) -> tuple[typeset.TextLayout, int, int]:
    """Fit the slogan into a seal: one line on wide formats if it can, else two, split at a space."""
    # large text: the seal at the body minimum, so the band leaves the panels their room
    size = min_px if large else max(min_px, m.px(46))
    spacing = 1.3 if large else 1.2
    pad, border = m.px(12 if large else 16 if wide else 18), max(3, m.px(5))
    if wide:
        one = typeset.try_fit(
            canvas.fonts,
            "stamp",
            slogan,
            (0, 0, m.px(460), m.px(120)),
            max_px=size,
            min_px=min_px,
            spacing=spacing,
            weight=heavy(locale),
            max_lines=1,
        )
        if one is not None:
            return one, pad, border
    box = (0, 0, m.px(300 if large else 250), m.px(260))
    options = dict(max_px=size, min_px=min_px, spacing=spacing, weight=heavy(locale), max_lines=2)
    split = stamp_lines(slogan)
    layout = None
    if split != slogan:  # each phrase on its own line: the seal may widen a little for that
        roomier = (0, 0, box[2] + m.px(90), box[3])
        layout = typeset.try_fit(canvas.fonts, "stamp", split, roomier, **options)  # type: ignore[arg-type]
    if layout is None:
        layout = typeset.fit(canvas.fonts, "stamp", slogan, box, balance=True, **options)
    return dataclasses.replace(layout, text=slogan), pad, border


def _title_options(
    canvas: Canvas, copy: WarningCopy, fmt: Format, m: Metrics, min_px: int, style: Style
) -> list[tuple[typeset.TextLayout, int, int, int]]:
    """(stamp layout, pad, border, max title lines) pairings to try for the band."""
    wide = fmt.width > fmt.height
    stamp = plan_stamp(canvas, copy.slogan, m, min_px, style.large_text, wide, copy.locale)
    if not style.large_text:
        return [(*stamp, 2)]
    # large text: the band is as slim as the words allow, leaving the panels room for 52 px
    flat = stamp if wide else plan_stamp(canvas, copy.slogan, m, min_px, True, True, copy.locale)
    return [(*flat, 1), (*stamp, 1), (*flat, 2), (*stamp, 2)]


def _seal_height(size: tuple[int, int]) -> int:
    """Height of the stamp's bounding box once rotated by STAMP_ANGLE."""
    a = math.radians(STAMP_ANGLE)
    return math.ceil(size[1] * math.cos(a) + size[0] * math.sin(a))


def plan_title(
    canvas: Canvas, copy: WarningCopy, fmt: Format, m: Metrics, min_px: int, style: Style
) -> TitlePlan:
    """Size the title to the band beside the stamp (the slimmest band in large-text mode)."""
    margin = m.px(28)
    pad_y = m.px(16 if style.large_text else 24)
    best: tuple[int, typeset.TextLayout, tuple[int, int], StampPlan] | None = None
    for stamp_layout, pad, border, lines in _title_options(canvas, copy, fmt, m, min_px, style):
        sw, sh = typeset.block_size(canvas.fonts, stamp_layout)
        stamp_size = (sw + 2 * (pad + border), sh + 2 * (pad + border))
        title_w = fmt.width - 3 * margin - stamp_size[0]
        if title_w <= min_px:
            continue
        title = typeset.try_fit(
            canvas.fonts,
            "title",
            copy.title,
            (margin, 0, margin + title_w, m.px(190)),
            max_px=m.px(70 if style.large_text else 64),
            min_px=min_px,
            spacing=style.line_spacing,
            weight=heavy(copy.locale),
            max_lines=lines,
            balance=True,
        )
        if title is None:
            continue
        th = typeset.block_size(canvas.fonts, title)[1]
        bottom = max(th, int(stamp_size[1] * 0.8)) + 2 * pad_y
        bottom = max(bottom, _seal_height(stamp_size) - m.px(4))  # the seal never hits a panel
        if best is None or bottom < best[0]:
            stamp = StampPlan(stamp_layout, stamp_size, (0, 0), pad, border)
            best = (bottom, title, (title_w, th), stamp)
    if best is None:
        raise TextOverflowError(
            f"text box 'title' cannot hold {copy.title!r} beside the slogan even at {min_px} px"
        )
    bottom, title, (title_w, th), stamp = best
    top_pad = (bottom - th) // 2
    title = _at(title, margin, top_pad, title_w, th)
    # a little below the band's middle, as if pressed on, but at most 10 px into the margin
    cy = min(bottom // 2 + m.px(6), bottom + m.px(10) - _seal_height(stamp.size) // 2)
    center = (fmt.width - margin - stamp.size[0] // 2, cy)
    stamp = dataclasses.replace(stamp, center=center)
    return TitlePlan(bottom, fmt.width, title, stamp, m.px(8))


def shift_title(plan: TitlePlan, dy: int) -> TitlePlan:
    """The same title band drawn dy px lower (a strip's title panel)."""
    x0, y0, x1, y1 = plan.title.box
    title = dataclasses.replace(plan.title, box=(x0, y0 + dy, x1, y1 + dy))
    cx, cy = plan.stamp.center
    stamp = dataclasses.replace(plan.stamp, center=(cx, cy + dy))
    return dataclasses.replace(plan, title=title, stamp=stamp, top=plan.top + dy)


def centred_title(plan: TitlePlan, height: int) -> TitlePlan:
    """The title band grown to a whole cover page (the title in the middle, the seal below)."""
    dy = (height - plan.bottom) // 2
    moved = shift_title(plan, dy)
    cx, cy = moved.stamp.center
    stamp = dataclasses.replace(moved.stamp, center=(cx, cy + plan.bottom // 2))
    return dataclasses.replace(moved, top=0, bottom=height, stamp=stamp)


def raised_footer(plan: FooterPlan, height: int) -> FooterPlan:
    """The footer grown to a whole closing page, its words in the middle."""
    dy = -(plan.top // 2)
    action = _moved(plan.action, dy)
    hotline = _moved(plan.hotline, dy)
    return dataclasses.replace(plan, top=0, height=height, action=action, hotline=hotline)


def _moved(layout: typeset.TextLayout, dy: int) -> typeset.TextLayout:
    x0, y0, x1, y1 = layout.box
    return dataclasses.replace(layout, box=(x0, y0 + dy, x1, y1 + dy))


def plan_footer(
    canvas: Canvas,
    copy: WarningCopy,
    fmt: Format,
    m: Metrics,
    min_px: int,
    max_px: int,
    style: Style,
) -> FooterPlan:
    """The action, and under it the labelled hotlines (and the bank's line when configured)."""
    margin = m.px(28)
    width = fmt.width - 2 * margin
    wide = fmt.width > fmt.height
    hot = typeset.fit(
        canvas.fonts,
        "hotline",
        footer_text(copy.locale, style.bank_line),
        (0, 0, width, m.px(160)),
        max_px=max(min_px, m.px(44)),
        min_px=min_px,
        spacing=style.line_spacing,
        weight=heavy(copy.locale),
        max_lines=2,
        balance=True,
    )
    hw, hh = typeset.block_size(canvas.fonts, hot)
    tries = (1, 2) if wide else (1, 2, 3)
    for lines in tries:
        action = typeset.try_fit(
            canvas.fonts,
            "action",
            copy.action,
            (0, 0, width, m.px(80 * lines + 40)),
            max_px=max_px,
            min_px=min_px,
            spacing=style.line_spacing,
            weight="Bold",
            max_lines=lines,
            balance=True,
        )
        if action is not None:
            break
    else:
        raise TextOverflowError(
            f"text box 'action' ({width} px wide) cannot hold {copy.action!r} "
            f"in {tries[-1]} lines even at the minimum size {min_px} px"
        )
    _, ah = typeset.block_size(canvas.fonts, action)
    pad, between = m.px(16 if style.large_text else 20), m.px(10)
    height = ah + between + hh + 2 * pad
    top = fmt.height - height
    action = _at(action, margin, top + pad, width, ah)
    hot = _at(hot, margin, top + pad + ah + between, hw, hh)
    return FooterPlan(top, fmt.width, height, action, hot)


def draw_page_mark(
    canvas: Canvas,
    page: int,
    pages: int,
    m: Metrics,
    size: int,
    avoid: list[Any] | None = None,
) -> None:
    """A "2/3" tab in a corner: this card is one page of a carousel. The bottom right, unless
    the tab would cover a face, a phone, a screen, a balloon or words there (`avoid`)."""
    label = f"{page}/{pages}"
    layout = typeset.TextLayout("page", label, (label,), size, size, "Black", (0, 0, 0, 0))
    w, h = typeset.block_size(canvas.fonts, layout)
    pad = m.px(8)
    y1 = canvas.img.height - m.px(6)
    width = canvas.img.width
    spots = [width - m.px(6), m.px(6) + w + 2 * pad, (width + w) // 2 + pad]
    rows = [y1, h + 2 * pad + m.px(6)]  # the bottom corners first, then the top ones
    boxes = [(x1 - w - 2 * pad, y - h - 2 * pad, x1, y) for y in rows for x1 in spots]
    clear = [b for b in boxes if not any(_overlaps(b, a) for a in avoid or ())]
    box = (clear or boxes)[0]
    canvas.draw.rounded_rectangle(box, radius=m.px(8), fill=canvas.palette.gold)
    placed = _at(layout, box[0] + pad, box[1] + pad, w, h)
    canvas.text(placed, canvas.palette.navy, role="display")


def _overlaps(a: Any, b: Any) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _at(layout: typeset.TextLayout, x: int, y: int, w: int, h: int) -> typeset.TextLayout:
    return typeset.TextLayout(
        layout.name,
        layout.text,
        layout.lines,
        layout.font_px,
        layout.line_height,
        layout.weight,
        (x, y, x + w, y + h),
    )


def draw_title(canvas: Canvas, plan: TitlePlan) -> None:
    """Navy band with the title in cream and an orange accent rule."""
    pal = canvas.palette
    d = canvas.draw
    bottom = plan.top + plan.bottom
    d.rectangle((0, plan.top, plan.width, bottom), fill=pal.navy)
    d.rectangle((0, bottom - plan.accent, plan.width, bottom), fill=pal.orange)
    canvas.text(plan.title, pal.navy_text, role="title")


def draw_footer(canvas: Canvas, plan: FooterPlan) -> None:
    """Deep-red band: the action, then the labelled hotlines."""
    pal = canvas.palette
    d = canvas.draw
    d.rectangle((0, plan.top, plan.width, plan.top + plan.height), fill=pal.red)
    d.rectangle((0, plan.top, plan.width, plan.top + max(4, plan.height // 24)), fill=pal.gold)
    canvas.text(plan.action, pal.red_text, role="body")
    canvas.text(plan.hotline, pal.red_text, role="display")


def draw_stamp(canvas: Canvas, plan: StampPlan) -> None:
    """The slogan as a slightly rotated red seal with a white double rule."""
    pal = canvas.palette
    w, h = plan.size
    layer = Image.new("RGB", (w, h), pal.red)
    inner = Canvas(layer, canvas.fonts, pal)
    d = ImageDraw.Draw(layer)
    b = plan.border
    d.rectangle((b, b, w - 1 - b, h - 1 - b), outline=pal.red_text, width=b)
    d.rectangle(
        (2 * b + 2, 2 * b + 2, w - 3 - 2 * b, h - 3 - 2 * b),
        outline=pal.red_text,
        width=max(1, b // 2),
    )
    tw, th = typeset.block_size(canvas.fonts, plan.layout)
    x, y = (w - tw) // 2, (h - th) // 2
    layout = _at(plan.layout, x, y, tw, th)
    cx, cy = plan.center
    rec = inner.text(layout, pal.red_text, origin=(x, y), align="center", role="display")
    mask = Image.new("L", (w, h), 255).rotate(
        STAMP_ANGLE, resample=Image.Resampling.BICUBIC, expand=True
    )
    rotated = layer.rotate(STAMP_ANGLE, resample=Image.Resampling.BICUBIC, expand=True)
    edge = max(4, plan.border * 2)  # the whole seal stays on the card, never clipped
    ox = min(max(edge, cx - rotated.width // 2), canvas.img.width - rotated.width - edge)
    oy = min(max(edge, cy - rotated.height // 2), canvas.img.height - rotated.height - edge)
    canvas.img.paste(rotated, (ox, oy), mask)
    # the manifest gets the seal's bounding box on the card; contrast was measured on the seal
    canvas.records.append(
        type(rec)(
            rec.name,
            rec.text,
            rec.lines,
            rec.font_px,
            rec.line_height,
            (ox, oy, ox + rotated.width, oy + rotated.height),
            rec.color,
            rec.contrast,
            rec.role,
            rec.splits,
        )
    )
