"""Font discovery, cached faces per (size, weight), and per-character fallback coverage."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fanzha.renderer.errors import FontNotFound
from PIL import ImageFont

FONT_ENV = "FANZHA_FONT"
PACKAGE_FONT = "NotoSansCJK-VF.otf.ttc"
SC_INDEX = 2  # face index of "Noto Sans CJK SC" in the pip package's collection
WEIGHTS = ("Regular", "Medium", "Bold", "Black")
SYSTEM_CJK = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
FALLBACK_FACES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


def _package_font() -> Path | None:
    try:
        import manimgx_fonts_cjk
    except ImportError:
        return None
    path = Path(manimgx_fonts_cjk.__file__).with_name(PACKAGE_FONT)
    return path if path.is_file() else None


def _fc_match() -> Path | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    # fc-match always answers something; keep it only if it can draw Chinese.
    if out and Path(out).is_file() and 0x4E2D in _cmap(str(Path(out)), 0):
        return Path(out)
    return None


def find_font(configured: str | Path | None = None) -> Path:
    """The CJK font to use: configured path or $FANZHA_FONT, the pip package, then system fonts."""
    chosen = configured or os.environ.get(FONT_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise FontNotFound(f"configured font {path} does not exist")
        return path
    for candidate in (_package_font(), *map(Path, SYSTEM_CJK)):
        if candidate is not None and candidate.is_file():
            return candidate
    found = _fc_match()
    if found:
        return found
    raise FontNotFound(
        "no CJK font found: install manimgx-fonts-cjk or set FANZHA_FONT to a .ttf/.otf/.ttc"
    )


@functools.lru_cache(maxsize=16)
def _cmap(path: str, index: int) -> frozenset[int]:
    """Code points a face covers (fontTools reads only the cmap table)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.lower().endswith((".ttc", ".otc")):
        face = TTCollection(path, lazy=True).fonts[index]
    else:
        face = TTFont(path, lazy=True)
    return frozenset(face.getBestCmap() or {})


def _face_index(path: Path) -> int:
    return SC_INDEX if path.name == PACKAGE_FONT else 0


@functools.lru_cache(maxsize=512)
def _load(path: str, index: int, size: int, weight: str) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.RAQM)
    try:
        font.set_variation_by_name(weight.encode())
    except (OSError, ValueError):
        pass  # a static font: one weight only
    return font


@dataclass(frozen=True)
class FontSet:
    """The main CJK face plus a fallback face for glyphs it lacks."""

    path: Path
    fallback: Path | None = None

    @classmethod
    def default(cls, configured: str | Path | None = None) -> FontSet:
        """The FontSet for the configured or discovered font."""
        fallback = next((Path(p) for p in FALLBACK_FACES if Path(p).is_file()), None)
        return cls(find_font(configured), fallback)

    def face(self, size: int, weight: str = "Regular") -> ImageFont.FreeTypeFont:
        """The main face at a pixel size and named weight (cached)."""
        return _load(str(self.path), _face_index(self.path), int(size), weight)

    def fallback_face(self, size: int, weight: str = "Regular") -> ImageFont.FreeTypeFont | None:
        """The fallback face at a pixel size (cached), if one exists."""
        if self.fallback is None:
            return None
        return _load(str(self.fallback), 0, int(size), weight)

    def covers(self, char: str) -> bool:
        """Whether the main face has a glyph for a character (whitespace always counts)."""
        return char.isspace() or ord(char) in _cmap(str(self.path), _face_index(self.path))

    def runs(self, text: str) -> list[tuple[str, bool]]:
        """Split text into (run, covered_by_main_face) runs, for per-character fallback."""
        out: list[tuple[str, bool]] = []
        for char in text:
            ok = self.covers(char) or not self._fallback_covers(char)
            if out and out[-1][1] == ok:
                out[-1] = (out[-1][0] + char, ok)
            else:
                out.append((char, ok))
        return out

    def _fallback_covers(self, char: str) -> bool:
        return self.fallback is not None and ord(char) in _cmap(str(self.fallback), 0)

    def missing(self, text: str) -> str:
        """Characters that neither face can draw (they would be tofu boxes)."""
        return "".join(c for c in text if not self.covers(c) and not self._fallback_covers(c))


@functools.cache
def default_fonts() -> FontSet:
    """The process-wide FontSet (found once, on first use)."""
    return FontSet.default()
