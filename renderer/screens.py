"""Phone screens drawn large beside the victim: the place where the scam actually happens.

Six kinds (content.copy.SCREENS): an incoming call with its fake caller id, a screen-share
request, a chat group with the "teacher's" messages, a transfer page to a "安全账户", a video
call with a fake face, and a QR code or link. Their words are real text boxes in the manifest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from fanzha.content.copy import Screen
from fanzha.renderer import figures
from fanzha.renderer import text as typeset
from fanzha.renderer.canvas import Canvas
from fanzha.renderer.fonts import FontSet
from PIL import ImageDraw

Box = tuple[int, int, int, int]
BODY = (38, 40, 52)
GLASS = (250, 250, 247)
KIND_COLOURS = {
    "call": ((28, 34, 48), (255, 255, 255)),
    "share": ((245, 246, 250), (27, 31, 42)),
    "chat": ((237, 237, 237), (27, 31, 42)),
    "transfer": ((255, 255, 255), (27, 31, 42)),
    "video": ((30, 34, 40), (255, 255, 255)),
    "link": ((255, 255, 255), (27, 31, 42)),
}
BUTTONS = {
    "call": (("拒绝", (214, 64, 56)), ("接听", (46, 160, 80))),
    "share": (("取消", (120, 124, 136)), ("开始共享", (46, 110, 214))),
    "transfer": (("确认转账", (24, 72, 160)),),
    "video": (("挂断", (214, 64, 56)),),
}
BUTTONS_EN = {
    "call": (("Decline", (214, 64, 56)), ("Accept", (46, 160, 80))),
    "share": (("Cancel", (120, 124, 136)), ("Start sharing", (46, 110, 214))),
    "transfer": (("Confirm", (24, 72, 160)),),
    "video": (("Hang up", (214, 64, 56)),),
}


@dataclass(frozen=True)
class ScreenPlan:
    """A phone drawn at box: the glass inside it and the laid-out words."""

    screen: Screen
    box: Box
    glass: Box
    title: typeset.TextLayout
    lines: tuple[typeset.TextLayout, ...]
    buttons: tuple[tuple[str, tuple[int, int, int]], ...]
    face: Box | None  # the video caller's face area


def _fit(
    fonts: FontSet, name: str, text: str, width: int, size: int, weight: str, spacing: float
) -> typeset.TextLayout | None:
    lines = typeset.balanced(fonts, text, size, width, weight)
    if lines is None:  # a link or number longer than the screen: broken where it must be
        lines = _by_character(fonts, text, size, width, weight)
    if lines is None:
        return None
    lh = typeset.line_height_for(size, spacing)
    return typeset.TextLayout(name, text, tuple(lines), size, lh, weight, (0, 0, width, 0))


def _by_character(
    fonts: FontSet, text: str, size: int, width: int, weight: str
) -> list[str] | None:
    """Greedy breaking between any two characters (the manifest records the split words)."""
    lines: list[str] = []
    current = ""
    for char in text:
        if current and typeset.measure(fonts, current + char, size, weight) > width:
            cut = max(current.rfind(mark) for mark in "/.-?&=")  # a link breaks after a mark
            keep = current[cut + 1 :] if cut > 0 else ""
            lines.append(current[: cut + 1] if cut > 0 else current)
            current = keep
        current += char
    lines.append(current)
    return lines if all(typeset.measure(fonts, ln, size, weight) <= width for ln in lines) else None


def plan(
    fonts: FontSet,
    name: str,
    screen: Screen,
    box: Box,
    size: int,
    spacing: float,
    zh: bool,
) -> ScreenPlan | None:
    """Lay out a screen's words inside a phone at box; None if they do not fit."""
    x0, y0, x1, y1 = box
    bezel = max(10, (x1 - x0) // 22)
    glass = (x0 + bezel, y0 + bezel * 3, x1 - bezel, y1 - bezel * 2)
    pad = max(12, size // 3)
    inner_w = (glass[2] - glass[0] - 2 * pad) // 8 * 8  # steps of 8 px: cached line breaks
    title = _fit(fonts, f"{name}.title", screen.title, inner_w, size, "Bold", spacing)
    if title is None:
        return None
    y = glass[1] + pad
    face = None
    if screen.kind in ("call", "video"):
        side = min(inner_w, (glass[3] - glass[1]) // 3)
        if screen.kind == "video":
            side = min(inner_w, (glass[3] - glass[1]) // 2)
        cx = (glass[0] + glass[2]) // 2
        face = (cx - side // 2, y, cx + side // 2, y + side)
        y = face[3] + pad // 2
    _, th = typeset.block_size(fonts, title)
    title = dataclasses.replace(title, box=(glass[0] + pad, y, glass[2] - pad, y + th))
    y += th + pad
    laid = []
    for i, line in enumerate(screen.lines):
        got = _fit(fonts, f"{name}.line{i}", line, inner_w - pad, size, "Medium", spacing)
        if got is None:
            return None
        _, lh = typeset.block_size(fonts, got)
        laid.append(dataclasses.replace(got, box=(glass[0] + pad, y, glass[2] - pad, y + lh)))
        y += lh + pad + pad // 2
    buttons = (BUTTONS if zh else BUTTONS_EN).get(screen.kind, ())
    need = y + (size * 2 + pad if buttons else 0)
    if need > glass[3] - pad:
        return None
    return ScreenPlan(screen, box, glass, title, tuple(laid), buttons, face)


def height_for(
    fonts: FontSet,
    screen: Screen,
    width: int,
    size: int,
    spacing: float,
    zh: bool,
    min_aspect: float = 1.5,
) -> int | None:
    """The smallest phone height (at least min_aspect × width: a whole phone is 1.5, a card's
    close-up of its screen less) that holds the screen's words; None if none up to 2400 px more."""
    key = (id(fonts), screen, width, size, spacing, zh, min_aspect)
    if key in _HEIGHTS:
        return _HEIGHTS[key]
    step = max(20, size // 2)
    lo = int(width * min_aspect)
    tries = list(range(lo, lo + 2400, step))

    def fits(h: int) -> bool:
        return plan(fonts, "s", screen, (0, 0, width, h), size, spacing, zh) is not None

    found = None
    if tries and fits(tries[-1]):
        a, b = 0, len(tries) - 1  # more room never hurts: the first height that fits, by halves
        while a < b:
            mid = (a + b) // 2
            if fits(tries[mid]):
                b = mid
            else:
                a = mid + 1
        found = tries[a]
        if not fits(found):  # a face that grows with the screen: fall back to the first by steps
            found = next(h for h in tries if fits(h))
    if len(_HEIGHTS) > 512:
        _HEIGHTS.clear()
    _HEIGHTS[key] = found
    return found


_HEIGHTS: dict[tuple, int | None] = {}


def draw(canvas: Canvas, p: ScreenPlan, caller: tuple[str, str, str | None] | None) -> None:
    """Draw the phone, its screen and its words (caller: role, expression, look for a video face)."""
    d = canvas.draw
    x0, y0, x1, _ = p.box
    radius = (x1 - x0) // 9
    d.rounded_rectangle(p.box, radius=radius, fill=BODY, outline=(20, 20, 26), width=4)
    bg, ink = KIND_COLOURS[p.screen.kind]
    d.rounded_rectangle(p.glass, radius=radius // 2, fill=bg)
    cx = (x0 + x1) // 2
    d.rounded_rectangle((cx - 40, y0 + 14, cx + 40, y0 + 24), radius=5, fill=(70, 72, 84))
    kind = p.screen.kind
    if p.face is not None:
        if kind == "video" and caller is not None:
            d.rectangle(p.face, fill=(236, 224, 210))
            fx0, fy0, fx1, fy1 = p.face
            fig = (fx0, fy0, fx1, fy0 + int((fy1 - fy0) * 2.1))
            figures.draw_character(
                canvas.img, caller[0], caller[1], fig, "left", clip_bottom=fy1, look=caller[2]
            )
            d = ImageDraw.Draw(canvas.img)
            d.rectangle(p.face, outline=(214, 64, 56), width=4)
        else:
            fx0, fy0, fx1, fy1 = p.face
            d.ellipse(p.face, fill=(90, 98, 120))
            w = fx1 - fx0
            d.ellipse((fx0 + w * 0.33, fy0 + w * 0.18, fx1 - w * 0.33, fy0 + w * 0.52), fill=GLASS)
            d.chord((fx0 + w * 0.2, fy0 + w * 0.56, fx1 - w * 0.2, fy1 + w * 0.3), 180, 360, GLASS)
    if kind == "chat":
        gx0, gy0, gx1, _ = p.glass
        d.rectangle((gx0, gy0, gx1, p.title.box[3] + 8), fill=(214, 218, 222))
    if kind == "transfer":
        d.rectangle((p.glass[0], p.glass[1], p.glass[2], p.title.box[3] + 8), fill=(24, 72, 160))
        ink_title = (255, 255, 255)
    else:
        ink_title = ink
    if kind == "share":
        d.rectangle(p.glass, fill=(120, 124, 136))
        gx0, _, gx1, _ = p.glass
        top = p.title.box[1] - 16
        bottom = (p.lines[-1].box[3] if p.lines else p.title.box[3]) + 16
        d.rounded_rectangle((gx0 + 8, top, gx1 - 8, bottom), radius=18, fill=(250, 250, 252))
    canvas.text(p.title, ink_title, role="body", align="left", origin=p.title.box[:2])
    for i, layout in enumerate(p.lines):
        fill = ink
        if kind == "chat":
            lx0, ly0, _, ly1 = layout.box
            lw, _ = typeset.block_size(canvas.fonts, layout)
            bubble = (lx0 - 10, ly0 - 8, lx0 + lw + 12, ly1 + 8)
            canvas.draw.rounded_rectangle(bubble, radius=14, fill=(255, 255, 255))
        if kind == "link" and i == len(p.lines) - 1:
            fill = (20, 60, 150)
        canvas.text(layout, fill, role="body", align="left", origin=layout.box[:2])
    _buttons(canvas, p)
    if kind == "link":
        _qr_mark(canvas, p)


def _buttons(canvas: Canvas, p: ScreenPlan) -> None:
    if not p.buttons:
        return
    d = canvas.draw
    gx0, _, gx1, gy1 = p.glass
    n = len(p.buttons)
    h = max(36, (gx1 - gx0) // 7)
    y0 = gy1 - h - 18
    w = (gx1 - gx0 - 24 * (n + 1)) // n
    for i, (_, colour) in enumerate(p.buttons):
        bx = gx0 + 24 + i * (w + 24)
        d.rounded_rectangle((bx, y0, bx + w, y0 + h), radius=h // 2, fill=colour)


def _qr_mark(canvas: Canvas, p: ScreenPlan) -> None:
    """A QR-like block of modules (never a scannable code) under the link."""
    d = canvas.draw
    gx0, _, gx1, gy1 = p.glass
    top = (p.lines[-1].box[3] if p.lines else p.title.box[3]) + 20
    side = min(gx1 - gx0 - 60, gy1 - top - 20)
    if side < 60:
        return
    x0 = (gx0 + gx1 - side) // 2
    cell = side / 11
    for r in range(11):
        for c in range(11):
            corner = (r < 3 and c < 3) or (r < 3 and c > 7) or (r > 7 and c < 3)
            if corner or (r * 7 + c * 3) % 5 < 2:
                d.rectangle(
                    (
                        x0 + c * cell,
                        top + r * cell,
                        x0 + (c + 1) * cell - 1,
                        top + (r + 1) * cell - 1,
                    ),
                    fill=(27, 31, 42),
                )


def zoom_lines(
    d: ImageDraw.ImageDraw,
    prop: tuple[int, int, int, int],
    screen_box: tuple[int, int, int, int],
    px: Callable[[float], int],
) -> None:
    """Two thin lines from the phone in hand to its close-up (``px`` scales design pixels)."""
    px0, py0, px1, py1 = prop
    sx0, sy0, sx1, sy1 = screen_box
    near = sx0 if sx0 > px1 else sx1
    pnear = px1 if sx0 > px1 else px0
    for a, b in (((pnear, py0), (near, sy0 + px(30))), ((pnear, py1), (near, sy1 - px(30)))):
        d.line((a, b), fill=(90, 96, 112), width=px(3))
