"""Comic panel layout: where characters, the caption band and the balloons go in a panel."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import CastMember, Panel, WarningCopy
from fanzha.renderer import card_stage
from fanzha.renderer import text as typeset
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.stage import stage

Box = tuple[int, int, int, int]
FIGURE_ASPECT = 0.62  # character box width / height
# figure heights tried, as shares of the tallest that fits: largest first, so characters are as
# big as the words allow, then smaller ones standing beside or under the balloons
FIGURE_STEPS = (1.0, 0.84, 0.7, 0.58, 0.48)


@dataclass(frozen=True)
class Metrics:
    """Sizes that scale with the format: padding, outline width, spacing, compact mode."""

    scale: float
    spacing: float
    asset_dir: str | None = None
    compact: bool = False  # large text: slimmer padding so 52 px words still fit the panel
    side_by_side: bool = True  # compact panels may set balloons in a row when a column fails
    staged: bool = False  # cards: shot sizes and the phone screen the script names
    strict_shot: bool = False  # staged: only the script's shot (no full-length fallback)
    min_figure: int = 0  # with strict_shot: the shortest a figure's visible part may be
    screen_optional: bool = False  # last resort: a panel whose screen has no room goes without
    zh: bool = True  # the screen's buttons in Chinese

    def px(self, value: float) -> int:
        """A design value at 1080 px wide, scaled to the format."""
        return max(1, round(value * self.scale))


@dataclass(frozen=True)
class Placed:
    """A laid-out text item: its outer shape box and the text block inside it."""

    kind: str  # caption, say, alarm, think
    outer: Box
    layout: typeset.TextLayout
    speaker: Box | None = None


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


def pads(kind: str, size: int, compact: bool = False) -> tuple[int, int]:
    """Horizontal and vertical padding between a shape's edge and its text."""
    factors = {
        "alarm": (0.72, 0.5) if compact else (0.95, 0.7),
        "think": (0.7, 0.45) if compact else (0.8, 0.55),
        "caption": (0.3, 0.12) if compact else (0.4, 0.22),
    }.get(kind, (0.45, 0.24) if compact else (0.6, 0.32))
    return round(size * factors[0]), round(size * factors[1])


def spike(size: int, compact: bool = False) -> float:
    """How far an alarm balloon's spikes reach out (inside its padding)."""
    return size * (0.32 if compact else 0.45)


def _text_box(
    fonts: FontSet, name: str, kind: str, text: str, size: int, width: int, m: Metrics
) -> tuple[typeset.TextLayout, int, int] | None:
    """The text laid out for a shape at most `width` wide: layout, outer width, outer height."""
    px, py = pads(kind, size, m.compact)
    # widths in steps of 8 px: the many sizes tried share line breaks (text caches them)
    max_w = (width - 2 * px) // 8 * 8
    if max_w <= size:
        return None
    weight = {"alarm": "Bold", "caption": "Medium"}.get(kind, "Medium")
    lines = typeset.balanced(fonts, text, size, max_w, weight)
    if lines is None:
        return None
    lh = typeset.line_height_for(size, m.spacing)
    layout = typeset.TextLayout(name, text, tuple(lines), size, lh, weight, (0, 0, 0, 0))
    w, h = typeset.block_size(fonts, layout)
    return layout, w + 2 * px, h + 2 * py


def _at(
    kind: str, layout: typeset.TextLayout, x: int, y: int, ow: int, oh: int, m: Metrics
) -> Placed:
    px, py = pads(kind, layout.font_px, m.compact)
    w, h = ow - 2 * px, oh - 2 * py
    placed = dataclasses.replace(layout, box=(x + px, y + py, x + px + w, y + py + h))
    return Placed(kind, (x, y, x + ow, y + oh), placed)


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


def _caption(
    fonts: FontSet, name: str, panel: Panel, rect: Box, size: int, m: Metrics
) -> Placed | None:
    """The narrator's caption as a slim band tucked into the panel's top-left corner."""
    edge = m.px(6)  # the panel's outline is drawn over its edge: start just inside it
    width = rect[2] - rect[0] - 2 * edge
    got = _text_box(fonts, f"{name}.caption0", "caption", panel.caption, size, width, m)
    if got is None:
        return None
    layout, ow, oh = got
    return _at("caption", layout, rect[0] + edge, rect[1] + edge, ow, oh, m)


def _balloons(
    fonts: FontSet,
    name: str,
    panel: Panel,
    inner: Box,
    top: int,
    cast: list[tuple[CastMember, Box, str]],
    size: int,
    m: Metrics,
    screen: Box | None = None,
) -> list[Placed] | None:
    """Balloons top-down: full width above the characters' heads (and the phone screen),
    between them lower down."""
    x0, _, x1, y1 = inner
    gap = m.px(8 if m.compact else 12)
    tops = [b[1] for _, b, _ in cast] + ([screen[1]] if screen else [])
    fig_top = min(tops, default=y1)
    nx0, nx1 = _between(inner, cast, m, screen)
    share = 0.9 if m.compact else 0.86  # a little stagger shows who is talking
    sides = {mem.role: mem.side for mem in panel.cast}
    boxes = {mem.role: b for mem, b, _ in cast}
    out: list[Placed] = []
    y = top
    offset = 1 if panel.caption else 0
    for i, line in enumerate(panel.lines):
        side = sides.get(line.speaker, "left")
        item_name = f"{name}.{line.kind}{i + offset}"
        placed = None
        for rx0, rx1, limit, frac in ((x0, x1, fig_top, share), (nx0, nx1, y1, 1.0)):
            got = _text_box(
                fonts, item_name, line.kind, line.text, size, int((rx1 - rx0) * frac), m
            )
            if got is None or y + got[2] > limit:
                continue
            layout, ow, oh = got
            ox = rx1 - ow if side == "right" else rx0
            here = _at(line.kind, layout, ox, y, ow, oh, m)
            placed = placed or here  # a place that splits a word only when no other fits
            if not layout.splits:
                placed = here
                break
        if placed is None:
            return None
        out.append(dataclasses.replace(placed, speaker=boxes.get(line.speaker)))
        y = placed.outer[3] + gap
    return out


def _between(
    inner: Box, cast: list[tuple[CastMember, Box, str]], m: Metrics, screen: Box | None = None
) -> tuple[int, int]:
    """The x-range between the left and the right characters (and the phone screen)."""
    lefts = [b[2] for mem, b, _ in cast if mem.side == "left"]
    rights = [b[0] for mem, b, _ in cast if mem.side == "right"]
    if screen is not None:
        mid = (inner[0] + inner[2]) // 2
        (rights if screen[0] > mid else lefts).append(screen[0] if screen[0] > mid else screen[2])
    nx0 = max(lefts, default=inner[0]) + (m.px(10) if lefts else 0)
    nx1 = min(rights, default=inner[2]) - (m.px(10) if rights else 0)
    return nx0, nx1


def _row(
    fonts: FontSet,
    name: str,
    panel: Panel,
    inner: Box,
    caption: Placed | None,
    cast: list[tuple[CastMember, Box, str]],
    size: int,
    m: Metrics,
    screen: Box | None = None,
) -> list[Placed] | None:
    """Balloons side by side between the characters: for wide, short panels in large text.

    Each balloon sits on its speaker's side (so no tail crosses another balloon); a balloon
    clear of the caption band may start at the panel's top, and every later line starts
    lower than the one before, so the reading order shows at a glance. Two balloons share
    the width in whichever split ends highest.
    """
    n = len(panel.lines)
    if n < 2:
        return None
    nx0, nx1 = _between(inner, cast, m, screen)
    room = nx1 - nx0 - m.px(12) * (n - 1)
    fractions = (0.5, 0.6, 0.4, 0.68, 0.32) if n == 2 else (1 / n,)
    for strict in (True, False):  # a clear step down for a reply on the left, if there is room
        options = []
        for f in fractions:
            widths = [round(room * f), room - round(room * f)] if n == 2 else [room // n] * n
            found = _row_at(fonts, name, panel, inner, caption, cast, size, m, nx0, widths, strict)
            if found is not None:
                options.append(found)
        if options:
            return min(options, key=lambda row: max(p.outer[3] for p in row))
    return None


def _row_at(
    fonts: FontSet,
    name: str,
    panel: Panel,
    inner: Box,
    caption: Placed | None,
    cast: list[tuple[CastMember, Box, str]],
    size: int,
    m: Metrics,
    x: int,
    widths: list[int],
    strict: bool = True,
) -> list[Placed] | None:
    """Balloons in columns of the given widths from x, left speakers' first; None if one does not fit."""
    gap, stagger = m.px(12), m.px(28)
    boxes = {mem.role: b for mem, b, _ in cast}
    sides = {mem.role: mem.side for mem in panel.cast}
    offset = 1 if panel.caption else 0
    below_caption = inner[1] if caption is None else caption.outer[3] + gap
    order = sorted(
        range(len(panel.lines)), key=lambda i: sides.get(panel.lines[i].speaker) != "left"
    )
    columns: dict[int, tuple[int, int]] = {}
    for i, width in zip(order, widths, strict=True):
        columns[i] = (x, width)
        x += width + gap
    out: list[Placed] = []
    previous = None
    for i, line in enumerate(panel.lines):
        cx, width = columns[i]
        got = _text_box(
            fonts, f"{name}.{line.kind}{i + offset}", line.kind, line.text, size, width, m
        )
        if got is None:
            return None
        layout, ow, oh = got
        clear = caption is None or cx >= caption.outer[2] + gap
        y = inner[1] if clear else below_caption
        if previous is not None:
            # a reply drawn left of the line before it must sit clearly lower to read second
            back = cx < previous[1] and strict
            after = previous[0] + (max(stagger, previous[2] // 2) if back else stagger)
            y = max(y, after)
        if y + oh > inner[3]:
            return None
        placed = _at(line.kind, layout, cx + (width - ow) // 2, y, ow, oh, m)
        out.append(dataclasses.replace(placed, speaker=boxes.get(line.speaker)))
        previous = (y, cx, oh)
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
    caption = _caption(fonts, name, panel, rect, size, m) if panel.caption else None
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
                placed = _balloons(fonts, name, panel, inner, top, cast, size, m, box)
            else:
                placed = _row(fonts, name, panel, inner, caption, cast, size, m, box)
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
