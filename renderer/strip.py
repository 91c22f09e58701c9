"""The strip format (条漫): a title panel, every story panel at full width, an action panel.

Each panel is as tall as its composition needs. The strip is saved as a sequence of images,
one per panel (the title and action panels each their own), each with the gutter below it:
stacked without gaps they are the whole strip, which a phone loads panel by panel and the
renderer encodes side by side. The manifest lists every image with the panels it holds and
its ``top`` in the strip; text boxes and every panel's geometry (faces, phones, screens,
balloons and where their tails point) are in strip coordinates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import WarningCopy
from fanzha.renderer import balloons as shapes
from fanzha.renderer import characters, chrome, screens
from fanzha.renderer import text as typeset
from fanzha.renderer.canvas import Canvas, TextRecord
from fanzha.renderer.errors import TextOverflowError
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.formats import Format
from fanzha.renderer.stage import default_look, remote_scene
from fanzha.renderer.story import footer_text, shown_caption, story_panels
from fanzha.renderer.strip_balloons import draw_balloons
from fanzha.renderer.strip_geometry import panel_geometry, shift_record
from fanzha.renderer.strip_panel import StripPanel, compose
from fanzha.renderer.style import PALETTE, Style
from fanzha.renderer.text_box import Metrics
from PIL import Image, ImageDraw

GUTTER = 28  # paper between panels at 1080 px wide


@dataclass(frozen=True)
class StripResult:
    """A drawn strip: its images (each with the panel numbers it holds) and text records."""

    images: tuple[tuple[Image.Image, tuple[int, ...]], ...]
    records: tuple[TextRecord, ...]
    geometry: tuple[dict[str, Any], ...]
    panels: tuple[int, ...]  # story panel numbers drawn (1-based)
    elder_cut: bool


def _metrics(fmt: Format, style: Style) -> Metrics:
    return Metrics(fmt.scale, style.line_spacing, style.asset_dir, compact=style.large_text)


def _compose_all(
    fonts: FontSet, copy: WarningCopy, panels: Any, fmt: Format, style: Style, m: Metrics
) -> list[StripPanel]:
    """Every panel at the largest common body size that fits (from the floor up)."""
    floor = fmt.body_min_px(style.large_text)
    zh = copy.locale.lower().startswith("zh")
    out = []
    for i, panel in enumerate(panels):
        shown = dataclasses.replace(panel, caption=shown_caption(copy, panel, i, len(panels)))
        best = None
        for size in (round(floor * 1.12), floor):
            best = compose(fonts, f"panel{i + 1}", i, shown, fmt.width, size, m, zh, copy)
            if best is not None:
                break
        if best is None:
            raise TextOverflowError(
                f"text box 'panel{i + 1}' of warning {copy.warning_id!r} does not fit the strip "
                f"format at the minimum size {floor} px"
            )
        out.append(best)
    return out


def render_strip_image(
    copy: WarningCopy,
    fmt: Format,
    style: Style,
    fonts: FontSet,
    on_image: Callable[[int, Image.Image], None] | None = None,
) -> StripResult:
    """Draw a warning as a vertical strip: one image per panel, title and action panels included.

    ``on_image(n, image)`` is called as each image is finished (n from 0, top to bottom), so
    that it can be encoded while the panels below it are drawn.
    """
    m = _metrics(fmt, style)
    panels, elder = story_panels(copy, style.large_text)
    planned = _compose_all(fonts, copy, panels, fmt, style, m)
    floor = fmt.body_min_px(style.large_text)
    width = fmt.width
    gutter = m.px(GUTTER)
    title_h, title_draw = _title(fonts, copy, fmt, style, m, floor)
    action_h, action_draw = _action(fonts, copy, fmt, style, m, floor)
    blocks: list[tuple[str, int, Any]] = [("title", title_h, title_draw)]
    blocks += [("panel", sp.height, sp) for sp in planned]
    blocks.append(("action", action_h, action_draw))
    height = sum(b[1] for b in blocks) + gutter * (len(blocks) - 1)
    canvas = Canvas(Image.new("RGB", (width, height), PALETTE.paper), fonts)
    images: list[tuple[Image.Image, tuple[int, ...]]] = []
    geometry: list[dict[str, Any]] = []
    y = 0
    for n, (kind, h, item) in enumerate(blocks):
        numbers: tuple[int, ...] = ()
        if kind == "panel":
            geometry.append(_draw_panel(canvas, item, y, copy, style, m, n))
            numbers = (item.index,)
        else:
            item(canvas, y)
        # one image per panel, the gutter below it included: stacked, they are the strip
        bottom = height if n == len(blocks) - 1 else y + h + gutter
        image = canvas.img.crop((0, y, width, bottom))
        images.append((image, numbers))
        if on_image is not None:
            on_image(n, image)
        y = bottom
    records = canvas.records
    return StripResult(
        tuple(images), tuple(records), tuple(geometry), tuple(range(1, len(panels) + 1)), elder
    )


def _title(
    fonts: FontSet, copy: WarningCopy, fmt: Format, style: Style, m: Metrics, floor: int
) -> tuple[int, Any]:
    """The title panel: navy band, the title large, the slogan as a seal."""
    probe = Canvas(Image.new("RGB", (1, 1)), fonts)
    band = chrome.plan_title(probe, copy, fmt, m, floor, style)

    def draw(canvas: Canvas, y: int) -> None:
        moved = chrome.shift_title(band, y)
        chrome.draw_title(canvas, moved)
        chrome.draw_stamp(canvas, moved.stamp)

    return band.bottom + m.px(16), draw


def _action(
    fonts: FontSet, copy: WarningCopy, fmt: Format, style: Style, m: Metrics, floor: int
) -> tuple[int, Any]:
    """The action panel: the one thing to do, what to do once money has gone, the hotlines."""
    edge = m.px(40)
    width = fmt.width - 2 * edge
    spacing = style.line_spacing
    action = typeset.fit(
        fonts,
        "action",
        copy.action,
        (0, 0, width, m.px(600)),
        max_px=max(floor, m.px(72)),
        min_px=floor,
        spacing=spacing,
        weight=chrome.heavy(copy.locale),
        balance=True,
    )
    paid = None
    if copy.if_paid:
        paid = typeset.fit(
            fonts,
            "if_paid",
            copy.if_paid,
            (0, 0, width - 2 * m.px(28), m.px(700)),
            max_px=max(floor, m.px(48)),
            min_px=floor,
            spacing=spacing,
            weight="Bold",
            balance=True,
        )
    hot = typeset.fit(
        fonts,
        "hotline",
        footer_text(copy.locale, style.bank_line),
        (0, 0, width, m.px(400)),
        max_px=max(floor, m.px(52)),
        min_px=floor,
        spacing=spacing,
        weight=chrome.heavy(copy.locale),
        balance=True,
    )
    ah = typeset.block_size(fonts, action)[1]
    ph = typeset.block_size(fonts, paid)[1] + 2 * m.px(28) if paid else 0
    hh = typeset.block_size(fonts, hot)[1]
    pad = m.px(48)
    height = pad + ah + pad + (ph + pad if paid else 0) + hh + pad

    def draw(canvas: Canvas, y: int) -> None:
        pal = canvas.palette
        d = canvas.draw
        d.rectangle((0, y, fmt.width, y + height), fill=pal.red)
        d.rectangle((0, y, fmt.width, y + m.px(10)), fill=pal.gold)
        at = y + pad
        canvas.text(_moved(action, edge, at), pal.red_text, role="body")
        at += ah + pad
        if paid is not None:
            box = (edge, at, fmt.width - edge, at + ph)
            d.rounded_rectangle(box, radius=m.px(18), fill=pal.paper)
            canvas.text(_moved(paid, edge + m.px(28), at + m.px(28)), pal.alarm_ink, role="body")
            at += ph + pad
        d.line((edge, at - pad // 2, fmt.width - edge, at - pad // 2), fill=pal.gold, width=m.px(3))
        canvas.text(_moved(hot, edge, at), pal.red_text, role="display")

    return height, draw


def _moved(layout: typeset.TextLayout, x: int, y: int) -> typeset.TextLayout:
    x0, y0, x1, y1 = layout.box
    return dataclasses.replace(layout, box=(x, y, x + x1 - x0, y + y1 - y0))


def _draw_panel(
    canvas: Canvas, sp: StripPanel, y: int, copy: WarningCopy, style: Style, m: Metrics, page: int
) -> dict[str, Any]:
    """Draw one panel at y on the strip; its geometry in strip coordinates."""
    w, h = sp.width, sp.height
    panel_img = Image.new("RGB", (w, h), PALETTE.paper)
    pc = Canvas(panel_img, canvas.fonts)
    characters.draw_scene(panel_img, sp.panel.scene, (0, 0, w, h), asset_dir=style.assets)
    present = [f for f in sp.figures if not f.remote]
    remote = [f for f in sp.figures if f.remote]
    if sp.inset is not None:
        _draw_inset(panel_img, sp, remote, copy, style, m)
    for f in present:
        characters.draw_character(
            panel_img,
            f.member.role,
            f.member.expression,
            f.box,
            f.facing,
            asset_dir=style.assets,
            holding=f.holding,
            clip_bottom=h,
            look=default_look(f.member, copy),
        )
    d = ImageDraw.Draw(panel_img)
    if sp.screen is not None:
        prop = next((f.prop for f in present if f.prop is not None), None)
        if prop is not None:
            screens.zoom_lines(d, prop, sp.screen.box, m.px)
        caller = None
        if remote or sp.staging.remote:
            r = sp.staging.remote[0]
            caller = (r.role, r.expression, default_look(r, copy))
        screens.draw(pc, sp.screen, caller)
    tails = draw_balloons(pc, sp.balloons, m)
    if sp.caption is not None:
        d = ImageDraw.Draw(panel_img)
        shapes.caption(d, sp.caption.outer, pc.palette.caption_fill, pc.palette.outline, m.px(3))
    for item in [sp.caption, *(b.placed for b in sp.balloons)]:
        if item is None:
            continue
        ink = pc.palette.alarm_ink if item.kind == "alarm" else pc.palette.ink
        pc.text(
            item.layout,
            ink,
            origin=item.layout.box[:2],
            align="center",
            role="caption" if item.kind == "caption" else "body",
        )
    ImageDraw.Draw(panel_img).rectangle(
        (0, 0, w - 1, h - 1), outline=PALETTE.outline, width=m.px(5)
    )
    canvas.img.paste(panel_img, (0, y))
    canvas.records.extend(shift_record(r, y) for r in pc.records)
    return panel_geometry(sp, y, page, tails, copy)


def _draw_inset(
    img: Image.Image, sp: StripPanel, remote: Any, copy: WarningCopy, style: Style, m: Metrics
) -> None:
    """The caller's window: their own backdrop, the caller at a close shot, a phone-line frame."""
    assert sp.inset is not None  # only panels with a caller window are drawn here
    x0, y0, x1, y1 = sp.inset
    win = Image.new("RGB", (x1 - x0, y1 - y0), PALETTE.paper)
    first = sp.staging.remote[0] if sp.staging.remote else None
    look = default_look(first, copy) if first else None
    scene = remote_scene(first.role if first else "", look)
    characters.draw_scene(win, scene, (0, 0, x1 - x0, y1 - y0), asset_dir=style.assets)
    for f in remote:
        bx0, by0, bx1, by1 = f.box
        characters.draw_character(
            win,
            f.member.role,
            f.member.expression,
            (bx0 - x0, by0 - y0, bx1 - x0, by1 - y0),
            f.facing,
            asset_dir=style.assets,
            holding="ear",
            clip_bottom=y1 - y0,
            look=default_look(f.member, copy),
        )
    img.paste(win, (x0, y0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(sp.inset, radius=m.px(10), outline=PALETTE.outline, width=m.px(7))
    d.rounded_rectangle(
        (x0 + m.px(7), y0 + m.px(7), x1 - m.px(7), y1 - m.px(7)),
        radius=m.px(6),
        outline=PALETTE.gold,
        width=m.px(3),
    )
