"""QR codes for posters: error correction M, 4-module quiet zone, modules of at least 1 mm."""

from __future__ import annotations

import math
from dataclasses import dataclass

import segno
from fanzha.renderer.formats import MM_PER_INCH
from PIL import Image

QUIET_ZONE = 4


@dataclass(frozen=True)
class QRImage:
    """A rendered QR code and the facts the manifest records."""

    image: Image.Image
    payload: str
    module_px: int
    module_mm: float
    modules: int  # per side, without the quiet zone
    version: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready facts."""
        return {
            "payload": self.payload,
            "error": "M",
            "version": self.version,
            "modules": self.modules,
            "quiet_zone_modules": QUIET_ZONE,
            "module_px": self.module_px,
            "module_mm": round(self.module_mm, 3),
        }


def make_qr(payload: str, target_px: int, dpi: int, min_module_mm: float = 1.0) -> QRImage:
    """A QR image about target_px wide (quiet zone included) with modules >= min_module_mm."""
    code = segno.make(payload, error="m", boost_error=False, micro=False)
    modules = int(code.symbol_size(scale=1, border=0)[0])
    min_px = math.ceil(min_module_mm * dpi / MM_PER_INCH)  # never below the minimum
    module_px = max(min_px, target_px // (modules + 2 * QUIET_ZONE))
    side = (modules + 2 * QUIET_ZONE) * module_px
    img = Image.new("L", (side, side), 255)
    for r, row in enumerate(code.matrix):
        for c, dark in enumerate(row):
            if dark:
                x0, y0 = (c + QUIET_ZONE) * module_px, (r + QUIET_ZONE) * module_px
                img.paste(0, (x0, y0, x0 + module_px, y0 + module_px))
    return QRImage(
        img.convert("RGB"),
        payload,
        module_px,
        module_px * MM_PER_INCH / dpi,
        modules,
        int(code.version) if str(code.version).isdigit() else 0,
    )
