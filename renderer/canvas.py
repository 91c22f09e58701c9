"""A drawing surface that records every text box it draws, with the contrast behind it."""

from __future__ import annotations

from dataclasses import dataclass, field

from fanzha.renderer import text as typeset
from fanzha.renderer.contrast import RGB, worst_contrast
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.style import PALETTE, Palette
from PIL import Image, ImageDraw


@dataclass(frozen=True)
class TextRecord:
    """One drawn text box, as the manifest lists it."""

    name: str
    text: str
    lines: tuple[str, ...]
    font_px: int
    line_height: int
    box: tuple[int, int, int, int]
    color: str
    contrast: float
    role: str  # "body", "title", "display" (slogan, hotline) or "caption"
    splits: tuple[str, ...] = ()  # words broken across lines (each wider than its line)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "text": self.text,
            "lines": list(self.lines),
            "font_px": self.font_px,
            "line_spacing": round(self.line_height / self.font_px, 3),
            "box": list(self.box),
            "color": self.color,
            "contrast": round(self.contrast, 2),
            "role": self.role,
            "split_words": list(self.splits),
        }


@dataclass
class Canvas:
    """An RGB image plus the fonts, palette and the records of the text drawn on it."""

    img: Image.Image
    fonts: FontSet
    palette: Palette = PALETTE
    records: list[TextRecord] = field(default_factory=list)

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        """A drawing context for the image."""
        return ImageDraw.Draw(self.img)

    def text(
        self,
        layout: typeset.TextLayout,
        fill: RGB,
        *,
        origin: tuple[int, int] | None = None,
        align: str = "left",
        role: str = "body",
        offset: tuple[int, int] = (0, 0),
    ) -> TextRecord:
        """Draw a layout, measuring the contrast of the pixels behind it first."""
        x0, y0 = origin if origin is not None else layout.box[:2]
        w, h = typeset.block_size(self.fonts, layout)
        if origin is None:
            w = layout.box[2] - layout.box[0]
        block = (x0, y0, x0 + w, y0 + h)
        ratio = worst_contrast(self.img.crop(block), fill)
        typeset.draw(self.draw, self.fonts, layout, fill, align=align, origin=origin)
        ox, oy = offset
        record = TextRecord(
            layout.name,
            layout.text,
            layout.lines,
            layout.font_px,
            layout.line_height,
            (block[0] + ox, block[1] + oy, block[2] + ox, block[3] + oy),
            "#{:02X}{:02X}{:02X}".format(*fill),
            ratio,
            role,
            layout.splits,
        )
        self.records.append(record)
        return record
