"""One full-width strip panel (条漫): caption, balloons, then the cast at the panel's shot size.

Balloons stack above the cast in reading order, so none hides a face, a phone or a screen,
and none overlaps another; each tail leaves its balloon towards the speaker's mouth and
stops at the head. The panel is as tall as that composition needs.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import CastMember, Panel, WarningCopy
from fanzha.renderer import characters, screens
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.panel_plan import Metrics, Placed, _at, _text_box
from fanzha.renderer.stage import Staging, stage

Box = tuple[int, int, int, int]
Point = tuple[int, int]
# design rows a shot shows, from the top of the head: head and shoulders, to the hips, all
SHOT_SPAN = {"close": 92.0, "medium": 128.0, "wide": 204.0}
ZONE = {"close": 560, "medium": 600, "wide": 660}  # cast zone height at 1080 px wide
HEAD_TOP = 10.0  # design row just above the tallest hair


@dataclass(frozen=True)
class Figure:
    """A drawn cast member: its full design box (may run below the panel), face, mouth, phone."""

    member: CastMember
    box: Box
    facing: str
    face: Box
    mouth: Point
    holding: str | None
    prop: Box | None
    remote: bool = False


@dataclass(frozen=True)
class Balloon:
    """A balloon, its speaker, and where its tail points; or, joined, the later balloon of the
    same speaker it links to (one tail, from the last, serves them all)."""

    placed: Placed
    speaker: str
    anchor: Point
    stop: tuple[int, int, int] | None  # circle (cx, cy, r) the tail stops at: the head
    join_to: int | None = None  # index of the balloon this one links to
    join_x: int = 0  # where the link runs

    @property
    def joined(self) -> bool:
        """Whether this balloon links to a later one instead of having a tail."""
        return self.join_to is not None


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


def _figure(
    member: CastMember, cx: int, top: int, scale: float, facing: str, holding: Any
) -> Figure:
    if member.role == "child":
        scale *= 0.84
        top += round(HEAD_TOP * scale * 2.2)
    w, h = round(120 * scale), round(200 * scale)
    box = (
        cx - w // 2,
        top - round(HEAD_TOP * scale),
        cx - w // 2 + w,
        top - round(HEAD_TOP * scale) + h,
    )
    hx, hy = characters.character_head(box)
    r = characters.character_head_radius(box)
    return Figure(
        member,
        box,
        facing,
        (hx - r, hy - r, hx + r, hy + r),
        characters.character_mouth(box, facing),
        holding,
        characters.character_prop(box, holding, facing),
    )


def _side_x(side: str, width: int, share: float) -> int:
    return round(width * share) if side == "left" else round(width * (1 - share))


def _cast_layout(
    st: Staging, panel: Panel, width: int, top: int, zone: int, m: Metrics
) -> tuple[list[Figure], Box | None]:
    """Figures, the screen or inset box, for a cast zone starting at top."""
    scale = zone / SHOT_SPAN[st.shot]
    if st.shot == "wide":
        top = top + zone - round(196 * scale)
    side_box = None
    if st.phone and (panel.screen is not None or st.remote):
        holder_side = st.holder.side if st.holder else "left"
        x0, x1 = (round(width * 0.52), width - m.px(28))
        if holder_side == "right":
            x0, x1 = m.px(28), round(width * 0.48)
        side_box = (x0, top, x1, top + zone - m.px(24))
    figures = []
    present = st.present
    if side_box is not None and len(present) > 1:
        return _beside_screen(st, width, top, zone, scale, side_box, m), side_box
    for member in present:
        if side_box is not None:
            cx = _side_x(member.side, width, 0.26)
        elif len(present) == 1:
            cx = _side_x(member.side, width, 0.5 if st.shot == "close" else 0.4)
        else:
            cx = _side_x(member.side, width, 0.25)
        facing = "right" if cx < width / 2 else "left"
        holding = st.holding if member is st.holder else None
        figures.append(_figure(member, cx, top, scale, facing, holding))
    return figures, side_box


def _beside_screen(
    st: Staging, width: int, top: int, zone: int, scale: float, side_box: Box, m: Metrics
) -> list[Figure]:
    """Several people in a screen panel: all on the free side, faces side by side (smaller if
    need be, still cut at the panel's bottom), the holder nearest the screen."""
    left_free = side_box[0] > width // 2
    fx0, fx1 = (
        (m.px(16), side_box[0] - m.px(12))
        if left_free
        else (side_box[2] + m.px(12), width - m.px(16))
    )
    n = len(st.present)
    s = min(scale, (fx1 - fx0) / (n * 64))  # a face is 68 design units wide: they may touch
    span = 196 if st.shot == "wide" else SHOT_SPAN[st.shot]
    base = top if st.shot != "wide" else top - (zone - round(196 * scale))
    if st.shot == "medium":  # faces may overlap a little rather than fall below a third
        s = _third_of_panel(st, s, scale, base + zone, span)
    at = base + zone - round(span * s)  # the cut (or the feet) stays at the panel's bottom
    order = sorted(st.present, key=lambda mem: mem is st.holder)  # the holder last: nearest
    if not left_free:
        order.reverse()
    out = []
    for i, member in enumerate(order):
        cx = round(fx0 + (i + 0.5) * (fx1 - fx0) / n)
        facing = "right" if left_free else "left"
        holding = st.holding if member is st.holder else None
        out.append(_figure(member, cx, at, s, facing, holding))
    return sorted(out, key=lambda f: f.member is st.holder)  # the holder drawn in front


def _third_of_panel(st: Staging, s: float, scale: float, bottom: int, span: float) -> float:
    """The least scale (up to ``scale``) at which every present face tops a third of the panel."""
    while s < scale:
        at = bottom - round(span * s)
        if all(
            bottom - _figure(mem, 0, at, s, "right", None).face[1] >= bottom / 3 + 1
            for mem in st.present
        ):
            break
        s = min(scale, s * 1.03)
    return s


def _remote_figures(st: Staging, inset: Box) -> list[Figure]:
    """Callers drawn at a close shot inside their window."""
    out = []
    x0, y0, x1, y1 = inset
    scale = (y1 - y0) / SHOT_SPAN["close"]
    for i, member in enumerate(st.remote):
        cx = round(x0 + (x1 - x0) * (i + 1) / (len(st.remote) + 1))
        facing = "left" if cx > (x0 + x1) / 2 or len(st.remote) == 1 else "right"
        if inset[0] < 200:  # a window on the left looks right, towards the victim
            facing = "right"
        out.append(
            dataclasses.replace(_figure(member, cx, y0 + 6, scale, facing, None), remote=True)
        )
    return out


def _head_circle(face: Box, pad: int) -> tuple[int, int, int]:
    return (face[0] + face[2]) // 2, (face[1] + face[3]) // 2, (face[2] - face[0]) // 2 + pad


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
        got = _text_box(
            fonts, f"{name}.caption0", "caption", panel.caption, size, width - 2 * edge, m
        )
        if got is None:
            return None
        layout, ow, oh = got
        caption = _at("caption", layout, edge, y, ow, oh, m)
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
    figures, side_box = _cast_layout(st, panel, width, 0, zone, m)
    remote = _remote_figures(st, side_box) if side_box and panel.screen is None else []
    balloons = _balloons(fonts, name, panel, st, width, y, size, m, figures + remote, side_box)
    if balloons is None:
        return None
    last = max((b.placed.outer[3] for b in balloons), default=y - gap)
    zone_top = last + m.px(56 if balloons else 0)
    zone = max(zone, zone_top // 2 + 1)  # a medium shot's cast fills a third of the panel
    figures, side_box = _cast_layout(st, panel, width, zone_top, zone, m)
    remote = _remote_figures(st, side_box) if side_box and panel.screen is None else []
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
        anchor, stop = _anchor(b.speaker, by_role, side_box, screen_plan, m)
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


def _anchor(
    speaker: str, by_role: dict[str, Figure], side_box: Box | None, screen_plan: Any, m: Metrics
) -> tuple[Point, tuple[int, int, int] | None]:
    fig = by_role.get(speaker)
    if fig is not None:
        return fig.mouth, _head_circle(fig.face, m.px(10))
    box = screen_plan.box if screen_plan is not None else side_box
    if box is not None:  # a voice from the phone: the tail points at its earpiece
        cx = (box[0] + box[2]) // 2
        return (cx, box[1] + m.px(20)), (cx, box[1] + m.px(20), m.px(28))
    return (0, 0), None


def _balloons(
    fonts: FontSet,
    name: str,
    panel: Panel,
    st: Staging,
    width: int,
    top: int,
    size: int,
    m: Metrics,
    everyone: list[Figure],
    side_box: Box | None,
) -> Any:
    """Balloons in reading order, each over its speaker's side, clear of earlier tails."""
    edge = m.px(28)
    gap = m.px(26)
    by_role = {f.member.role: f for f in everyone}
    max_w = round((width - 2 * edge) * 0.76)
    offset = 1 if panel.caption else 0
    out: list[Balloon] = []
    # x-ranges earlier tails run down through: (x0, x1, speaker, balloon index)
    columns: list[tuple[int, int, str, int]] = []
    y = top
    for i, line in enumerate(panel.lines):
        anchor, _ = _anchor(line.speaker, by_role, side_box, None, m)
        item = f"{name}.{line.kind}{i + offset}"
        others = [(c0, c1) for c0, c1, who, _ in columns if who != line.speaker]
        placed = None
        for limit in (max_w, round(max_w * 0.8), round(max_w * 0.62)):
            got = _text_box(fonts, item, line.kind, line.text, size, limit, m)
            if got is None:
                continue
            layout, ow, oh = got
            x0 = _position(anchor[0], ow, width, edge, others)
            if x0 is not None:
                placed = _at(line.kind, layout, x0, y, ow, oh, m)
                break
        if placed is None:
            return None
        bx0, _, bx1, _ = placed.outer
        kept = []
        for c0, c1, who, j in columns:
            if who == line.speaker and c0 < bx1 and bx0 < c1:
                # the same speaker's earlier balloon links down to this one instead of its tail
                x = min(max((c0 + c1) // 2, bx0 + m.px(30)), bx1 - m.px(30))
                out[j] = dataclasses.replace(out[j], join_to=len(out), join_x=x)
            else:
                kept.append((c0, c1, who, j))
        columns = kept
        out.append(Balloon(placed, line.speaker, anchor, None))
        base = m.px(40)
        attach = min(max(anchor[0], placed.outer[0] + base), placed.outer[2] - base)
        columns.append(
            (min(attach, anchor[0]) - base, max(attach, anchor[0]) + base, line.speaker, i)
        )
        y = placed.outer[3] + gap
    return out


def _position(ax: int, w: int, width: int, edge: int, columns: list[tuple[int, int]]) -> int | None:
    """Left edge for a balloon w wide over anchor x, clear of every tail column; None if none."""
    lo, hi = edge, width - edge - w
    if hi < lo:
        return None
    want = ax - round(w * (0.3 if ax < width / 2 else 0.7))
    candidates = sorted(range(lo, hi + 1, 8), key=lambda x: abs(x - want))
    for x in candidates:
        if all(x + w <= c0 or x >= c1 for c0, c1 in columns):
            return x
    return None


def tail_tip(start: tuple[float, float], anchor: Point, stop: tuple[int, int, int] | None) -> Point:
    """Where a tail from start towards anchor stops: at the edge of the head (or earpiece) circle."""
    sx, sy = start
    ax, ay = anchor
    dx, dy = ax - sx, ay - sy
    dist = math.hypot(dx, dy) or 1.0
    if stop is None:
        return round(ax), round(ay)
    cx, cy, r = stop
    # first intersection of the segment with the circle
    fx, fy = sx - cx, sy - cy
    a = dx * dx + dy * dy
    b = 2 * (fx * dx + fy * dy)
    c = fx * fx + fy * fy - r * r
    disc = b * b - 4 * a * c
    if a == 0 or disc < 0:
        t = max(0.0, 1 - r / dist)
    else:
        t = (-b - math.sqrt(disc)) / (2 * a)
        t = min(max(t, 0.0), 1.0)
    return round(sx + dx * t), round(sy + dy * t)
