"""WCAG 2.x contrast: relative luminance, ratios, and the worst case behind a text box."""

from __future__ import annotations

import numpy as np
from PIL import Image

RGB = tuple[int, int, int]

_channel = np.arange(256, dtype=np.float64) / 255.0
# sRGB linearisation per WCAG 2.x (0.03928 threshold as written in the spec).
_LINEAR = np.where(_channel <= 0.03928, _channel / 12.92, ((_channel + 0.055) / 1.055) ** 2.4)


def parse_color(color: str | RGB) -> RGB:
    """An (r, g, b) tuple from '#rrggbb', '#rgb' or a tuple."""
    if isinstance(color, tuple):
        return (int(color[0]), int(color[1]), int(color[2]))
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def relative_luminance(color: str | RGB) -> float:
    """WCAG relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    r, g, b = parse_color(color)
    return float(0.2126 * _LINEAR[r] + 0.7152 * _LINEAR[g] + 0.0722 * _LINEAR[b])


def contrast_ratio(a: str | RGB, b: str | RGB) -> float:
    """WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), from 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def luminance_map(pixels: np.ndarray) -> np.ndarray:
    """Relative luminance of every pixel of an (h, w, 3) uint8 array."""
    return (
        0.2126 * _LINEAR[pixels[..., 0]]
        + 0.7152 * _LINEAR[pixels[..., 1]]
        + 0.0722 * _LINEAR[pixels[..., 2]]
    )


def worst_contrast(background: Image.Image, text_color: str | RGB) -> float:
    """Lowest contrast between the text colour and any pixel behind it (before text is drawn)."""
    pixels = np.asarray(background.convert("RGB"))
    if pixels.size == 0:
        return 21.0
    lum = luminance_map(pixels)
    text_l = relative_luminance(text_color)
    # the background pixel whose luminance is closest to the text's gives the lowest ratio
    nearest = lum.flat[int(np.abs(lum - text_l).argmin())]
    hi, lo = max(nearest, text_l), min(nearest, text_l)
    return float((hi + 0.05) / (lo + 0.05))
