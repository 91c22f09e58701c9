"""Shop, street and factory scenes, and the two 'screen' scenes: a phone call and a chat."""

from __future__ import annotations

from fanzha.renderer.characters._palette import RGB, shade
from fanzha.renderer.characters._pen import Pen
from fanzha.renderer.characters._scenery import SKY, Frame, bars, room, window

GOODS: tuple[RGB, ...] = (
    (226, 170, 150),
    (170, 196, 210),
    (236, 210, 150),
    (178, 204, 172),
    (214, 184, 206),
)


def shop(pen: Pen, fr: Frame) -> None:
    """A small shop: striped awning, shelves of goods, a counter."""
    room(pen, fr, (246, 236, 216), (212, 196, 176), 0.8)
    wood = (196, 160, 124)
    for k, y in enumerate((0.34, 0.5, 0.66)):
        x = 0.05
        i = k * 2
        while x < 0.93:  # goods of varied sizes, the same every time
            width = 0.05 + 0.02 * (i % 3)
            height = 0.06 + 0.025 * ((i * 7) % 3)
            pen.rrect(fr.box(x, y - height, x + width, y), fr.r(0.008), GOODS[i % len(GOODS)])
            x += width + 0.015
            i += 1
        pen.rrect(fr.box(0.03, y, 0.97, y + 0.02), 0, wood)
    n = 10
    for i in range(n):
        x0, x1 = fr.x(i / n), fr.x((i + 1) / n)
        color = (214, 112, 100) if i % 2 == 0 else (248, 238, 224)
        pen.rrect((x0, -fr.r(0.02), x1, fr.y(0.12)), 0, color)
        pen.chord((x0 + x1) / 2, fr.y(0.12), (x1 - x0) / 2, fr.r(0.035), 0, 180, color)
    counter = (206, 170, 132)
    pen.rrect(fr.box(-0.01, 0.74, 1.01, 1.01), 0, counter)
    pen.rrect(fr.box(-0.01, 0.74, 1.01, 0.78), 0, shade(counter, 0.86))


def street(pen: Pen, fr: Frame) -> None:
    """A city street: buildings with windows, a tree, a lamp, pavement and road."""
    pen.rrect((0, 0, fr.w, fr.h), 0, SKY, outline=False)
    fronts = ((226, 206, 182), (200, 212, 216), (232, 198, 182), (212, 204, 222), (220, 218, 196))
    x, i = -0.02, 0
    while x < 1.0:
        width = 0.17 + 0.05 * ((i * 5) % 3)
        top = 0.1 + 0.08 * ((i * 3) % 4)
        color = fronts[i % len(fronts)]
        pen.rrect(fr.box(x, top, x + width, 0.72), 0, color)
        for row in range(int((0.64 - top) / 0.1)):
            for col in range(2):
                wx = x + width * (0.2 + col * 0.38)
                wy = top + 0.06 + row * 0.1
                pen.rrect(
                    fr.box(wx, wy, wx + width * 0.22, wy + 0.055),
                    0,
                    shade(color, 0.86),
                    outline=False,
                )
        x += width
        i += 1
    pen.rrect(fr.box(-0.01, 0.72, 1.01, 0.82), 0, (224, 216, 204))
    pen.rrect(fr.box(-0.01, 0.82, 1.01, 1.01), 0, (156, 156, 162))
    for k in range(6):
        x0 = k / 5 - 0.05
        pen.rrect(fr.box(x0, 0.9, x0 + 0.08, 0.92), 0, (236, 232, 214), outline=False)
    pen.rrect(fr.box(0.12, 0.5, 0.135, 0.76), 0, (150, 120, 100))
    pen.ellipse(fr.x(0.128), fr.y(0.46), fr.r(0.09), fr.r(0.11), (156, 188, 150))
    pen.rrect(fr.box(0.86, 0.3, 0.87, 0.76), 0, (120, 126, 136))
    pen.chord(fr.x(0.865), fr.y(0.3), fr.r(0.04), fr.r(0.025), 180, 360, (120, 126, 136))


def factory(pen: Pen, fr: Frame) -> None:
    """A factory floor: high windows, a machine with gauges, a conveyor with boxes."""
    room(pen, fr, (222, 218, 206), (184, 180, 172), 0.78)
    for i in range(5):
        x0 = 0.04 + i * 0.2
        window(pen, fr, (x0, 0.05, x0 + 0.14, 0.17), (206, 204, 196), (3, 1))
    stripe_y0, stripe_y1 = fr.y(0.78), fr.y(0.81)
    pen.rrect((0, stripe_y0, fr.w, stripe_y1), 0, (230, 200, 116), outline=False)
    step = fr.r(0.05)
    for k in range(int(fr.w / step) + 2):  # hazard stripes along the walkway
        x = k * step * 2
        pen.poly(
            [
                (x, stripe_y0),
                (x + step, stripe_y0),
                (x + step * 0.6, stripe_y1),
                (x - step * 0.4, stripe_y1),
            ],
            (96, 94, 98),
            outline=False,
        )
    steel = (150, 178, 182)
    pen.rrect(fr.box(0.16, 0.14, 0.19, 0.3), 0, shade(steel, 0.9))
    pen.rrect(fr.box(0.04, 0.28, 0.34, 0.76), fr.r(0.015), steel)
    pen.rrect(fr.box(0.07, 0.34, 0.2, 0.5), fr.r(0.01), shade(steel, 0.85))
    for cx in (0.1, 0.17):
        pen.ellipse(fr.x(cx), fr.y(0.42), fr.r(0.035), fr.r(0.035), (246, 244, 236))
        pen.stroke([(fr.x(cx), fr.y(0.42)), (fr.x(cx) + fr.r(0.02), fr.y(0.42) - fr.r(0.015))])
    for j, color in enumerate(((226, 120, 100), (150, 196, 140), (236, 200, 110))):
        pen.ellipse(fr.x(0.25 + j * 0.028), fr.y(0.4), fr.r(0.014), fr.r(0.014), color)
    belt = (110, 112, 120)
    pen.rrect(fr.box(0.42, 0.58, 1.02, 0.64), fr.r(0.02), belt)
    for k in range(7):
        pen.ellipse(fr.x(0.46 + k * 0.09), fr.y(0.61), fr.r(0.018), fr.r(0.018), (180, 182, 188))
    for x in (0.46, 0.94):
        pen.rrect(fr.box(x, 0.64, x + 0.025, 0.79), 0, shade(belt, 1.2))
    for k, x in enumerate((0.5, 0.68, 0.86)):
        top = 0.47 + 0.03 * (k % 2)
        pen.rrect(fr.box(x, top, x + 0.1, 0.58), fr.r(0.006), (214, 178, 132))
        pen.stroke(
            [(fr.x(x + 0.05), fr.y(top)), (fr.x(x + 0.05), fr.y(top + 0.04))], color=(180, 144, 100)
        )


def _waves(pen: Pen, fr: Frame, cx: float, cy: float, side: int, color: RGB) -> None:
    for k in range(3):
        r = fr.r(0.16 + 0.08 * k)
        start = -40 if side > 0 else 140
        pen.arc(cx, cy, r, r, start, start + 80, width=fr.r(0.022), color=color)


def phone_call(pen: Pen, fr: Frame) -> None:
    """A phone call, split-screen: two tinted halves, a big phone, signal waves both ways."""
    pen.rrect((0, 0, fr.w, fr.h), 0, (246, 228, 208), outline=False)
    pen.poly(
        [(fr.x(0.56), 0), (fr.w, 0), (fr.w, fr.h), (fr.x(0.44), fr.h)],
        (214, 226, 238),
        outline=False,
    )
    for i in range(12):  # a soft dot texture on each half, like a comic screen tone
        for j in range(8):
            x, y = fr.x((i + 0.5 * (j % 2)) / 11), fr.y(j / 7)
            tone = (236, 214, 192) if x < fr.w / 2 else (200, 214, 230)
            pen.ellipse(x, y, fr.r(0.008), fr.r(0.008), tone, outline=False)
    cx, cy = fr.w / 2, fr.h / 2
    pw, ph = fr.r(0.17), fr.r(0.32)
    _waves(pen, fr, cx, cy, -1, (226, 170, 140))
    _waves(pen, fr, cx, cy, 1, (150, 184, 220))
    pen.rrect((cx - pw, cy - ph, cx + pw, cy + ph), fr.r(0.04), (98, 104, 122))
    pen.rrect(
        (cx - pw * 0.8, cy - ph * 0.8, cx + pw * 0.8, cy + ph * 0.72),
        fr.r(0.015),
        (196, 220, 230),
        outline=False,
    )
    pen.ellipse(cx, cy + ph * 0.86, fr.r(0.02), fr.r(0.02), (150, 156, 170), outline=False)
    # an incoming-call screen: the caller's silhouette, a name bar, answer and decline buttons
    sx, sy, u = cx, cy - ph * 0.3, pw * 0.3
    pen.ellipse(sx, sy, u * 1.3, u * 1.3, (226, 236, 240), outline=False)
    pen.ellipse(sx, sy - u * 0.3, u * 0.45, u * 0.45, (150, 164, 180), outline=False)
    pen.chord(sx, sy + u * 0.75, u * 0.8, u * 0.7, 180, 360, (150, 164, 180), outline=False)
    bars(
        pen,
        cx - pw * 0.45,
        cy + ph * 0.05,
        (pw * 0.9, pw * 0.6),
        u * 0.25,
        u * 0.25,
        (160, 180, 192),
    )
    for bx, color in ((cx - pw * 0.4, (222, 112, 100)), (cx + pw * 0.4, (112, 178, 120))):
        pen.ellipse(bx, cy + ph * 0.5, u * 0.55, u * 0.55, color, outline=False)


def chat(pen: Pen, fr: Frame) -> None:
    """A chat app on a big phone screen: bubbles with blank lines, no readable text."""
    pen.rrect((0, 0, fr.w, fr.h), 0, (230, 236, 226), outline=False)
    for i in range(14):
        for j in range(9):
            pen.ellipse(
                fr.x((i + 0.5 * (j % 2)) / 13),
                fr.y(j / 8),
                fr.r(0.007),
                fr.r(0.007),
                (214, 224, 210),
                outline=False,
            )
    pw = min(fr.w * 0.7, fr.h * 0.62)
    x0, x1 = fr.w / 2 - pw / 2, fr.w / 2 + pw / 2
    y0, y1 = fr.y(0.04), fr.y(0.98)
    pen.rrect((x0, y0, x1, y1), fr.r(0.06), (96, 100, 116))
    m = fr.r(0.025)
    pen.rrect(
        (x0 + m, y0 + m * 2.4, x1 - m, y1 - m * 1.2), fr.r(0.03), (244, 244, 240), outline=False
    )
    pen.rrect((x0 + m, y0 + m * 2.4, x1 - m, y0 + m * 5), 0, (214, 222, 226), outline=False)
    pen.ellipse(x0 + m * 2.6, y0 + m * 3.7, m * 0.9, m * 0.9, (196, 176, 170), outline=False)
    bars(pen, x0 + m * 4.2, y0 + m * 3.3, (pw * 0.3,), m * 0.8, 0, (170, 180, 186))
    y = y0 + m * 6
    for k, (right, lines) in enumerate(((False, 2), (True, 1), (False, 3), (True, 2))):
        bh = m * (0.9 + 1.3 * lines)
        bw = pw * (0.5 + 0.1 * ((k * 3) % 3))
        bx = x1 - m * 2 - bw if right else x0 + m * 2
        color = (178, 222, 162) if right else (255, 255, 252)
        pen.rrect((bx, y, bx + bw, y + bh), m * 0.8, color)
        widths = tuple(bw * (0.8 - 0.15 * (n % 2)) for n in range(lines))
        bars(pen, bx + m * 0.7, y + m * 0.6, widths, m * 0.55, m * 0.75, shade(color, 0.78))
        y += bh + m * 1.1
    pen.rrect((x0 + m * 2, y1 - m * 4, x1 - m * 2, y1 - m * 2), m, (255, 255, 252))
