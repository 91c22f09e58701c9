"""A card panel's caption and balloons: full width above the characters' heads (and the phone
screen), between them lower down, or side by side in a row when a column cannot fit."""

from __future__ import annotations

import dataclasses

from fanzha.content.copy import CastMember, Panel
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.text_box import Box, Metrics, Placed, place_at, text_box


def caption_band(
    fonts: FontSet, name: str, panel: Panel, rect: Box, size: int, m: Metrics
) -> Placed | None:
    """The narrator's caption as a slim band tucked into the panel's top-left corner."""
    edge = m.px(6)  # the panel's outline is drawn over its edge: start just inside it
    width = rect[2] - rect[0] - 2 * edge
    got = text_box(fonts, f"{name}.caption0", "caption", panel.caption, size, width, m)
    if got is None:
        return None
    layout, ow, oh = got
    return place_at("caption", layout, rect[0] + edge, rect[1] + edge, ow, oh, m)


def balloon_column(
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
            got = text_box(fonts, item_name, line.kind, line.text, size, int((rx1 - rx0) * frac), m)
            if got is None or y + got[2] > limit:
                continue
            layout, ow, oh = got
            ox = rx1 - ow if side == "right" else rx0
            here = place_at(line.kind, layout, ox, y, ow, oh, m)
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


def balloon_row(
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
        got = text_box(
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
        placed = place_at(line.kind, layout, cx + (width - ow) // 2, y, ow, oh, m)
        out.append(dataclasses.replace(placed, speaker=boxes.get(line.speaker)))
        previous = (y, cx, oh)
    return out
