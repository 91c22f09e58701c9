"""Comic cast and scene backgrounds drawn in code, so the demo needs no external art.

Nine roles in 21 looks (content.copy.LOOKS) × four expressions (calm, worried, alarmed,
relieved) in one flat comic style, holding a phone at the ear or in hand when asked, and
thirteen scene backgrounds. Every drawing is supersampled and deterministic (same bytes for
the same arguments), and changes only the pixels inside its box.

A character is scaled to the largest size that fits its box (design grid 120 × 200, i.e. a
0.6 portrait), centred horizontally with its feet on the box's bottom edge; in a portrait box
its head sits in the top ~35 %, and ``character_head(box)`` gives the exact point for a
balloon tail (``character_head_radius(box)`` its radius). A scene always fills its whole box.

Designer art can replace any of them. Pass ``asset_dir`` laid out as::

    asset_dir/
      characters/<role>-<expression>.png   one expression of one role (used first)
      characters/<role>.png                every expression of that role
      scenes/<scene>.png                   a scene background

Character art is drawn facing right (it is mirrored for ``facing="left"``), fitted into the
box keeping its aspect, feet on the box's bottom edge; transparency is respected. Scene art
is scaled to cover the whole box keeping its aspect and cropped around its centre.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from fanzha.content.copy import EXPRESSIONS, LOOKS, ROLES, SCENES
from fanzha.renderer.characters import _assets, _places, _rooms, _stored, _venues
from fanzha.renderer.characters._bodies import (
    HEAD_CENTRE,
    HEAD_RADIUS,
    HEIGHT,
    WIDTH,
    draw_figure,
    prop_box,
)
from fanzha.renderer.characters._face import FX, MOUTH_Y
from fanzha.renderer.characters._pen import Pen
from fanzha.renderer.characters._scenery import SCENE_INK, Frame
from fanzha.renderer.errors import UnknownArtName
from PIL import Image, ImageDraw, ImageOps

__all__ = [
    "EXPRESSIONS",
    "FACINGS",
    "ROLES",
    "SCENES",
    "UnknownArtName",
    "character_head",
    "character_head_radius",
    "character_mouth",
    "character_prop",
    "draw_character",
    "draw_scene",
]

FACINGS = ("right", "left")
# draw at N× and shrink with a box filter (Image.reduce): Pillow does not antialias shapes itself. Scenes are
# mostly straight edges and large, so 2× is enough there and keeps them fast.
# Poster-sized figures (outlines already 10+ px wide) need only 2×, which keeps them fast.
SUPERSAMPLE = 3
LARGE_SUPERSAMPLE = 2
LARGE = 600  # px: a box side above this counts as poster-sized
SCENE_SUPERSAMPLE = 2
Box = tuple[int, int, int, int]


def _check(kind: str, name: str, valid: tuple[str, ...]) -> None:
    if name in valid:
        return
    close = difflib.get_close_matches(str(name), valid, n=1, cutoff=0.0)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise UnknownArtName(f"unknown {kind} {name!r}{hint} (expected one of {', '.join(valid)})")


def _check_image(img: Image.Image) -> None:
    if img.mode not in ("RGB", "RGBA"):
        raise ValueError(f"cannot draw on a {img.mode} image; convert it to RGB or RGBA")


def _pixel_box(box: Box) -> Box:
    """The box in whole pixels, refusing an empty one."""
    x0, y0, x1, y1 = (round(v) for v in box)
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"empty box {box!r}: expected (left, top, right, bottom)")
    return x0, y0, x1, y1


def _size(box: Box) -> tuple[int, int]:
    x0, y0, x1, y1 = _pixel_box(box)
    return x1 - x0, y1 - y0


def _figure_frame(w: int, h: int) -> tuple[float, float, float]:
    """Scale and origin (px) of the design grid in a box: as large as fits, feet on the bottom."""
    scale = min(w / WIDTH, h / HEIGHT)
    return scale, (w - WIDTH * scale) / 2, h - HEIGHT * scale


def character_head(box: Box) -> tuple[int, int]:
    """Where a character drawn in this box has its head centre (for balloon tails)."""
    x0, y0, x1, y1 = _pixel_box(box)
    scale, ox, oy = _figure_frame(x1 - x0, y1 - y0)
    return round(x0 + ox + HEAD_CENTRE[0] * scale), round(y0 + oy + HEAD_CENTRE[1] * scale)


def character_head_radius(box: Box) -> int:
    """The head's radius in px for a character in this box (tails stop at its edge)."""
    x0, y0, x1, y1 = _pixel_box(box)
    scale, _, _ = _figure_frame(x1 - x0, y1 - y0)
    return round(HEAD_RADIUS * scale)


def _mirror_x(box: Box, x: float, facing: str) -> float:
    return x if facing == "right" else box[0] + box[2] - x


def character_mouth(box: Box, facing: str = "right") -> tuple[int, int]:
    """Where the drawn mouth is (balloon tails point at it)."""
    x0, y0, x1, y1 = _pixel_box(box)
    scale, ox, oy = _figure_frame(x1 - x0, y1 - y0)
    x = x0 + ox + FX * scale
    return round(_mirror_x((x0, y0, x1, y1), x, facing)), round(y0 + oy + (MOUTH_Y + 1) * scale)


def character_prop(box: Box, holding: str | None, facing: str = "right") -> Box | None:
    """The box of the phone a character holds (ear or hand), in image pixels; None if none."""
    design = prop_box(holding)
    if design is None:
        return None
    x0, y0, x1, y1 = _pixel_box(box)
    scale, ox, oy = _figure_frame(x1 - x0, y1 - y0)
    ax, bx = (x0 + ox + v * scale for v in (design[0], design[2]))
    ax, bx = sorted((_mirror_x(box, ax, facing), _mirror_x(box, bx, facing)))
    return (
        round(ax),
        round(y0 + oy + design[1] * scale),
        round(bx),
        round(y0 + oy + design[3] * scale),
    )


@lru_cache(maxsize=64)
def _render_character(
    role: str,
    expression: str,
    w: int,
    h: int,
    holding: str | None = None,
    visible: int = 0,
    look: str | None = None,
) -> Image.Image:
    """One character facing right as an RGBA layer of w × h (or its top `visible` rows);
    shared, never modify it. Drawn once, then read from the derived-data cache."""
    args = (role, expression, w, h, holding, visible, look)
    return _stored.stored("character", args, lambda: _draw_character(*args))


def _draw_character(
    role: str,
    expression: str,
    w: int,
    h: int,
    holding: str | None,
    visible: int,
    look: str | None,
) -> Image.Image:
    """One character facing right, drawn now (see ``_render_character``)."""
    ss = SUPERSAMPLE if max(w, h) <= LARGE else LARGE_SUPERSAMPLE
    rows = min(h, visible) if visible else h
    layer = Image.new("RGBA", (w * ss, rows * ss), (0, 0, 0, 0))
    scale, ox, oy = _figure_frame(w, h)
    pen = Pen(ImageDraw.Draw(layer), scale * ss, (ox * ss, oy * ss))
    draw_figure(pen, role, expression, holding, look)
    return layer.reduce(ss)  # a box filter over each ss×ss block: the antialiasing, and fast


SCENE_DRAWERS: dict[str, Callable[[Pen, Frame], None]] = {
    "home": _rooms.home,
    "shop": _places.shop,
    "dormitory": _rooms.dormitory,
    "street": _places.street,
    "office": _rooms.office,
    "bank": _rooms.bank,
    "phone_call": _places.phone_call,
    "chat": _places.chat,
    "factory": _places.factory,
    "grocery": _venues.grocery,
    "restaurant": _venues.restaurant,
    "community_hall": _venues.community_hall,
    "hotel_room": _venues.hotel_room,
}


@lru_cache(maxsize=24)  # a card repeats the same few panel sizes
def _render_scene(scene: str, w: int, h: int) -> Image.Image:
    """The scene as an opaque RGB layer of exactly w × h; shared, never modify it. Drawn
    once, then read from the derived-data cache."""
    return _stored.stored("scene", (scene, w, h), lambda: _draw_scene(scene, w, h))


def _draw_scene(scene: str, w: int, h: int) -> Image.Image:
    """The scene, drawn now (see ``_render_scene``)."""
    ss = SCENE_SUPERSAMPLE
    canvas = Image.new("RGB", (w * ss, h * ss), (255, 255, 255))  # opaque: no alpha to carry
    # a thin, soft outline that grows with the box: backgrounds must not compete with the cast
    line = max(1.0, min(w, h) * 0.004)
    pen = Pen(ImageDraw.Draw(canvas), float(ss), line=line, ink=SCENE_INK)
    SCENE_DRAWERS[scene](pen, Frame(float(w), float(h)))
    return canvas.reduce(ss)


def draw_character(
    img: Image.Image,
    role: str,
    expression: str,
    box: Box,
    facing: str = "right",
    asset_dir: Path | None = None,
    *,
    holding: str | None = None,
    clip_bottom: int | None = None,
    look: str | None = None,
) -> None:
    """Draw one cast member into box on img (in place), facing right or left.

    look: one of content.copy.LOOKS[role] (the role's first when None).
    holding: "ear" (a phone at the ear) or "hand" (a phone held in front). clip_bottom: the
    image row below which nothing shows (a medium or close shot cuts the figure there), so
    only the visible part is drawn.
    """
    _check("role", role, ROLES)
    _check("expression", expression, EXPRESSIONS)
    _check("facing", facing, FACINGS)
    _check_image(img)
    w, h = _size(box)
    art = _assets.character_asset(asset_dir, role, expression)
    if art is not None:
        layer = _assets.fit_character(art, (w, h), facing)
    else:
        visible = 0 if clip_bottom is None else max(1, clip_bottom - round(box[1]))
        if look is not None:
            _check("look", look, LOOKS[role])
        layer = _render_character(role, expression, w, h, holding, visible, look)
        if facing == "left":
            layer = ImageOps.mirror(layer)
    _assets.composite(img, layer, _pixel_box(box))


def draw_scene(img: Image.Image, scene: str, box: Box, asset_dir: Path | None = None) -> None:
    """Fill box on img (in place) with a flat background for the scene."""
    _check("scene", scene, SCENES)
    _check_image(img)
    w, h = _size(box)
    art = _assets.scene_asset(asset_dir, scene)
    if art is not None:
        layer = _assets.fit_scene(art, (w, h))
    else:
        layer = _render_scene(scene, w, h)
    _assets.composite(img, layer, _pixel_box(box))
