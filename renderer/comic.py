"""Comic panels: plan where characters, captions and balloons go (panel_plan), then draw them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fanzha.content.copy import WarningCopy
from fanzha.renderer import balloons, figures
from fanzha.renderer.canvas import Canvas
from fanzha.renderer.panel_plan import Metrics, PanelPlan, Placed, pads, plan, spike
from fanzha.renderer.stage import default_look, stage
from fanzha.renderer.style import PALETTE
from PIL import Image, ImageDraw

__all__ = ["Metrics", "PanelPlan", "Placed", "draw", "pads", "plan", "spike"]


def draw(canvas: Canvas, pp: PanelPlan, m: Metrics, copy: WarningCopy | None = None) -> None:
    """Draw a planned panel: scene, characters, balloons and text, then its thick outline."""
    pal, img = canvas.palette, canvas.img
    assets = None if m.asset_dir is None else Path(m.asset_dir)
    figures.draw_scene(img, pp.panel.scene, pp.rect, asset_dir=assets)
    st = stage(pp.panel, 1, copy)
    for member, box, facing in pp.cast:
        if member in st.remote:  # on the line, not in the room: in a window with their backdrop
            _caller_window(img, member, box, pp.rect, m, assets, default_look(member, copy))
            continue
        figures.draw_character(
            img,
            member.role,
            member.expression,
            box,
            facing=facing,
            asset_dir=assets,
            holding=st.holding if member is st.holder else None,
            look=default_look(member, copy),
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
                d,
                item.outer,
                target,
                pal.alarm_fill,
                pal.red,
                lw,
                spike(item.layout.font_px, m.compact),
                gap,
            )
        elif item.kind == "think":
            inset = min(pads("think", item.layout.font_px, m.compact))
            balloons.thought(d, item.outer, target, pal.balloon, pal.outline, lw, gap, inset)
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


def _caller_window(
    img: Image.Image, member: Any, box: Any, rect: Any, m: Metrics, assets: Any, look: Any
) -> None:
    """A caller's head and shoulders in a framed window, over a call centre or hotel room."""
    x0, y0, x1, y1 = box
    top = y0 + (y1 - y0) // 12
    win_box = (max(rect[0] + m.px(8), x0 - m.px(10)), top, min(rect[2] - m.px(8), x1 + m.px(10)))
    wx0, wy0, wx1 = win_box
    wy1 = min(y1, wy0 + round((wx1 - wx0) * 1.05))
    win = Image.new("RGB", (wx1 - wx0, wy1 - wy0), PALETTE.paper)
    scene = "hotel_room" if member.role == "fake_officer" else "office"
    figures.draw_scene(win, scene, (0, 0, wx1 - wx0, wy1 - wy0), asset_dir=assets)
    fw = wx1 - wx0
    fh = round(fw * 200 / 120 * 0.95)
    fig = ((fw - round(fh * 0.6)) // 2, m.px(4), (fw + round(fh * 0.6)) // 2, m.px(4) + fh)
    figures.draw_character(
        win,
        member.role,
        member.expression,
        fig,
        facing="left" if wx0 > rect[0] + (rect[2] - rect[0]) // 2 else "right",
        asset_dir=assets,
        holding="ear",
        clip_bottom=wy1 - wy0,
        look=look,
    )
    img.paste(win, (wx0, wy0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (wx0, wy0, wx1, wy1), radius=m.px(6), outline=PALETTE.outline, width=m.px(4)
    )
