"""Comic panels: plan where characters, captions and balloons go (panel_plan), then draw them."""

from __future__ import annotations

from pathlib import Path

from fanzha.renderer import balloons, figures
from fanzha.renderer.canvas import Canvas
from fanzha.renderer.panel_plan import Metrics, PanelPlan, Placed, pads, plan, spike
from PIL import ImageDraw

__all__ = ["Metrics", "PanelPlan", "Placed", "draw", "pads", "plan", "spike"]


def draw(canvas: Canvas, pp: PanelPlan, m: Metrics) -> None:
    """Draw a planned panel: scene, characters, balloons and text, then its thick outline."""
    pal, img = canvas.palette, canvas.img
    assets = None if m.asset_dir is None else Path(m.asset_dir)
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
