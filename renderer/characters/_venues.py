"""Grocery, restaurant, community hall and hotel room: the settings the stories name."""

from __future__ import annotations

from fanzha.renderer.characters._palette import shade
from fanzha.renderer.characters._pen import Pen
from fanzha.renderer.characters._places import GOODS
from fanzha.renderer.characters._scenery import Frame, bars, plant, room, window


def grocery(pen: Pen, fr: Frame) -> None:
    """A neighbourhood grocery: produce crates, a fridge of drinks, a till with a QR stand."""
    room(pen, fr, (240, 238, 222), (206, 198, 180), 0.8)
    fridge = (206, 226, 232)
    pen.rrect(fr.box(0.64, 0.08, 0.96, 0.8), fr.r(0.015), (230, 232, 236))
    for col in range(2):
        x0 = 0.66 + col * 0.15
        pen.rrect(fr.box(x0, 0.11, x0 + 0.13, 0.77), fr.r(0.01), fridge)
        for row in range(4):
            y = 0.2 + row * 0.15
            for k in range(3):
                bx = x0 + 0.015 + k * 0.04
                colour = GOODS[(row + k + col) % len(GOODS)]
                pen.rrect(fr.box(bx, y - 0.07, bx + 0.025, y), fr.r(0.006), colour)
            pen.stroke([(fr.x(x0), fr.y(y)), (fr.x(x0 + 0.13), fr.y(y))], color=(170, 184, 190))
    produce = ((226, 120, 90), (150, 190, 100), (240, 190, 80), (200, 80, 90))
    for i, colour in enumerate(produce):
        x0 = 0.04 + (i % 2) * 0.15
        y0 = 0.5 + (i // 2) * 0.16
        pen.rrect(fr.box(x0, y0, x0 + 0.13, y0 + 0.12), fr.r(0.006), (196, 160, 120))
        for k in range(4):
            pen.ellipse(
                fr.x(x0 + 0.025 + k * 0.027), fr.y(y0 + 0.02), fr.r(0.018), fr.r(0.018), colour
            )
    pen.rrect(fr.box(0.36, 0.56, 0.6, 0.82), fr.r(0.01), (184, 150, 116))
    pen.rrect(fr.box(0.4, 0.46, 0.5, 0.56), fr.r(0.008), (96, 100, 116))
    pen.rrect(fr.box(0.52, 0.44, 0.57, 0.56), fr.r(0.006), (250, 250, 246))
    bars(pen, fr.x(0.525), fr.y(0.46), (fr.x(0.03),) * 3, fr.r(0.012), fr.r(0.008), (60, 64, 76))


def restaurant(pen: Pen, fr: Frame) -> None:
    """A small restaurant: lanterns, a menu board, tables with stools, a kitchen hatch."""
    room(pen, fr, (246, 226, 200), (190, 150, 120), 0.78)
    pen.rrect(fr.box(0.06, 0.1, 0.38, 0.36), fr.r(0.01), (70, 60, 56))
    bars(
        pen,
        fr.x(0.09),
        fr.y(0.14),
        (fr.x(0.24), fr.x(0.18), fr.x(0.22), fr.x(0.16)),
        fr.r(0.018),
        fr.r(0.025),
        (246, 236, 214),
    )
    pen.rrect(fr.box(0.56, 0.14, 0.94, 0.42), fr.r(0.01), (120, 90, 70))
    pen.rrect(fr.box(0.58, 0.17, 0.92, 0.4), 0, (232, 214, 190), outline=False)
    for x in (0.25, 0.5, 0.75):
        pen.stroke([(fr.x(x), 0), (fr.x(x), fr.y(0.06))], color=(120, 90, 70))
        pen.ellipse(fr.x(x), fr.y(0.09), fr.r(0.035), fr.r(0.045), (214, 60, 52))
        pen.rrect(
            (fr.x(x) - fr.r(0.02), fr.y(0.045), fr.x(x) + fr.r(0.02), fr.y(0.055)),
            0,
            (236, 190, 80),
        )
    for x0 in (0.08, 0.56):
        pen.rrect(fr.box(x0, 0.6, x0 + 0.34, 0.65), fr.r(0.01), (160, 110, 80))
        for lx in (x0 + 0.03, x0 + 0.29):
            pen.rrect(fr.box(lx, 0.65, lx + 0.025, 0.84), 0, shade((160, 110, 80), 0.85))
        pen.ellipse(fr.x(x0 + 0.12), fr.y(0.585), fr.r(0.04), fr.r(0.018), (250, 248, 240))
        pen.ellipse(fr.x(x0 + 0.22), fr.y(0.585), fr.r(0.03), fr.r(0.015), (250, 248, 240))


def community_hall(pen: Pen, fr: Frame) -> None:
    """A community hall: a notice board with posters, a banner bar, rows of chairs."""
    room(pen, fr, (236, 236, 226), (204, 196, 182), 0.8)
    pen.rrect(fr.box(0.1, 0.05, 0.9, 0.14), fr.r(0.01), (196, 60, 56))
    bars(pen, fr.x(0.2), fr.y(0.08), (fr.x(0.6),), fr.r(0.025), 0, (250, 226, 170))
    pen.rrect(fr.box(0.06, 0.2, 0.46, 0.56), fr.r(0.01), (176, 140, 104))
    for i, colour in enumerate(
        ((250, 246, 236), (236, 244, 250), (250, 236, 228), (240, 248, 236))
    ):
        x0 = 0.09 + (i % 2) * 0.18
        y0 = 0.23 + (i // 2) * 0.16
        pen.rrect(fr.box(x0, y0, x0 + 0.16, y0 + 0.14), 0, colour)
        bars(
            pen,
            fr.x(x0 + 0.02),
            fr.y(y0 + 0.03),
            (fr.x(0.11), fr.x(0.08)),
            fr.r(0.012),
            fr.r(0.015),
        )
    window(pen, fr, (0.58, 0.2, 0.92, 0.5), (240, 240, 236), (3, 2))
    for row, y in enumerate((0.66, 0.78)):
        for k in range(5):
            x = 0.06 + k * 0.19 + row * 0.05
            pen.rrect(fr.box(x, y - 0.08, x + 0.11, y), fr.r(0.01), (110, 140, 176))
            pen.rrect(fr.box(x, y, x + 0.11, y + 0.025), 0, (90, 118, 150))


def hotel_room(pen: Pen, fr: Frame) -> None:
    """A hotel room, the tell of a fake officer: a bed with a runner, a lamp, a curtained window."""
    room(pen, fr, (226, 214, 196), (150, 120, 110), 0.74)
    window(pen, fr, (0.62, 0.1, 0.92, 0.46), (230, 222, 206))
    curtain = (150, 96, 90)
    for x0, x1 in ((0.56, 0.65), (0.89, 0.98)):
        pen.rrect(fr.box(x0, 0.06, x1, 0.6), fr.r(0.01), curtain)
    pen.rrect(fr.box(0.02, 0.3, 0.5, 0.46), fr.r(0.02), (120, 88, 70))  # headboard
    pen.rrect(fr.box(0.0, 0.46, 0.54, 0.7), fr.r(0.02), (246, 246, 242))
    pen.rrect(fr.box(0.0, 0.56, 0.54, 0.62), 0, (180, 60, 60))  # the runner hotels lay on beds
    for x in (0.08, 0.3):
        pen.rrect(fr.box(x, 0.4, x + 0.16, 0.48), fr.r(0.02), (252, 252, 248))
    pen.rrect(fr.box(0.52, 0.44, 0.6, 0.6), 0, (120, 88, 70))
    pen.poly(
        [
            (fr.x(0.53), fr.y(0.36)),
            (fr.x(0.59), fr.y(0.36)),
            (fr.x(0.61), fr.y(0.43)),
            (fr.x(0.51), fr.y(0.43)),
        ],
        (250, 226, 170),
    )
    pen.stroke([(fr.x(0.56), fr.y(0.43)), (fr.x(0.56), fr.y(0.44))])
    plant(pen, fr, 0.95, 0.8, 0.1)
