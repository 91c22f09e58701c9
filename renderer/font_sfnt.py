"""A face's tables and names read straight from its file, as fontTools would find them.

The renderer needs a few facts of its font on every first run: which face of a collection is
Simplified Chinese, and the name, version and licence for the manifest. fontTools answers
them after importing itself and its table modules (about a tenth of a second); these reads
take a millisecond. They answer only where fontTools would give the same answer without any
of its repairs (an English Windows name that decodes cleanly as UTF-16); anything else gives
None and the caller asks fontTools.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

__all__ = ["english_names", "face_count", "face_table"]

_COLLECTION = (".ttc", ".otc")
_SFNT = (b"\x00\x01\x00\x00", b"OTTO", b"true")
_UTF16 = (0, 1, 10)  # Windows encodings fontTools reads as UTF-16BE
WINDOWS_ENGLISH = (3, 0x409)


def face_table(path: str, index: int, tag: bytes) -> bytes | None:
    """A table's bytes (None: no such table, or a file fontTools must read)."""
    try:
        with open(path, "rb") as file:
            return _table(file, path, index, tag)
    except (OSError, struct.error):
        return None


def _table(file: BinaryIO, path: str, index: int, tag: bytes) -> bytes | None:
    head = file.read(12)
    collection = path.lower().endswith(_COLLECTION)
    if collection != (head[:4] == b"ttcf"):
        return None  # fontTools reads a file by its name: a mismatch is its to report
    if collection:
        (count,) = struct.unpack(">L", head[8:12])
        if not 0 <= index < count:
            return None
        file.seek(12 + 4 * index)
        (start,) = struct.unpack(">L", file.read(4))
        file.seek(start)
        head = file.read(12)
    if head[:4] not in _SFNT:
        return None  # WOFF, WOFF2 or not a font
    (count,) = struct.unpack(">H", head[4:6])
    raw = file.read(16 * count)
    records = (struct.unpack_from(">4sLLL", raw, 16 * i) for i in range(count))
    directory = {found: (offset, length) for found, _, offset, length in records}
    if tag not in directory or b"DMAP" in directory:  # fontTools lays a DMAP over the cmap
        return None
    offset, length = directory[tag]
    file.seek(offset)
    data = file.read(length)
    return data if len(data) == length else None


def english_names(path: str, index: int, ids: tuple[int, ...]) -> dict[int, str | None] | None:
    """fontTools' ``getDebugName`` of each name ID (None: the font has no such name), or
    None when one of them needs fontTools' rules (no clean English Windows name)."""
    data = face_table(path, index, b"name")
    if data is None:
        return None
    try:
        _, count, strings = struct.unpack_from(">HHH", data)
        found: dict[int, list[tuple[int, int, int, bytes]]] = {}
        for i in range(count):
            if 6 + 12 * (i + 1) > len(data):
                break  # fontTools skips a truncated record
            pid, eid, lang, nid, length, offset = struct.unpack_from(">6H", data, 6 + 12 * i)
            if nid in ids and offset + length <= len(data) - strings:
                raw = data[strings + offset : strings + offset + length]
                found.setdefault(nid, []).append((pid, eid, lang, raw))
    except struct.error:
        return None
    names: dict[int, str | None] = {}
    for nid in ids:
        records = found.get(nid, [])
        if not records:
            names[nid] = None
            continue
        first = next((r for r in records if (r[0], r[2]) == WINDOWS_ENGLISH), None)
        if first is None or first[1] not in _UTF16 or len(first[3]) % 2:
            return None
        try:
            text = first[3].decode("utf_16_be")
        except UnicodeDecodeError:
            return None
        if not text or "\0" in text:
            return None  # fontTools would look further, or repair it
        names[nid] = text
    return names


def face_count(path: str) -> int | None:
    """How many faces a collection file holds (None: not a collection fontTools would read)."""
    try:
        with open(path, "rb") as file:
            head = file.read(12)
    except OSError:
        return None
    if head[:4] != b"ttcf" or len(head) < 12:
        return None
    return int(struct.unpack(">L", head[8:12])[0])
