"""Poster sizes: trim, bleed, safe margin, art resolution and the type floors each is read at."""

from __future__ import annotations

from dataclasses import dataclass

from fanzha.renderer.errors import UnknownFormat

__all__ = [
    "BLEED_MM",
    "CAP_HEIGHT",
    "POSTER_FORMATS",
    "SAFE_MM",
    "SLUG_MM",
    "PosterFormat",
    "PosterSpec",
    "poster_format",
]

BLEED_MM = 3.0  # print-shop norm: artwork runs 3 mm past the trim on every side
SAFE_MM = 5.0  # text stays at least this far inside the trim
SLUG_MM = 12.0  # room outside the bleed for crop and registration marks
# Cap height of Noto Sans CJK (OS/2 sCapHeight 733 per 1000 units): a size of 34.1 mm sets
# capitals 25 mm tall, the floor for a headline read from 3 m (0.5 % of the distance is 15 mm
# for body text; headlines get more so that they are what a passer-by takes in first).
CAP_HEIGHT = 0.733


@dataclass(frozen=True)
class PosterFormat:
    """One poster size: trim in mm, art resolution, and how far away it is read."""

    name: str  # the render format name: poster-a4, poster-a3, poster-a2, rollup
    size: str  # the campaign's `size:` value
    trim_mm: tuple[float, float]
    art_ppi: int  # raster art at its printed size
    viewing_m: float  # the distance its headline is sized for
    headline_cap_mm: float  # floor of the headline's cap height
    label: str

    @property
    def scale(self) -> float:
        """Type and spacing relative to A3 (297 mm wide)."""
        return self.trim_mm[0] / 297.0

    @property
    def headline_px(self) -> float:
        """Headline font size in mm whose capitals are headline_cap_mm tall."""
        return self.headline_cap_mm / CAP_HEIGHT

    def to_dict(self) -> dict[str, object]:
        """The facts the manifest records."""
        return {
            "format": self.name,
            "trim_mm": list(self.trim_mm),
            "bleed_mm": BLEED_MM,
            "safe_mm": SAFE_MM,
            "art_ppi": self.art_ppi,
            "art_ppi_reason": (
                f"read from about {self.viewing_m:g} m: {self.art_ppi} ppi at printed size"
            ),
            "headline_cap_mm_min": self.headline_cap_mm,
        }


POSTER_FORMATS: dict[str, PosterFormat] = {
    f.name: f
    for f in (
        PosterFormat("poster-a4", "A4", (210.0, 297.0), 300, 2.0, 17.7, "A4 210×297 mm"),
        PosterFormat("poster-a3", "A3", (297.0, 420.0), 300, 3.0, 25.0, "A3 297×420 mm"),
        PosterFormat("poster-a2", "A2", (420.0, 594.0), 300, 4.0, 35.4, "A2 420×594 mm"),
        # 易拉宝: seen from 3-6 m at branch and community events; 150 ppi at its printed size is
        # the large-format norm (finer detail is invisible from there and only slows the RIP).
        PosterFormat("rollup", "rollup", (800.0, 2000.0), 150, 5.0, 60.0, "roll-up 80×200 cm"),
    )
}
_BY_SIZE = {f.size.lower(): f for f in POSTER_FORMATS.values()}


def poster_format(name: str) -> PosterFormat:
    """The poster format for a format name (poster-a3) or a campaign size (A3, rollup)."""
    key = name.lower()
    found = POSTER_FORMATS.get(key) or _BY_SIZE.get(key)
    if found is None:
        known = ", ".join([*POSTER_FORMATS, *(f.size for f in POSTER_FORMATS.values())])
        raise UnknownFormat(f"unknown poster size {name!r}; expected one of {known}")
    return found


@dataclass(frozen=True)
class PosterSpec:
    """One poster: where it hangs, its size, the bank, and the QR address if one is configured."""

    community: str
    size: str = "A3"
    qr: str | None = None
    bank_name: str = ""
    segments: tuple[str, ...] = ()
    locale: str = "zh-CN"
    bank_phone: str = ""
    press: bool = False

    @property
    def format(self) -> PosterFormat:
        """The poster format of `size` (A4, A3, A2, rollup or a format name)."""
        return poster_format(self.size)

    @property
    def format_name(self) -> str:
        """The render format name: poster-a4, poster-a3, poster-a2 or rollup."""
        return self.format.name
