"""Font discovery, cached faces per (size, weight), and per-character fallback coverage.

The CJK font is, in order: ``FANZHA_FONT``; Debian's Noto Sans CJK (fonts-noto-cjk) when
installed; the pip package's variable Noto Sans CJK; other system CJK fonts. Whichever
it is, ``font_info`` gives its name, version and licence for the render manifests.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

from fanzha.renderer.errors import FontNotFound
from fanzha.renderer.font_cmap import Coverage, cmap_coverage
from fanzha.renderer.font_sfnt import english_names, face_count
from PIL import ImageFont

T = TypeVar("T")

FONT_ENV = "FANZHA_FONT"
PACKAGE_FONT = "NotoSansCJK-VF.otf.ttc"
SC_INDEX = 2  # face index of "Noto Sans CJK SC" in the pip package's collection
WEIGHTS = ("Regular", "Medium", "Bold", "Black")
# Debian's fonts-noto-cjk (and Fedora's / Arch's google-noto-cjk): static Regular and Bold.
SYSTEM_NOTO = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
SC_FAMILY = "Noto Sans CJK SC"
INFO_NAMES = (4, 5, 13, 14)  # full name, version, licence, licence URL
# A static family has no Medium or Black: they take the nearest of its two files.
STATIC_WEIGHTS = {"Regular": "Regular", "Medium": "Regular", "Bold": "Bold", "Black": "Bold"}
SYSTEM_CJK = (
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
    """The CJK font: configured path or $FANZHA_FONT, system Noto Sans CJK, the pip package, others."""
    chosen = configured or os.environ.get(FONT_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise FontNotFound(f"configured font {path} does not exist")
        return path
    for candidate in (*map(Path, SYSTEM_NOTO), _package_font(), *map(Path, SYSTEM_CJK)):
        if candidate is not None and candidate.is_file():
            return candidate
    found = _fc_match()
    if found:
        return found
    raise FontNotFound(
        "no CJK font found: install fonts-noto-cjk (or manimgx-fonts-cjk), "
        "or set FANZHA_FONT to a .ttf/.otf/.ttc"
    )


def _font_key(path: str, *parts: str) -> str:
    """A cache key for facts read from a font file: like fontconfig's cache, the file's
    size and modification time stand for its bytes (hashing 20 MB would cost the saving)."""
    from fanzha import _cache

    st = os.stat(path)
    stamp = _cache.code_stamp("fanzha.renderer.fonts", "fontTools")
    return _cache.digest(
        str(Path(path).resolve()), str(st.st_size), str(st.st_mtime_ns), *parts, stamp
    )


def _cached(kind: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave before for the same key (``fanzha._cache``)."""
    from fanzha import _cache

    hit = _cache.load(kind, key)
    if hit is not None:
        return cast(T, hit["value"])
    value = compute()
    _cache.store(kind, key, {"value": value})
    return value


@functools.lru_cache(maxsize=16)
def _cmap(path: str, index: int) -> Coverage:
    """Code points a face covers: its cmap table read directly (a few ms, nothing cached);
    fontTools (cached as ranges) for a font that reader leaves to it."""
    found = cmap_coverage(path, index)
    if found is not None:
        return found

    def read() -> list[list[int]]:
        from fontTools.ttLib import TTCollection, TTFont

        if path.lower().endswith((".ttc", ".otc")):
            face = TTCollection(path, lazy=True).fonts[index]
        else:
            face = TTFont(path, lazy=True)
        return _ranges(sorted(face.getBestCmap() or {}))

    return Coverage.of(_cached("font-cmap", _font_key(path, str(index)), read))


def _ranges(points: list[int]) -> list[list[int]]:
    """Sorted code points as [first, last] runs."""
    runs: list[list[int]] = []
    for c in points:
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return runs


def _face_index(path: Path) -> int:
    """The Simplified Chinese face of a collection (Noto's .ttc holds JP, KR, SC, …), else 0."""
    if path.name == PACKAGE_FONT:
        return SC_INDEX
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    return _collection_index(str(path), SC_FAMILY)


def _index_by_names(path: str, family: str) -> int | None:
    """What fontTools would answer, from names read directly (None: a face needs fontTools)."""
    count = face_count(path)
    if count is None:
        return None
    for i in range(count):
        names = english_names(path, i, (1,))
        if names is None:
            return None
        if names[1] == family:
            return i
    return 0


@functools.lru_cache(maxsize=16)
def _collection_index(path: str, family: str) -> int:
    """The first face of a collection whose family is ``family``, else 0."""
    found = _index_by_names(path, family)
    if found is not None:
        return found

    def read() -> int:
        from fontTools.ttLib import TTCollection

        for i, face in enumerate(TTCollection(path, lazy=True).fonts):
            if face["name"].getDebugName(1) == family:
                return i
        return 0

    return _cached("font-index", _font_key(path, family), read)


def _weight_file(path: Path, weight: str) -> Path:
    """The file of a weight: a static family keeps each weight in its own file."""
    if "-Regular." not in path.name:
        return path
    other = path.with_name(
        path.name.replace("-Regular.", f"-{STATIC_WEIGHTS.get(weight, 'Regular')}.")
    )
    return other if other.is_file() else path


@functools.lru_cache(maxsize=16)
def font_info(path: Path) -> dict[str, str]:
    """Name, version, licence and file of the face a FontSet draws with (for manifests)."""
    names = english_names(str(path), _face_index(path), INFO_NAMES)
    if names is not None:
        return _info(path, names)
    return dict(_cached("font-info", _font_key(str(path), "info"), lambda: _read_info(path)))


def _read_info(path: Path) -> dict[str, str]:
    from fontTools.ttLib import TTCollection, TTFont

    index = _face_index(path)
    if path.suffix.lower() in (".ttc", ".otc"):
        face = TTCollection(str(path), lazy=True).fonts[index]
    else:
        face = TTFont(str(path), lazy=True)
    return _info(path, {i: face["name"].getDebugName(i) for i in INFO_NAMES})


def _info(path: Path, name: dict[int, str | None]) -> dict[str, str]:
    """The manifest's font facts from the name IDs 4 (full name), 5 (version), 13 and 14
    (licence and its address)."""
    licence = str(name[13] or "")
    if "SIL Open Font License" in licence:
        licence = "OFL-1.1" if "1.1" in licence else "OFL"
    return {
        "name": str(name[4] or path.stem),
        "version": str(name[5] or "").split(";")[0],
        "licence": licence or "unknown",
        "licence_url": str(name[14] or ""),
        "file": path.name,
    }


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

    @property
    def key(self) -> str:
        """Which fonts these are, for render cache keys: each face's name, version and file
        size (another FANZHA_FONT or an updated font misses the cache instead of answering
        images drawn with the old one; the same font installed elsewhere still hits)."""
        faces = [self.path] if self.fallback is None else [self.path, self.fallback]
        return "|".join(
            f"{font_info(p).get('name', p.name)};{font_info(p).get('version', '')};"
            f"{p.stat().st_size}"
            for p in faces
        )

    @property
    def info(self) -> dict[str, str]:
        """The main face's name, version and licence (recorded in every manifest)."""
        return font_info(self.path)

    def face(self, size: int, weight: str = "Regular") -> ImageFont.FreeTypeFont:
        """The main face at a pixel size and named weight (cached)."""
        path = _weight_file(self.path, weight)
        return _load(str(path), _face_index(path), int(size), weight)

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
