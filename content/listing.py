"""Plain-text tables for `fanzha content list`, aligned for CJK text in a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from content.limits import display_width

COLUMNS = ("id", "scam", "audiences", "locales", "variants", "status", "expires")


def _cells(text: str) -> int:
    """Terminal cells a string takes (a CJK character takes two)."""
    return int(display_width(text) * 2)


def format_table(rows: Sequence[dict[str, str]], columns: Sequence[str] = COLUMNS) -> list[str]:
    """Rows as aligned text lines with a header (CJK counted as two cells)."""
    widths = {c: max([_cells(c), *(_cells(str(r.get(c, ""))) for r in rows)]) for c in columns}

    def line(values: dict[str, str]) -> str:
        parts = [str(values.get(c, "")) for c in columns]
        padded = [p + " " * (widths[c] - _cells(p)) for c, p in zip(columns, parts, strict=True)]
        return "  ".join(padded).rstrip()

    header = line({c: c for c in columns})
    rule = "  ".join("-" * widths[c] for c in columns)
    return [header, rule, *(line(r) for r in rows)]
