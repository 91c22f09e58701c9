"""WCAG contrast math against the specification's worked values, and pixel measurement."""

from __future__ import annotations

import pytest
from fanzha.renderer.contrast import contrast_ratio, relative_luminance, worst_contrast
from PIL import Image


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("#000000", "#FFFFFF", 21.0),
        ("#FFFFFF", "#FFFFFF", 1.0),
        ("#777777", "#FFFFFF", 4.48),  # the classic just-fails-AA grey
        ("#767676", "#FFFFFF", 4.54),  # the lightest grey that passes AA on white
        ("#595959", "#FFFFFF", 7.0),  # the AAA threshold grey
        ("#FF0000", "#FFFFFF", 4.0),
        ("#0000FF", "#FFFFFF", 8.59),
    ],
)
def test_contrast_matches_wcag_values(a, b, expected) -> None:
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(b, a) == pytest.approx(expected, abs=0.01)


def test_relative_luminance_endpoints() -> None:
    assert relative_luminance("#000") == 0.0
    assert relative_luminance("#fff") == pytest.approx(1.0)
    assert relative_luminance((255, 0, 0)) == pytest.approx(0.2126)


def test_worst_contrast_uses_the_worst_pixel_behind_the_text() -> None:
    img = Image.new("RGB", (100, 40), (255, 255, 255))
    assert worst_contrast(img, (0, 0, 0)) == pytest.approx(21.0)
    img.paste((119, 119, 119), (90, 0, 100, 40))  # a grey sliver behind the last glyph
    assert worst_contrast(img, (0, 0, 0)) == pytest.approx(contrast_ratio("#777", "#000"))
