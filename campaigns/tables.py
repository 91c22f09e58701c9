"""Plain text tables for results that render themselves (display-width aware for Chinese)."""

from __future__ import annotations

from collections.abc import Sequence
from unicodedata import east_asian_width

__all__ = ["table"]


def _width(text: str) -> int:
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """Rows under headers, columns padded; numbers right-aligned."""
    cells = [tuple(str(c) for c in headers), *[tuple(str(c) for c in r) for r in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]

    def fmt(row: tuple[str, ...]) -> str:
        parts = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(cell))
            numeric = cell.replace(",", "").replace(".", "").isdigit()
            parts.append(pad + cell if numeric else cell + pad)
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(cells[0]), rule, *(fmt(r) for r in cells[1:])])
