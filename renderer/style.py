"""Render style (layout, large-text mode, art folder) and the bank palette."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fanzha.renderer.contrast import RGB

LAYOUTS = ("four-panel", "grid")


@dataclass(frozen=True)
class Palette:
    """Bank-appropriate colours: cream paper, navy, deep red and orange accents."""

    paper: RGB = (251, 244, 230)
    ink: RGB = (27, 31, 42)
    navy: RGB = (22, 40, 74)
    navy_text: RGB = (255, 248, 236)
    red: RGB = (158, 27, 27)
    red_text: RGB = (255, 255, 255)
    orange: RGB = (232, 119, 46)
    gold: RGB = (242, 179, 61)
    balloon: RGB = (255, 255, 255)
    alarm_fill: RGB = (255, 241, 201)
    alarm_ink: RGB = (122, 16, 16)
    caption_fill: RGB = (251, 227, 168)
    outline: RGB = (27, 31, 42)
    muted: RGB = (74, 79, 92)


@dataclass(frozen=True)
class Style:
    """How a warning is drawn: layout, large-text mode for elderly segments, optional designer art."""

    layout: str = "four-panel"
    large_text: bool = False
    asset_dir: str | None = None
    bank_line: str = ""  # the bank's own hotline for the footer, e.g. "示例银行 400-000-0000"

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(
                f"unknown layout {self.layout!r}; expected one of {', '.join(LAYOUTS)}"
            )

    @property
    def min_contrast(self) -> float:
        """WCAG target: 7:1 (enhanced) in large-text mode, 4.5:1 otherwise."""
        return 7.0 if self.large_text else 4.5

    @property
    def line_spacing(self) -> float:
        """Line height factor: at least 1.3 in large-text mode."""
        return 1.35 if self.large_text else 1.25

    @property
    def assets(self) -> Path | None:
        """The designer-art folder, if any."""
        return Path(self.asset_dir) if self.asset_dir else None

    def key(self) -> str:
        """A stable string for cache keys."""
        key = f"{self.layout}|large={int(self.large_text)}|assets={self.asset_dir or ''}"
        return key + (f"|bank={self.bank_line}" if self.bank_line else "")


PALETTE = Palette()
