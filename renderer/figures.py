"""Characters and scenes: the renderer's own art when present, a flat placeholder otherwise."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

Box = tuple[int, int, int, int]

HEAD_SHARE = 0.35  # the character's head occupies the top ~35% of its box, centred

_ROLE_COLORS = {
    "elderly": (120, 138, 160),
    "young_worker": (46, 120, 180),
    "shop_owner": (200, 120, 50),
    "scammer_phone": (70, 70, 80),
    "fake_officer": (40, 60, 110),
    "bank_staff": (22, 40, 74),
    "family": (160, 80, 120),
}
_SCENE_COLORS = {
    "home": (246, 226, 196),
    "shop": (250, 218, 180),
    "dormitory": (222, 230, 240),
    "street": (214, 230, 214),
    "office": (226, 230, 238),
    "bank": (220, 228, 244),
    "phone_call": (236, 226, 240),
    "chat": (226, 240, 236),
    "factory": (230, 226, 216),
}


def _art(name: str) -> Callable[..., Any] | None:
    """A drawing function from renderer.characters, or None while it is missing."""
    try:
        module = importlib.import_module("renderer.characters")
    except ImportError:
        return None
    return getattr(module, name, None)


def head_point(box: Box) -> tuple[int, int]:
    """Centre of the character's head inside its box (where balloon tails aim)."""
    x0, y0, x1, y1 = box
    return (x0 + x1) // 2, y0 + int((y1 - y0) * HEAD_SHARE / 2)


def head_radius(box: Box) -> int:
    """Rough radius of the head, so tails stop at its edge instead of on the face."""
    x0, y0, x1, y1 = box
    return int(min((x1 - x0) * 0.3, (y1 - y0) * HEAD_SHARE / 2))


def head_box(box: Box) -> Box:
    """The region of the box the head occupies (balloons must not cover it)."""
    x0, y0, x1, y1 = box
    w = x1 - x0
    return x0 + w // 5, y0, x1 - w // 5, y0 + int((y1 - y0) * HEAD_SHARE)


def draw_scene(img: Image.Image, scene: str, box: Box, asset_dir: Path | None = None) -> None:
    """Paint a scene background into box."""
    art = _art("draw_scene")
    if art is not None:
        try:
            art(img, scene, box, asset_dir=asset_dir)
            return
        except ImportError:
            pass  # the art package is only partly installed: fall back to flat colour
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=_SCENE_COLORS.get(scene, (236, 232, 224)))
    floor = y0 + int((y1 - y0) * 0.78)
    d.rectangle(
        (x0, floor, x1, y1),
        fill=tuple(max(0, c - 28) for c in _SCENE_COLORS.get(scene, (236, 232, 224))),
    )


def draw_character(
    img: Image.Image,
    role: str,
    expression: str,
    box: Box,
    facing: str = "right",
    asset_dir: Path | None = None,
) -> None:
    """Draw a cast member in box, looking towards `facing`."""
    art = _art("draw_character")
    if art is not None:
        try:
            art(img, role, expression, box, facing=facing, asset_dir=asset_dir)
            return
        except ImportError:
            pass  # the art package is only partly installed: fall back to a silhouette
    _placeholder(img, role, box, facing)


def _placeholder(img: Image.Image, role: str, box: Box, facing: str) -> None:
    """A flat silhouette: head and shoulders in the role's colour, eyes towards `facing`."""
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    lw = max(3, w // 40)
    color = _ROLE_COLORS.get(role, (90, 90, 90))
    hx0, hy0, hx1, hy1 = head_box(box)
    d.rounded_rectangle(
        (x0 + w // 8, y0 + int(h * 0.38), x1 - w // 8, y1),
        radius=w // 4,
        fill=color,
        outline=(27, 31, 42),
        width=lw,
    )
    d.ellipse((hx0, hy0, hx1, hy1), fill=(247, 214, 186), outline=(27, 31, 42), width=lw)
    cx, cy = head_point(box)
    shift = (hx1 - hx0) // 8 * (1 if facing == "right" else -1)
    r = max(2, w // 40)
    for ex in (cx - (hx1 - hx0) // 6 + shift, cx + (hx1 - hx0) // 6 + shift):
        d.ellipse((ex - r, cy - r, ex + r, cy + r), fill=(27, 31, 42))
