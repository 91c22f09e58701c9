"""Poster colours for screens (sRGB) and for press (CMYK, 100 % K text), and art to CMYK.

Press colours are set by hand, near what the shipped FOGRA39 profile makes of the screen
palette, so that a print shop sees clean separations: black text is K only, and no text
colour uses all four inks. Art is converted with the profile; its neutral greys and black
line work go to the K plate alone, so thin outlines cannot print out of register.
"""

from __future__ import annotations

import functools
from pathlib import Path

from fanzha.renderer.style import PALETTE
from PIL import Image, ImageCms

__all__ = ["PRESS_PROFILE", "colors", "profile_bytes", "to_cmyk"]

PRESS_PROFILE = Path(__file__).with_name("icc") / "fogra39l-fanzha.icc"
OUTPUT_CONDITION = "FOGRA39"  # the characterization the profile was built from

_RGB = {
    "paper": PALETTE.paper,
    "ink": PALETTE.ink,
    "navy": PALETTE.navy,
    "navy_text": PALETTE.navy_text,
    "red": PALETTE.red,
    "red_text": PALETTE.red_text,
    "orange": PALETTE.orange,
    "gold": PALETTE.gold,
    "white": (255, 255, 255),
    "outline": PALETTE.outline,
    "qr": (0, 0, 0),
}
_CMYK = {
    "paper": (0, 3, 10, 0),
    "ink": (0, 0, 0, 100),  # text black: K only
    "navy": (100, 72, 0, 55),
    "navy_text": (0, 2, 6, 0),
    "red": (0, 100, 95, 28),
    "red_text": (0, 0, 0, 0),
    "orange": (0, 60, 90, 0),
    "gold": (0, 30, 85, 0),
    "white": (0, 0, 0, 0),
    "outline": (0, 0, 0, 90),
    "qr": (0, 0, 0, 100),  # one plate: the code stays sharp whatever the register
}


def colors(press: bool) -> dict[str, list[object]]:
    """The palette as the template reads it: name -> ["rgb", r, g, b] or ["cmyk", c, m, y, k]."""
    if press:
        return {k: ["cmyk", *v] for k, v in _CMYK.items()}
    return {k: ["rgb", *v] for k, v in _RGB.items()}


def rgb_of(name: str) -> tuple[int, int, int]:
    """The screen colour of a palette name (contrast is measured on these)."""
    return _RGB[name]


@functools.cache
def profile_bytes() -> bytes:
    """The press profile shipped with fanzha (FOGRA39L, built with ArgyllCMS; see icc/README)."""
    return PRESS_PROFILE.read_bytes()


@functools.cache
def _transform() -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"),
        ImageCms.ImageCmsProfile(str(PRESS_PROFILE)),
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )


def to_cmyk(img: Image.Image) -> Image.Image:
    """sRGB art to press CMYK through the profile, with neutral pixels on the K plate alone."""
    import numpy as np  # posters alone: a card's render never loads NumPy

    rgb = img.convert("RGB")
    cmyk = np.asarray(ImageCms.applyTransform(rgb, _transform())).copy()
    px = np.asarray(rgb).astype(np.int16)
    neutral = (px.max(axis=2) - px.min(axis=2)) <= 6
    grey = px.mean(axis=2)
    # a neutral pixel is ink K only, as dark as its lightness asks (white stays paper)
    k = np.clip(np.round((255 - grey) * 1.0), 0, 255).astype(np.uint8)
    cmyk[neutral] = 0
    cmyk[..., 3] = np.where(neutral, k, cmyk[..., 3])
    return Image.fromarray(cmyk, "CMYK")
