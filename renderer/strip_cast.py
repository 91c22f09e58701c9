"""The cast of a strip panel: each figure's box, face, mouth and phone, at the panel's shot.

A shot shows design rows from the top of the head (head and shoulders, to the hips, all);
several people beside a screen stand on its free side, the phone's holder nearest to it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from fanzha.content.copy import CastMember, Panel
from fanzha.renderer import characters
from fanzha.renderer.stage import Staging
from fanzha.renderer.text_box import Metrics

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


def cast_layout(
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


def remote_figures(st: Staging, inset: Box) -> list[Figure]:
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


def head_circle(face: Box, pad: int) -> tuple[int, int, int]:
    """The circle (cx, cy, r) a tail stops at: the face's, ``pad`` wider."""
    return (face[0] + face[2]) // 2, (face[1] + face[3]) // 2, (face[2] - face[0]) // 2 + pad
