"""Comic panel layout: where characters, the caption band and the balloons go in a panel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import CastMember, Panel, WarningCopy
from fanzha.renderer import card_stage
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.panel_balloons import balloon_column, balloon_row, caption_band
from fanzha.renderer.stage import stage
from fanzha.renderer.text_box import Box, Metrics, Placed

FIGURE_ASPECT = 0.62  # character box width / height
# figure heights tried, as shares of the tallest that fits: largest first, so characters are as
# big as the words allow, then smaller ones standing beside or under the balloons
FIGURE_STEPS = (1.0, 0.84, 0.7, 0.58, 0.48)


@dataclass(frozen=True)
class PanelPlan:
    """Where everything in one panel goes."""

    panel: Panel
    rect: Box
    cast: tuple[tuple[CastMember, Box, str], ...]
    items: tuple[Placed, ...]
    arrangement: str
    drawn: tuple[
        Box, ...
    ] = ()  # each cast member's full design box (a cut figure passes the panel)
    shot: str = "wide"
    screen: Any = None  # the phone screen close-up (screens.ScreenPlan) of a staged card panel


def _inset(rect: Box, by: int) -> Box:
    return rect[0] + by, rect[1] + by, rect[2] - by, rect[3] - by


def _cast_boxes(
    cast: tuple[CastMember, ...], area: Box, h: int, m: Metrics, shot: str = "wide"
) -> list[tuple[CastMember, Box, str]]:
    """Character boxes bottom-aligned in area: left members from the left edge, right from the right."""
    x0, _, x1, y1 = area
    w = card_stage.visible_width(h, shot, FIGURE_ASPECT)
    out: list[tuple[CastMember, Box, str]] = []
    lx, rx = x0, x1
    for member in cast:
        if member.side == "left":
            out.append((member, (lx, y1 - h, lx + w, y1), "right"))
            lx += w + m.px(6)
        else:
            out.append((member, (rx - w, y1 - h, rx, y1), "left"))
            rx -= w + m.px(6)
    return out


def plan(
    fonts: FontSet,
    name: str,
    panel: Panel,
    rect: Box,
    size: int,
    m: Metrics,
    copy: WarningCopy | None = None,
) -> PanelPlan | None:
    """Caption band, then the largest characters that leave room for every balloon; None if none do.

    A staged card panel tries the script's shot first (figures cut at the hips or chest, so
    faces are larger), then full-length figures; a phone panel whose script names a screen
    shows that screen as a close-up on the caller's side, which balloons stay clear of."""
    inner = _inset(rect, m.px(10 if m.compact else 14))
    caption = caption_band(fonts, name, panel, rect, size, m) if panel.caption else None
    top = inner[1] if caption is None else caption.outer[3] + m.px(8 if m.compact else 12)
    st = stage(panel, _index(name), copy)
    shots: tuple[str, ...] = ("wide",)
    if m.staged and st.shot != "wide":
        shots = (st.shot, "wide")
    with_screen = m.staged and panel.screen is not None and st.phone
    options = _screens(fonts, name, panel, st, inner, top, size, m) if with_screen else []
    # no room for the screen at this size: the panel still tells its story (the manifest's
    # geometry says no screen was shown, and the library test names the panel)
    if with_screen and not options and not m.screen_optional:
        return None
    with_screen = bool(options)
    fallback = None
    # as a last resort (screen_optional) the panel may also go without its screen
    for screen in options + ([None] if m.screen_optional or not options else []):
        # a crowded screen panel may show its cast small, full length, rather than not at all
        tries = [(shot, False) for shot in shots] + ([("wide", True)] if with_screen else [])
        if m.strict_shot:
            tries = tries[:1]
        for shot, small in tries:
            found, split = _search(
                fonts, name, panel, rect, inner, top, caption, size, m, st, shot, screen, small
            )
            if found is not None and not split:
                return found
            fallback = fallback or found
    return fallback


def _screens(
    fonts: FontSet,
    name: str,
    panel: Panel,
    st: Any,
    inner: Box,
    top: int,
    size: int,
    m: Metrics,
) -> list[Any]:
    """The screen close-ups that fit, at each width tried: those whose words break only between
    words first ("养老金 / 资格认证", not "养老金资 / 格认证")."""
    side = card_stage.remote_side(st)
    found = []
    for share in card_stage.SCREEN_SHARES:
        sp = card_stage.screen_plan(
            fonts, name, panel, inner, top, side, share, size, m.spacing, m.zh
        )
        if sp is not None:
            found.append(sp)
    return sorted(found, key=lambda sp: any(t.splits for t in (sp.title, *sp.lines)))


def _index(name: str) -> int:
    """The panel's place in the story from its name (panel3 → 2)."""
    found = re.search(r"(\d+)$", name)
    return int(found.group(1)) - 1 if found else 1


def _search(
    fonts: FontSet,
    name: str,
    panel: Panel,
    rect: Box,
    inner: Box,
    top: int,
    caption: Placed | None,
    size: int,
    m: Metrics,
    st: Any,
    shot: str,
    screen: Any,
    small: bool = False,
) -> tuple[PanelPlan | None, bool]:
    """The largest figures at one shot that leave room for every balloon; (plan, splits a word)."""
    area = inner
    if screen is not None:  # the screen stands on the caller's side: the room is what is left
        gap = m.px(16)
        if screen.box[0] > (inner[0] + inner[2]) // 2:
            area = (inner[0], inner[1], screen.box[0] - gap, inner[3])
        else:
            area = (screen.box[2] + gap, inner[1], inner[2], inner[3])
    present = tuple(mem for mem in panel.cast if screen is None or mem not in st.remote)
    ih = inner[3] - inner[1]
    aw = area[2] - area[0]
    per = card_stage.visible_width(1000, shot, FIGURE_ASPECT) / 1000
    # two figures share the width with the balloons between them; one alone may be larger
    share = (0.8 if shot != "wide" else 0.62) if len(present) == 1 and m.staged else 0.4
    if screen is not None:
        share = 0.9 / max(1, len(present))
    tallest = min(inner[3] - top, int(aw * share / per))
    floor = 0.42 if m.compact else 0.5
    if shot != "wide":  # a figure cut at the hips or chest: its face is large at a third
        floor = 0.36
    if screen is not None:  # beside a screen, a third of the panel still shows a face well
        floor = 0.34
    shortest = m.px(130) if small else max(int(ih * floor), m.px(130))
    if m.strict_shot:  # large text: faces an elderly reader can see, or the panel on its own page
        shortest = max(shortest, m.min_figure)
    heights = [int(tallest * step) for step in FIGURE_STEPS if tallest * step >= shortest]
    heights = [*heights, shortest] if tallest >= shortest else []
    least = max(m.px(130), m.min_figure if m.strict_shot else 0)
    if not heights and shot == "wide" and tallest >= least:
        heights = [tallest]  # a tall panel, narrow for two: as tall as the width allows
    # balloons in a column first, at any figure size; side by side only when that cannot fit;
    # smaller figures before a balloon that breaks inside a word (wider than its line)
    fallback = None
    box = None if screen is None else screen.box
    for mode in ("column", "row") if m.compact and m.side_by_side else ("column",):
        for h in heights if panel.cast else [0]:
            cast = _cast_boxes(present, area, h, m, shot) if present else []
            if screen is not None:
                cast += [(mem, screen.box, "left") for mem in st.remote]
            if mode == "column":
                placed = balloon_column(fonts, name, panel, inner, top, cast, size, m, box)
            else:
                placed = balloon_row(fonts, name, panel, inner, caption, cast, size, m, box)
            if placed is None:
                continue
            drawn = tuple(
                b if screen is not None and mem in st.remote else card_stage.figure_box(b, shot)
                for mem, b, _ in cast
            )
            found = _finish(panel, rect, caption, cast, placed, drawn, shot, screen)
            if not any(p.layout.splits for p in placed):
                return found, False
            fallback = fallback or found
    return fallback, fallback is not None


def _finish(
    panel: Panel,
    rect: Box,
    caption: Placed | None,
    cast: list[tuple[CastMember, Box, str]],
    placed: list[Placed],
    drawn: tuple[Box, ...] = (),
    shot: str = "wide",
    screen: Any = None,
) -> PanelPlan:
    """The plan, named by whether every balloon sits above the characters."""
    fig_top = min((b[1] for _, b, _ in cast), default=rect[3])
    below = all(p.outer[3] <= fig_top for p in placed)
    items = ([caption] if caption else []) + placed
    arrangement = "stacked" if below else "beside"
    return PanelPlan(panel, rect, tuple(cast), tuple(items), arrangement, drawn, shot, screen)
