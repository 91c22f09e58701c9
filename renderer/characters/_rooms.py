"""Indoor scenes: home, dormitory, office and bank."""

from __future__ import annotations

from fanzha.renderer.characters._palette import shade
from fanzha.renderer.characters._pen import Pen
from fanzha.renderer.characters._scenery import Frame, bars, plant, room, window


def home(pen: Pen, fr: Frame) -> None:
    """A living room: window with curtains, a framed picture, a sofa and a plant."""
    room(pen, fr, (244, 230, 210), (216, 186, 152))
    for i in range(1, 8):  # floorboards
        pen.stroke(
            [(fr.x(i / 8 - 0.04), fr.y(0.76)), (fr.x(i / 8 - 0.1), fr.h)], color=(200, 168, 134)
        )
    window(pen, fr, (0.07, 0.12, 0.33, 0.52), (250, 244, 234))
    curtain = (228, 176, 156)
    pen.poly(
        [
            (fr.x(0.04), fr.y(0.08)),
            (fr.x(0.12), fr.y(0.08)),
            (fr.x(0.09), fr.y(0.58)),
            (fr.x(0.03), fr.y(0.58)),
        ],
        curtain,
    )
    pen.poly(
        [
            (fr.x(0.28), fr.y(0.08)),
            (fr.x(0.36), fr.y(0.08)),
            (fr.x(0.37), fr.y(0.58)),
            (fr.x(0.31), fr.y(0.58)),
        ],
        curtain,
    )
    pen.rrect(fr.box(0.02, 0.06, 0.38, 0.085), fr.r(0.01), (178, 142, 112))
    pen.rrect(fr.box(0.62, 0.14, 0.84, 0.36), fr.r(0.008), (204, 166, 122))
    pen.rrect(fr.box(0.64, 0.175, 0.82, 0.325), 0, (226, 234, 222))
    pen.poly(
        [
            (fr.x(0.65), fr.y(0.32)),
            (fr.x(0.71), fr.y(0.22)),
            (fr.x(0.75), fr.y(0.28)),
            (fr.x(0.77), fr.y(0.25)),
            (fr.x(0.81), fr.y(0.32)),
        ],
        (168, 196, 170),
    )
    sofa = (158, 182, 176)
    pen.rrect(fr.box(0.56, 0.44, 0.96, 0.66), fr.r(0.04), sofa)
    pen.rrect(fr.box(0.58, 0.58, 0.94, 0.74), fr.r(0.03), shade(sofa, 1.12))
    for x0 in (0.53, 0.91):
        pen.rrect(fr.box(x0, 0.52, x0 + 0.07, 0.76), fr.r(0.03), shade(sofa, 0.92))
    plant(pen, fr, 0.46, 0.78, 0.14)


def dormitory(pen: Pen, fr: Frame) -> None:
    """A shared dorm room: two bunk beds, a small window, lockers."""
    room(pen, fr, (220, 228, 230), (196, 194, 186), 0.8)
    window(pen, fr, (0.44, 0.1, 0.58, 0.34), (244, 246, 244), (1, 2))
    for x0, x1 in ((0.03, 0.37), (0.67, 1.01)):
        _bunk(pen, fr, x0, x1)
    pen.rrect(fr.box(0.42, 0.44, 0.6, 0.82), fr.r(0.01), (186, 200, 206))
    for x in (0.47, 0.55):
        pen.rrect(fr.box(x - 0.015, 0.5, x + 0.015, 0.53), 0, shade((186, 200, 206), 0.8))
    pen.stroke([(fr.x(0.51), fr.y(0.45)), (fr.x(0.51), fr.y(0.81))], color=(150, 160, 168))


def _bunk(pen: Pen, fr: Frame, x0: float, x1: float) -> None:
    metal = (150, 162, 172)
    for y, blanket in ((0.36, (172, 192, 216)), (0.7, (212, 180, 190))):
        pen.rrect(fr.box(x0, y - 0.08, x1, y), fr.r(0.015), (244, 242, 236))
        pen.rrect(fr.box(x0 + (x1 - x0) * 0.3, y - 0.085, x1, y + 0.01), fr.r(0.02), blanket)
        pen.rrect(
            fr.box(x0 + 0.015, y - 0.13, x0 + (x1 - x0) * 0.26, y - 0.07),
            fr.r(0.02),
            (250, 248, 240),
        )
        pen.rrect(fr.box(x0 - 0.01, y, x1 + 0.01, y + 0.03), 0, metal)
    for x in (x0 - 0.01, x1 - 0.005):
        pen.rrect(fr.box(x, 0.12, x + 0.018, 0.84), 0, metal)
    lx = x1 - 0.1
    for x in (lx, lx + 0.06):
        pen.rrect(fr.box(x, 0.36, x + 0.012, 0.7), 0, metal)
    for i in range(1, 4):
        y = 0.36 + i * 0.085
        pen.rrect(fr.box(lx, y - 0.006, lx + 0.072, y + 0.006), 0, metal, outline=False)


def office(pen: Pen, fr: Frame) -> None:
    """An office: window blinds, a wall clock, a desk with a monitor, a plant."""
    room(pen, fr, (236, 232, 222), (200, 196, 188), 0.8)
    x0, y0, x1, y1 = fr.box(0.6, 0.1, 0.93, 0.48)
    pen.rrect((x0, y0, x1, y1), 0, (226, 230, 228))
    for i in range(1, 10):  # blind slats
        y = y0 + (y1 - y0) * i / 10
        pen.stroke([(x0, y), (x1, y)], color=(196, 200, 198))
    pen.ellipse(fr.x(0.18), fr.y(0.18), fr.r(0.08), fr.r(0.08), (250, 248, 240))
    pen.stroke([(fr.x(0.18), fr.y(0.18)), (fr.x(0.18), fr.y(0.18) - fr.r(0.05))])
    pen.stroke([(fr.x(0.18), fr.y(0.18)), (fr.x(0.18) + fr.r(0.04), fr.y(0.18))])
    desk = (196, 164, 130)
    for x in (0.08, 0.52):
        pen.rrect(fr.box(x, 0.6, x + 0.03, 0.86), 0, shade(desk, 0.85))
    pen.rrect(fr.box(0.04, 0.56, 0.6, 0.62), fr.r(0.01), desk)
    pen.rrect(fr.box(0.27, 0.5, 0.33, 0.565), 0, (120, 126, 140))
    pen.rrect(fr.box(0.14, 0.24, 0.46, 0.5), fr.r(0.015), (110, 116, 132))
    pen.rrect(fr.box(0.16, 0.27, 0.44, 0.47), fr.r(0.008), (178, 206, 218), outline=False)
    bars(
        pen,
        fr.x(0.19),
        fr.y(0.31),
        (fr.x(0.18), fr.x(0.12), fr.x(0.15)),
        fr.r(0.025),
        fr.r(0.03),
        (228, 240, 244),
    )
    pen.rrect(fr.box(0.36, 0.5, 0.44, 0.56), fr.r(0.008), (250, 246, 240))
    plant(pen, fr, 0.88, 0.82, 0.16)


def bank(pen: Pen, fr: Frame) -> None:
    """A bank hall: a plain (logo-less) sign, glass-screened counters, a queue display."""
    room(pen, fr, (234, 238, 232), (214, 208, 198), 0.84)
    pen.rrect(fr.box(0, 0.36, 1, 0.42), 0, (176, 204, 198), outline=False)
    pen.rrect(fr.box(0.3, 0.05, 0.7, 0.19), fr.r(0.02), (118, 164, 160))
    pen.ellipse(fr.x(0.36), fr.y(0.12), fr.r(0.045), fr.r(0.045), (232, 200, 124))
    bars(
        pen,
        fr.x(0.41),
        fr.y(0.085),
        (fr.x(0.24), fr.x(0.16)),
        fr.r(0.022),
        fr.r(0.02),
        (222, 238, 234),
    )
    for i in range(3):
        x0 = 0.04 + i * 0.32
        pen.rrect(fr.box(x0, 0.26, x0 + 0.28, 0.6), fr.r(0.01), (220, 236, 240))
        pen.stroke(
            [(fr.x(x0 + 0.05), fr.y(0.32)), (fr.x(x0 + 0.1), fr.y(0.29))], color=(250, 252, 252)
        )
    counter = (200, 186, 170)
    pen.rrect(fr.box(-0.01, 0.58, 1.01, 0.86), 0, counter)
    pen.rrect(fr.box(-0.01, 0.58, 1.01, 0.62), 0, shade(counter, 0.85))
    pen.rrect(fr.box(0.8, 0.22, 0.96, 0.3), fr.r(0.01), (92, 96, 110))
    for i in range(3):  # a queue display: lit blocks, not digits
        x = 0.82 + i * 0.045
        pen.rrect(fr.box(x, 0.24, x + 0.03, 0.28), 0, (236, 132, 108), outline=False)
