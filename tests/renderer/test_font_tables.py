"""The font facts read straight from the file are fontTools' answers: the same characters, the
same names, the same face of a collection; fonts the direct reads leave alone go to fontTools."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from fanzha.renderer import fonts
from fanzha.renderer.font_cmap import Coverage, cmap_coverage, table_coverage
from fanzha.renderer.font_sfnt import english_names
from fontTools.fontBuilder import FontBuilder
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.tables._c_m_a_p import table__c_m_a_p
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NAME_IDS = (1, 4, 5, 13, 14, 16)


def renderer_fonts() -> list[tuple[str, int]]:
    """Every face of every font file the renderer may draw with on this machine."""
    paths = {*fonts.SYSTEM_NOTO, *fonts.SYSTEM_CJK, *fonts.FALLBACK_FACES}
    paths |= {str(fonts.find_font()), str(fonts._package_font() or "")}
    faces = []
    for path in sorted(p for p in paths if p and Path(p).is_file()):
        count = len(TTCollection(path, lazy=True).fonts) if path.endswith(".ttc") else 1
        faces += [(path, i) for i in range(count)]
    return faces


def fonttools_face(path: str, index: int) -> TTFont:
    return TTCollection(path, lazy=True).fonts[index] if path.endswith(".ttc") else TTFont(path)


def runs_of(coverage: Coverage) -> list[list[int]]:
    """The covered code points as maximal runs (as fonts._ranges gives them)."""
    runs: list[list[int]] = []
    for first, last in zip(coverage.starts, coverage.ends, strict=True):
        if runs and first == runs[-1][1] + 1:
            runs[-1][1] = last
        else:
            runs.append([first, last])
    return runs


FACES = renderer_fonts()


@pytest.mark.parametrize(("path", "index"), FACES)
def test_a_face_covers_what_fonttools_maps(path: str, index: int) -> None:
    coverage = cmap_coverage(path, index)
    assert coverage is not None  # the fonts a bank installs need no fontTools
    expected = sorted(fonttools_face(path, index).getBestCmap() or {})
    assert runs_of(coverage) == fonts._ranges(expected)


@pytest.mark.parametrize(("path", "index"), FACES)
def test_a_face_has_the_names_fonttools_reads(path: str, index: int) -> None:
    name = fonttools_face(path, index)["name"]
    assert english_names(path, index, NAME_IDS) == {i: name.getDebugName(i) for i in NAME_IDS}


def test_the_simplified_chinese_face_is_found_without_fonttools(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collections = [p for p in fonts.SYSTEM_NOTO if Path(p).is_file()]
    if not collections:
        pytest.skip("fonts-noto-cjk not installed")
    path = collections[0]
    fonts._collection_index.cache_clear()
    monkeypatch.setattr(fonts, "_cached", refuse)
    try:
        assert fonts._collection_index(path, fonts.SC_FAMILY) == 2  # JP, KR, SC, …
    finally:
        fonts._collection_index.cache_clear()


def refuse(*args: object) -> None:
    raise AssertionError("fontTools was asked")


def built_font(tmp_path: Path, cmap: dict[int, str], mac_names_only: bool = False) -> Path:
    """A small TrueType font with this character map (fontTools compiles formats 4 and 12)."""
    glyphs = [".notdef", *sorted(set(cmap.values()))]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(glyphs)
    fb.setupCharacterMap(cmap)
    fb.setupGlyf({g: _empty_glyph() for g in glyphs})
    fb.setupHorizontalMetrics({g: (500, 0) for g in glyphs})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable(
        {"familyName": "Probe", "styleName": "Regular", "fullName": "Probe Regular"},
        windows=not mac_names_only,
        mac=True,
    )
    fb.setupOS2()
    fb.setupPost()
    path = tmp_path / "probe.ttf"
    fb.save(str(path))
    return path


def _empty_glyph():  # type: ignore[no-untyped-def]
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    return TTGlyphPen(None).glyph()


CODES = st.one_of(
    st.integers(0x20, 0x7F),
    st.integers(0x4E00, 0x4E40),
    st.integers(0xFFF0, 0xFFFF),
    st.integers(0x1F300, 0x1F340),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mapping=st.dictionaries(CODES, st.integers(1, 12), max_size=60))
def test_any_compiled_cmap_reads_as_fonttools_reads_it(
    tmp_path: Path, mapping: dict[int, int]
) -> None:
    path = built_font(tmp_path, {c: f"g{g}" for c, g in mapping.items()})
    coverage = cmap_coverage(str(path), 0)
    assert coverage is not None
    assert runs_of(coverage) == fonts._ranges(sorted(TTFont(str(path)).getBestCmap() or {}))


GROUP = st.tuples(st.integers(0, 0x110010), st.integers(0, 0x110010), st.integers(0, 40))


@settings(max_examples=200, deadline=None)
@given(groups=st.lists(GROUP, max_size=12), fmt=st.sampled_from([12, 13]))
def test_any_format_12_or_13_table_reads_as_fonttools_reads_it(
    groups: list[tuple[int, int, int]], fmt: int
) -> None:
    """Well formed or not (backward, inverted, past U+10FFFF, glyph 0): the same answer."""
    groups = [(a, min(b, a + 300), g) for a, b, g in groups]  # keep fontTools' expansion small
    body = struct.pack(">HHLLL", fmt, 0, 16 + 12 * len(groups), 0, len(groups))
    body += b"".join(struct.pack(">LLL", *g) for g in groups)
    assert_same_as_fonttools(body)


SEGMENT = st.tuples(st.integers(0, 0xFFFF), st.integers(0, 40), st.integers(0, 0xFFFF))


@settings(max_examples=200, deadline=None)
@given(segments=st.lists(SEGMENT, max_size=8), glyphs=st.lists(st.integers(0, 50), max_size=60))
def test_any_format_4_table_reads_as_fonttools_reads_it(
    segments: list[tuple[int, int, int]], glyphs: list[int]
) -> None:
    """Deltas and glyph index arrays, overlapping segments, the final segment skipped."""
    n = len(segments) + 1  # and the final 0xFFFF segment
    ends = [min(s + length, 0xFFFF) for s, length, _ in segments] + [0xFFFF]
    starts = [s for s, _, _ in segments] + [0xFFFF]
    deltas = [d for _, _, d in segments] + [1]
    # every other segment reads the glyph index array, its first code at the array's start
    offsets = [2 * (n - i) if i % 2 else 0 for i in range(len(segments))] + [0]
    words = [*ends, 0, *starts, *deltas, *offsets, *glyphs]
    body = struct.pack(">7H", 4, 14 + 2 * len(words), 0, 2 * n, 0, 0, 0)
    assert_same_as_fonttools(body + struct.pack(f">{len(words)}H", *words))


def assert_same_as_fonttools(subtable: bytes) -> None:
    """The direct read of a cmap holding this Windows Unicode subtable, against fontTools'
    (or both refusing)."""
    fmt = struct.unpack(">H", subtable[:2])[0]
    platform = (3, 10) if fmt != 4 else (3, 1)
    table = struct.pack(">HHHHL", 0, 1, *platform, 12) + subtable
    font = TTFont()
    font.setGlyphOrder([".notdef", *(f"g{i}" for i in range(1, 1000))])
    try:
        cmap = table__c_m_a_p()
        cmap.decompile(table, font)
        expected = fonts._ranges(sorted(cmap.getBestCmap() or {}))
    except Exception:
        expected = None
    mine = table_coverage(table)
    if expected is None:
        assert mine is None
    else:
        assert mine is not None and runs_of(mine) == expected


def test_a_font_without_english_windows_names_goes_to_fonttools(tmp_path: Path) -> None:
    path = built_font(tmp_path, {0x4E2D: "g1"}, mac_names_only=True)
    assert english_names(str(path), 0, (4,)) is None
    fonts.font_info.cache_clear()
    try:
        assert fonts.font_info(path)["name"] == "Probe Regular"  # the Mac name, as fontTools reads
    finally:
        fonts.font_info.cache_clear()


def test_a_woff_file_goes_to_fonttools(tmp_path: Path) -> None:
    source = built_font(tmp_path, {0x4E2D: "g1", 0x41: "g2"})
    font = TTFont(str(source))
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    woff = tmp_path / "probe.woff"
    woff.write_bytes(out.getvalue())
    assert cmap_coverage(str(woff), 0) is None
    fonts._cmap.cache_clear()
    try:
        covered = fonts._cmap(str(woff), 0)
        assert 0x4E2D in covered and 0x41 in covered and 0x42 not in covered
    finally:
        fonts._cmap.cache_clear()
