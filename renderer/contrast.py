"""WCAG 2.x contrast: relative luminance, ratios, and the worst case behind a text box."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PIL import Image

if TYPE_CHECKING:
    import numpy as np

RGB = tuple[int, int, int]

# sRGB linearisation per WCAG 2.x (0.03928 threshold as written in the spec), per 8-bit value.
_LINEAR = tuple(
    c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    for c in (i / 255 for i in range(256))
)
# Beyond this many distinct colours behind a text, the pixels are measured as an array.
_FEW_COLOURS = 4096


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
    import numpy as np

    linear = np.asarray(_LINEAR, dtype=np.float64)
    return (
        0.2126 * linear[pixels[..., 0]]
        + 0.7152 * linear[pixels[..., 1]]
        + 0.0722 * linear[pixels[..., 2]]
    )


def _ratio(a: float, b: float) -> float:
    hi, lo = max(a, b), min(a, b)
    return float((hi + 0.05) / (lo + 0.05))


def worst_contrast(background: Image.Image, text_color: str | RGB) -> float:
    """Lowest contrast between the text colour and any pixel behind it (before text is drawn).

    Text mostly sits on a few flat colours: those are measured one by one (NumPy is loaded
    only for a busy background, or when two colours are equally near the text's).
    """
    rgb = background.convert("RGB")
    size = rgb.width * rgb.height
    if size == 0:
        return 21.0
    text_l = relative_luminance(text_color)
    colours = rgb.getcolors(_FEW_COLOURS)
    if colours is not None:
        lums = {
            0.2126 * _LINEAR[r] + 0.7152 * _LINEAR[g] + 0.0722 * _LINEAR[b]
            for _, (r, g, b) in cast("list[tuple[int, RGB]]", colours)
        }
        closest = min(abs(lum - text_l) for lum in lums)
        nearest = [lum for lum in lums if abs(lum - text_l) == closest]
        if len(nearest) == 1:  # two equally near: the first such pixel decides, as below
            return _ratio(nearest[0], text_l)
    return _worst_by_array(rgb, text_l)


def _worst_by_array(rgb: Image.Image, text_l: float) -> float:
    import numpy as np

    lum = luminance_map(np.asarray(rgb))
    # the background pixel whose luminance is closest to the text's gives the lowest ratio
    nearest = lum.flat[int(np.abs(lum - text_l).argmin())]
    return _ratio(float(nearest), text_l)
