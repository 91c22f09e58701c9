"""Which text encoding a customer CSV is in, and its lines that cannot be read.

Chinese Excel saves CSV as GB18030 (GBK), or as UTF-16 for "Unicode text"; other tools
write UTF-8, with or without a byte-order mark. ``sniff`` looks at the start of the
file; ``clean_lines`` is the careful path for a file with unreadable or oversized lines:
it sets those lines aside (with their line numbers) and returns the rest as UTF-8.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from fanzha.segments.errors import SchemaError

MAX_LINE_BYTES = 1 << 20  # a customer row is a few hundred bytes; 1 MiB is surely not one
SAMPLE_BYTES = 1 << 20
_CHUNK = 1 << 18  # the careful path decodes this much at a time
_MAX_BAD_LINES = 1000  # more unreadable lines than this: the file is in another encoding
_GB_FAMILY = ("gb18030", "gbk", "gb2312", "cp936", "hz")
_SHOWN = 200  # characters of an unreadable line kept in the rejected rows


@dataclass(frozen=True)
class Encoding:
    """A supported encoding: the Python codec to read it with, and its name for people."""

    codec: str
    label: str


UTF8 = Encoding("utf-8", "UTF-8")


@dataclass
class CleanText:
    """UTF-8 text without the unreadable lines, the line number of each kept line, and why."""

    data: bytes
    lines: np.ndarray
    encoding: Encoding
    bad_lines: list[dict[str, Any]] = field(default_factory=list)


def _convert_hint(path: Path, name: str) -> str:
    target = path.with_name(path.stem + "-utf8.csv")
    return f"convert it with: iconv -f {name} -t UTF-8 '{path}' > '{target}'"


def refuse(path: Path, found: str | None) -> SchemaError:
    """The error for a file in an encoding fanzha does not read."""
    if found is None:
        return SchemaError(
            f"{path}: not text in UTF-8, GB18030 (GBK) or UTF-16; save it from Excel as "
            '"CSV UTF-8 (comma delimited)"'
        )
    name = found.upper().replace("_", "-")
    return SchemaError(
        f"{path}: the file is in {name}, not UTF-8, GB18030 (GBK) or UTF-16; "
        + _convert_hint(path, name)
    )


def guess(data: bytes) -> str | None:
    """The most likely encoding of some bytes (charset-normalizer), as a Python codec name."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else codecs.lookup(best.encoding).name


def _cjk_share(text: str) -> float:
    """The share of a text's non-ASCII characters that are Chinese (1.0 when there are none)."""
    wide = [c for c in text if ord(c) > 127]
    chinese = sum(
        "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
        for c in wide
    )  # ideographs, CJK punctuation, full-width forms (not kana: Big5 misread as GBK has it)
    return chinese / len(wide) if wide else 1.0


def _looks_chinese(data: bytes) -> bool:
    """True when the bytes are valid GB18030 and what is not ASCII reads as Chinese."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return not text.isascii() and _cjk_share(text) >= 0.9


def _from_guess(path: Path, data: bytes) -> Encoding:
    """GB18030 when the bytes read as Chinese in it; otherwise refuse, naming the encoding.

    A few Chinese words are little evidence: charset-normalizer may rank Big5, CP932 or a
    code page first. Bytes that read as well in GB18030, or read as plain Chinese there,
    are GB18030 (what a mainland bank's Excel writes); the screen names the encoding used.
    """
    from charset_normalizer import from_bytes

    found = list(from_bytes(data))
    best = found[0] if found else None
    gb = [m for m in found if _name(m.encoding) in _GB_FAMILY]
    if best is not None and any(m.chaos <= best.chaos for m in gb):
        return Encoding("gb18030", "GB18030")
    if _looks_chinese(data[:SAMPLE_BYTES]):
        return Encoding("gb18030", "GB18030")
    raise refuse(path, None if best is None else codecs.lookup(best.encoding).name)


def _name(encoding: str) -> str:
    return codecs.lookup(encoding).name.replace("-", "").replace("_", "")


def sniff(path: Path) -> Encoding:
    """The encoding of a CSV file, from its first megabyte; SchemaError for other ones."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        more = bool(handle.read(1))
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise SchemaError(
            f"{path}: this is an Excel workbook, not CSV text; in Excel choose "
            'File > Save As > "CSV UTF-8 (comma delimited)"'
        )
    if head.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8", "UTF-8 with BOM")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        order = "LE" if head.startswith(codecs.BOM_UTF16_LE) else "BE"
        return Encoding("utf-16", f"UTF-16 {order}")
    pairs = np.frombuffer(head[: min(len(head), 4096) // 2 * 2], np.uint8).reshape(-1, 2) == 0
    if len(pairs) and pairs.mean(axis=0).max() > 0.3:  # ASCII in UTF-16 without a BOM
        order = "le" if pairs[:, 1].sum() >= pairs[:, 0].sum() else "be"
        return Encoding(f"utf-16-{order}", f"UTF-16 {order.upper()} (no BOM)")
    if more:  # a multi-byte character may be cut at the sample's end
        head = head[: head.rfind(b"\n") + 1] or head
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # GB18030 bytes can be valid UTF-8 by accident (short names especially): UTF-8 that
        # holds no Chinese at all but reads as Chinese in GB18030 is GB18030
        if _cjk_share(text) == 0 and not text.isascii() and _looks_chinese(head):
            return Encoding("gb18030", "GB18030")
        return UTF8
    if _looks_chinese(head):
        # every line reads as Chinese in GB18030 and some are not UTF-8: the lines that are
        # valid UTF-8 are so by accident (genuine UTF-8 Chinese rarely decodes in GB18030)
        return Encoding("gb18030", "GB18030")
    readable, unreadable = 0, []
    for line in head.split(b"\n"):  # the sample only: at most a megabyte
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            readable += 1
        except UnicodeDecodeError:
            unreadable.append(line)
    if readable >= len(unreadable):  # UTF-8 with a few foreign lines: those are rejected
        return UTF8
    return _from_guess(path, b"\n".join(unreadable))


def _line_starts(data: bytes) -> np.ndarray:
    """Byte offset of each line's start (a final newline does not open another line)."""
    newlines = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
    starts = np.concatenate(([0], newlines + 1))
    return starts[:-1] if len(data) and starts[-1] == len(data) else starts


def _undecodable(data: bytes, starts: np.ndarray, codec: str) -> tuple[list[int], bool]:
    """Lines that do not decode (a loop over bad lines only), and whether any non-ASCII did."""
    view = memoryview(data)
    bad: list[int] = []
    readable = False
    ends = np.append(starts[1:], len(data))
    first = np.unique(np.searchsorted(starts, np.arange(0, len(data), _CHUNK)))
    chunk_starts = starts[first[first < len(starts)]]
    for begin, end in zip(chunk_starts, np.append(chunk_starts[1:], len(data)), strict=True):
        pos = int(begin)
        while pos < end:
            try:
                readable |= not codecs.decode(view[pos:end], codec).isascii()
                break
            except UnicodeDecodeError as exc:
                line = int(np.searchsorted(starts, pos + exc.start, side="right") - 1)
                readable |= not codecs.decode(view[pos : starts[line]], codec).isascii()
                bad.append(line)
                if len(bad) > _MAX_BAD_LINES:
                    return bad, readable
                pos = int(ends[line])
    return bad, readable


def clean_lines(path: Path, encoding: Encoding) -> CleanText:
    """Every line of a CSV file as UTF-8, except unreadable or oversized ones (set aside)."""
    data = path.read_bytes()
    label, read_as = encoding.label, encoding
    if encoding.codec.startswith("utf-16"):
        try:
            data = data.decode(encoding.codec).encode("utf-8")
        except UnicodeDecodeError as exc:
            raise SchemaError(
                f"{path}: not valid {label} at byte {exc.start}; save it again from Excel as "
                '"CSV UTF-8 (comma delimited)"'
            ) from None
        encoding = UTF8
    elif data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    starts = _line_starts(data)
    ends = np.append(starts[1:], len(data))
    long = np.flatnonzero(ends - starts > MAX_LINE_BYTES)
    unreadable, readable = _undecodable(data, starts, encoding.codec)
    if unreadable and not readable and encoding.codec == "utf-8":
        # every non-ASCII line is unreadable: the file is in another encoding
        sample = b"\n".join(data[starts[i] : ends[i]] for i in unreadable[:200])
        return clean_lines(path, _from_guess(path, sample))
    if len(unreadable) > _MAX_BAD_LINES:
        sample = b"\n".join(data[starts[i] : ends[i]] for i in unreadable[:200])
        found = guess(sample)
        like = f" (they look like {found.upper()})" if found else ""
        raise SchemaError(
            f"{path}: more than {_MAX_BAD_LINES} lines are not {label} text{like}; save the "
            'whole file in one encoding, best as "CSV UTF-8 (comma delimited)"'
        )
    bad = sorted(set(unreadable) | set(long.tolist()))
    if bad and bad[0] == 0:
        raise SchemaError(f"{path}: line 1 (the header) is not readable {label} text")
    pieces, rejected, begin, undecodable = [], [], 0, set(unreadable)
    for i in bad:  # a loop over the bad lines only
        pieces.append(data[int(starts[begin]) : int(starts[i])] if begin < i else b"")
        text = data[int(starts[i]) : int(ends[i])]
        kind, reason, shown = _why(text, i in undecodable, label, encoding.codec)
        rejected.append({"row": i + 1, "reason": reason, "line": shown, "kind": kind})
        begin = i + 1
    pieces.append(data[int(starts[begin]) :] if begin < len(starts) else b"")
    kept = b"".join(pieces) if bad else data
    if encoding.codec != "utf-8":
        kept = kept.decode(encoding.codec).encode("utf-8")
    lines = np.delete(np.arange(1, len(starts) + 1), bad)
    return CleanText(kept, lines, read_as, rejected)


def _why(text: bytes, unreadable: bool, label: str, codec: str) -> tuple[str, str, str]:
    """Summary key, reason and a readable excerpt of a line that was set aside."""
    shown = text[: _SHOWN * 4].decode(codec, "replace")[:_SHOWN].rstrip("\r\n")
    if len(text) > MAX_LINE_BYTES:
        reason = (
            f"line too long: {len(text) / 2**20:.1f} MB; a customer row is at most "
            f"{MAX_LINE_BYTES // 2**20} MB"
        )
        return "line too long", reason, shown
    kind = f"not {label} text"
    if unreadable and codec == "utf-8":
        try:
            shown = text.decode("gb18030")[:_SHOWN].rstrip("\r\n")
            return kind, f"{kind} (this line is GB18030/GBK: save the whole file as UTF-8)", shown
        except UnicodeDecodeError:
            pass
    return kind, kind, shown
