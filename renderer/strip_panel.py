"""One full-width strip panel (条漫): caption, balloons, then the cast at the panel's shot size.

Balloons stack above the cast in reading order, so none hides a face, a phone or a screen,
and none overlaps another; each tail leaves its balloon towards the speaker's mouth and
stops at the head. The panel is as tall as that composition needs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fanzha.content.copy import Panel, WarningCopy
from fanzha.renderer import screens
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.stage import Staging, stage
from fanzha.renderer.strip_balloons import Balloon, place_balloons, tail_anchor, tail_tip
from fanzha.renderer.strip_cast import ZONE, Box, Figure, cast_layout, remote_figures
from fanzha.renderer.text_box import Metrics, Placed, place_at, text_box

__all__ = ["StripPanel", "compose", "tail_tip"]


@dataclass(frozen=True)
class StripPanel:
    """Everything a strip panel draws, in panel coordinates."""

    index: int
    panel: Panel
    staging: Staging
    width: int
    height: int
    caption: Placed | None
    balloons: tuple[Balloon, ...]
    figures: tuple[Figure, ...]
    screen: screens.ScreenPlan | None
    inset: Box | None  # the remote caller's window
    zone_top: int


def compose(
    fonts: FontSet,
    name: str,
    index: int,
    panel: Panel,
    width: int,
    size: int,
    m: Metrics,
    zh: bool = True,
    copy: WarningCopy | None = None,
) -> StripPanel | None:
    """Lay out one strip panel at a body size; None if a balloon or screen cannot fit."""
    st = stage(panel, index, copy)
    edge = m.px(28)
    gap = m.px(18)
    y = edge
    caption = None
    if panel.caption:
        got = text_box(
            fonts, f"{name}.caption0", "caption", panel.caption, size, width - 2 * edge, m
        )
        if got is None:
            return None
        layout, ow, oh = got
        caption = place_at("caption", layout, edge, y, ow, oh, m)
        y = caption.outer[3] + gap
    zone = m.px(ZONE[st.shot])
    screen_h = None
    if panel.screen is not None:
        screen_w = round(width * 0.48) - edge
        screen_h = screens.height_for(fonts, panel.screen, screen_w, size, m.spacing, zh)
        if screen_h is None:
            return None
        zone = max(zone, screen_h + m.px(24))
    # a provisional cast layout tells the balloons where each speaker's mouth is (x only)
    figures, side_box = cast_layout(st, panel, width, 0, zone, m)
    remote = remote_figures(st, side_box) if side_box and panel.screen is None else []
    balloons = place_balloons(fonts, name, panel, st, width, y, size, m, figures + remote, side_box)
    if balloons is None:
        return None
    last = max((b.placed.outer[3] for b in balloons), default=y - gap)
    zone_top = last + m.px(56 if balloons else 0)
    zone = max(zone, zone_top // 2 + 1)  # a medium shot's cast fills a third of the panel
    figures, side_box = cast_layout(st, panel, width, zone_top, zone, m)
    remote = remote_figures(st, side_box) if side_box and panel.screen is None else []
    screen_plan = None
    if panel.screen is not None and side_box is not None:
        x0, y0, x1, _ = side_box
        screen_plan = screens.plan(
            fonts,
            f"{name}.screen",
            panel.screen,
            (x0, y0, x1, y0 + (screen_h or 0)),
            size,
            m.spacing,
            zh,
        )
        if screen_plan is None:
            return None
    everyone = figures + remote
    by_role = {f.member.role: f for f in everyone}
    fixed = []
    for b in balloons:  # re-aim tails at the mouths of the final cast
        anchor, stop = tail_anchor(b.speaker, by_role, side_box, screen_plan, m)
        fixed.append(dataclasses.replace(b, anchor=anchor, stop=stop))
    height = zone_top + zone
    inset = side_box if side_box is not None and panel.screen is None else None
    return StripPanel(
        index,
        panel,
        st,
        width,
        height,
        caption,
        tuple(fixed),
        tuple(everyone),
        screen_plan,
        inset,
        zone_top,
    )
