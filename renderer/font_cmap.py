"""Which characters a face has, read straight from its cmap table: a few reads, no font parser.

fontTools' ``getBestCmap`` decodes every mapping to a glyph name (for a CFF font, the glyph
names too) to answer it: a tenth of a second for a CJK font on a first render, where the
answer is only which code points map to a glyph. This reads the same subtable, chosen in
the same order, and answers for the same code points, for the formats fonts use for
Unicode (4, 12 and 13). A well-formed format 12 table (every CJK font's) is searched as it
lies, by bisection, without a pass over its tens of thousands of groups. Anything else (another
format, a WOFF file, a table fontTools would refuse) gives None, and the caller asks fontTools.
"""

from __future__ import annotations

import bisect
import operator
import struct
import sys
from array import array
from dataclasses import dataclass

from fanzha.renderer.font_sfnt import face_table

__all__ = ["PREFERENCES", "Coverage", "cmap_coverage", "table_coverage"]

# fontTools' getBestCmap order (HarfBuzz's): the largest repertoire first, Windows first.
PREFERENCES = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


@dataclass(frozen=True)
class Coverage:
    """Code points as sorted, disjoint runs ``starts[i]..ends[i]``; ``c in coverage`` bisects."""

    starts: array[int]
    ends: array[int]

    @classmethod
    def of(cls, runs: list[list[int]]) -> Coverage:
        """From sorted, disjoint ``[first, last]`` runs."""
        return cls(array("I", (r[0] for r in runs)), array("I", (r[1] for r in runs)))

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, int):
            return False
        i = bisect.bisect_right(self.starts, code) - 1
        return i >= 0 and code <= self.ends[i]

    def __len__(self) -> int:
        return sum(self.ends) - sum(self.starts) + len(self.starts)


def cmap_coverage(path: str, index: int) -> Coverage | None:
    """The code points the face maps to a glyph (fontTools' getBestCmap keys), or None."""
    table = face_table(path, index, b"cmap")
    return None if table is None else table_coverage(table)


def table_coverage(data: bytes) -> Coverage | None:
    """The coverage of a cmap table's bytes (None: a table to leave to fontTools)."""
    try:
        return _best(data)
    except (struct.error, ValueError, IndexError):
        return None


def _best(data: bytes) -> Coverage | None:
    """The coverage of the first subtable, in PREFERENCES order, that fontTools would pick."""
    _, count = struct.unpack_from(">HH", data)
    records = [struct.unpack_from(">HHL", data, 4 + 8 * i) for i in range(count)]
    for platform, encoding in PREFERENCES:
        for pid, eid, offset in records:
            if (pid, eid) != (platform, encoding):
                continue
            fmt, length = struct.unpack_from(">HH", data, offset)
            if fmt in (12, 13):
                (length,) = struct.unpack_from(">L", data, offset + 4)
            if not length:
                continue  # fontTools skips an empty subtable and looks further
            if offset + length > len(data):
                return None
            body = data[offset : offset + length]
            if fmt == 4:
                return Coverage.of(_merge(_format_4(body)))
            if fmt in (12, 13):
                return _format_12_or_13(body, fmt)
            return None  # a format only fontTools reads
    return Coverage.of([])


def _words(data: bytes, code: str) -> array[int]:
    values = array(code, data)
    if sys.byteorder != "big":
        values.byteswap()
    return values


def _format_4(body: bytes) -> list[tuple[int, int]]:
    """Spans of a format 4 subtable, by fontTools' rules (the last segment, 0xFFFF, skipped;
    a code whose glyph works out to 0 maps nothing)."""
    (seg_x2,) = struct.unpack_from(">H", body, 6)
    codes = _words(body[14:], "H")  # ValueError on an odd length, as fontTools
    segs = seg_x2 // 2
    end, rest = codes[:segs], codes[segs + 1 :]
    start, rest = rest[:segs], rest[segs:]
    delta, rest = rest[:segs], rest[segs:]
    range_offset, glyphs = rest[:segs], rest[segs:]
    spans: list[tuple[int, int]] = []
    for i in range(len(start) - 1):
        first, last = start[i], end[i]
        if range_offset[i] == 0:
            zero = -delta[i] & 0xFFFF  # the one code whose glyph would be 0
            if first <= zero <= last:
                spans += [(first, zero - 1), (zero + 1, last)]
            else:
                spans.append((first, last))
            continue
        partial = range_offset[i] // 2 - first + i - len(range_offset)
        if first <= last and not (0 <= first + partial and last + partial < len(glyphs)):
            raise IndexError("glyph index array offset out of range")  # fontTools refuses
        spans += [
            (c, c)
            for c in range(first, last + 1)
            if glyphs[c + partial] and (glyphs[c + partial] + delta[i]) & 0xFFFF
        ]
    return spans


def _format_12_or_13(body: bytes, fmt: int) -> Coverage | None:
    """A format 12 or 13 subtable's coverage, by fontTools' rules (groups clamped to U+10FFFF,
    an inverted or backward group skipped, glyph 0 mapping nothing)."""
    length, _, count = struct.unpack_from(">LLL", body, 4)
    if length != len(body) or length != 16 + 12 * count:
        return None
    groups = _words(body[16:], "I")
    starts, ends, glyphs = groups[0::3], groups[1::3], groups[2::3]
    if (  # well formed, as fonts are: the groups are the runs (C-speed checks, no loop)
        0 not in glyphs
        and all(map(operator.le, starts, ends))
        and all(map(operator.lt, ends[:-1], starts[1:]))
        and (not ends or ends[-1] <= 0x10FFFF)
    ):
        return Coverage(starts, ends)
    spans: list[tuple[int, int]] = []
    last_end = 0
    for first, last, glyph in zip(starts, ends, glyphs, strict=True):
        last = min(last, 0x10FFFF)
        if first > last or first < last_end:
            continue
        last_end = last
        if glyph == 0:
            if fmt == 13:
                continue
            first += 1
        spans.append((first, last))
    return Coverage.of(_merge(spans))


def _merge(spans: list[tuple[int, int]]) -> list[list[int]]:
    """Spans (in any order, overlapping or not) as sorted, disjoint, non-adjacent runs."""
    runs: list[list[int]] = []
    for first, last in sorted(spans):
        if first > last:
            continue  # an empty span
        if runs and first <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last])
    return runs
