"""The render manifest (DESIGN.md "Render manifest") and the accessibility checks behind it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanzha.renderer.canvas import TextRecord
from fanzha.renderer.errors import AccessibilityError
from fanzha.renderer.formats import Format
from fanzha.renderer.style import Style

RENDERER_VERSION = "1.1.0"  # 1.1: strips as one image per panel; WebP lossless


@dataclass(frozen=True)
class Manifest:
    """Everything about one render: sizes, every text box, contrast, QR, alt text, cache key."""

    format: str
    size_px: tuple[int, int]
    size_mm: tuple[float, float]
    dpi: int
    text_boxes: tuple[TextRecord, ...]
    min_contrast: float
    alt_text: str
    cache_key: str
    image_path: Path | None = None
    layout: str = ""
    large_text: bool = False
    qr: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def image_key(self) -> str:
        """The media key the store and feed API use: `<cache_key>.<ext>`."""
        suffix = self.image_path.suffix if self.image_path else ""
        return f"{self.cache_key}{suffix}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the file written beside the image)."""
        return {
            "format": self.format,
            "size_px": list(self.size_px),
            "size_mm": list(self.size_mm),
            "dpi": self.dpi,
            "layout": self.layout,
            "large_text": self.large_text,
            "text_boxes": [t.to_dict() for t in self.text_boxes],
            "min_contrast": round(self.min_contrast, 2),
            "qr": self.qr,
            "alt_text": self.alt_text,
            "cache_key": self.cache_key,
            "image": self.image_path.name if self.image_path else None,
            "renderer_version": RENDERER_VERSION,
            **self.extra,
        }

    def write(self, image_path: Path) -> Path:
        """Write `<image>.json` beside the image; returns its path."""
        path = image_path.with_name(image_path.name + ".json")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, path)  # readers never see half a manifest
        return path

    @classmethod
    def read(cls, path: Path, image_path: Path | None = None) -> Manifest:
        """Load a manifest written by write()."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        boxes = tuple(
            TextRecord(
                b["name"],
                b["text"],
                tuple(b["lines"]),
                b["font_px"],
                round(b["font_px"] * b["line_spacing"]),
                tuple(b["box"]),
                b["color"],
                b["contrast"],
                b["role"],
                tuple(b.get("split_words", ())),
            )
            for b in data["text_boxes"]
        )
        known = {
            "format",
            "size_px",
            "size_mm",
            "dpi",
            "layout",
            "large_text",
            "text_boxes",
            "min_contrast",
            "qr",
            "alt_text",
            "cache_key",
            "image",
            "renderer_version",
        }
        return cls(
            data["format"],
            tuple(data["size_px"]),
            tuple(data["size_mm"]),
            data["dpi"],
            boxes,
            data["min_contrast"],
            data["alt_text"],
            data["cache_key"],
            image_path,
            data.get("layout", ""),
            data.get("large_text", False),
            data.get("qr"),
            {k: v for k, v in data.items() if k not in known},
        )


def check_accessibility(records: tuple[TextRecord, ...], fmt: Format, style: Style) -> float:
    """The lowest contrast; AccessibilityError if any text box misses the mode's minimums."""
    problems = []
    lowest = min((r.contrast for r in records), default=21.0)
    for r in records:
        if r.contrast < style.min_contrast:
            problems.append(f"{r.name}: contrast {r.contrast:.2f}:1 < {style.min_contrast}:1")
        if r.role in ("body", "caption") and r.font_px < fmt.body_min_px(style.large_text):
            problems.append(f"{r.name}: {r.font_px} px < {fmt.body_min_px(style.large_text)} px")
        if style.large_text and len(r.lines) > 1 and r.line_height / r.font_px < 1.3:
            problems.append(f"{r.name}: line spacing {r.line_height / r.font_px:.2f} < 1.3")
    if problems:
        mode = "large-text" if style.large_text else "normal"
        raise AccessibilityError(
            f"{fmt.name} render misses the {mode} minimums: " + "; ".join(problems)
        )
    return lowest
