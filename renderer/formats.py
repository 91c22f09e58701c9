"""Output formats: pixel sizes, print sizes, and the per-format text size limits."""

from __future__ import annotations

from dataclasses import dataclass

from fanzha.renderer.errors import UnknownFormat

MM_PER_INCH = 25.4
PRINT_DPI = 300
SCREEN_DPI = 72
BLEED_MM = 3.0
SAFE_MM = 5.0


@dataclass(frozen=True)
class Format:
    """A render target: screen card or print poster."""

    name: str
    width: int  # px of the finished (trimmed) piece
    height: int
    kind: str  # "card", "strip" or "poster"
    dpi: int = SCREEN_DPI
    trim_mm: tuple[float, float] | None = None

    @property
    def scale(self) -> float:
        """Size factor relative to a 1080 px wide card (text minimums scale with it)."""
        return self.width / 1080

    def body_min_px(self, large_text: bool) -> int:
        """Smallest dialogue and caption text allowed.

        Screen formats are seen at 360 CSS px wide on a phone: at least 14 CSS px (42 px at
        1080 wide), 18 CSS px (54 px) in large-text mode. Posters keep their print minimums.
        """
        if self.kind == "poster":
            return round((52 if large_text else 28) * self.scale)
        return round((54 if large_text else 42) * self.scale)

    def size_mm(self) -> tuple[float, float]:
        """Physical size in millimetres (at the format's dpi for screen formats)."""
        if self.trim_mm:
            return self.trim_mm
        return (
            round(self.width / self.dpi * MM_PER_INCH, 1),
            round(self.height / self.dpi * MM_PER_INCH, 1),
        )

    def bleed_px(self) -> int:
        """Bleed on each side in pixels (posters only)."""
        return mm_to_px(BLEED_MM, self.dpi) if self.kind == "poster" else 0


def mm_to_px(mm: float, dpi: int = PRINT_DPI) -> int:
    """Millimetres to whole pixels at a resolution."""
    return round(mm / MM_PER_INCH * dpi)


FORMATS: dict[str, Format] = {
    "strip": Format("strip", 1080, 1920, "strip"),  # height: each render's own
    "card": Format("card", 1080, 1350, "card"),
    "story": Format("story", 1080, 1920, "card"),
    "square": Format("square", 1080, 1080, "card"),
    "banner": Format("banner", 1200, 675, "card"),
    "poster-a4": Format("poster-a4", 2480, 3508, "poster", PRINT_DPI, (210.0, 297.0)),
    "poster-a3": Format("poster-a3", 3508, 4961, "poster", PRINT_DPI, (297.0, 420.0)),
}


def get_format(name: str) -> Format:
    """The Format called name; UnknownFormat lists the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormat(
            f"unknown format {name!r}; expected one of {', '.join(FORMATS)}"
        ) from None
