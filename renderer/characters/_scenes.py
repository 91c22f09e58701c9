"""Scene dispatch: one drawing function per scene name, rendered supersampled into a layer."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from PIL import Image, ImageDraw

from renderer.characters import _places, _rooms
from renderer.characters._pen import Pen
from renderer.characters._scenery import SCENE_INK, Frame

SceneDrawer = Callable[[Pen, Frame], None]

DRAWERS: dict[str, SceneDrawer] = {
    "home": _rooms.home,
    "shop": _places.shop,
    "dormitory": _rooms.dormitory,
    "street": _places.street,
    "office": _rooms.office,
    "bank": _rooms.bank,
    "phone_call": _places.phone_call,
    "chat": _places.chat,
    "factory": _places.factory,
}


@lru_cache(maxsize=24)
def render_scene(scene: str, w: int, h: int, supersample: int) -> Image.Image:
    """The scene as an opaque RGBA layer of exactly w × h pixels; shared, never modify it."""
    # cached because a card repeats the same few panel sizes
    canvas = Image.new("RGBA", (w * supersample, h * supersample), (255, 255, 255, 255))
    # a thin, soft outline that grows with the box: backgrounds must not compete with the cast
    line = max(1.0, min(w, h) * 0.004)
    pen = Pen(ImageDraw.Draw(canvas), float(supersample), line=line, ink=SCENE_INK)
    DRAWERS[scene](pen, Frame(float(w), float(h)))
    return canvas.resize((w, h), Image.LANCZOS)
