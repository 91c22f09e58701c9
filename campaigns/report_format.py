"""Formatting shared by the report's sections: percentages, estimates, p-values, tables."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from fanzha.campaigns import stats as S

__all__ = ["est", "pct", "pval", "table"]


def pct(v: float | None, digits: int = 2) -> str:
    """A proportion as a percentage."""
    return "—" if v is None or math.isnan(v) else f"{v * 100:.{digits}f}%"


def est(e: S.Estimate | None, scale: float = 100, digits: int = 2, unit: str = "") -> str:
    """A value with its interval."""
    if e is None or not math.isfinite(e.value):
        return "—"
    high = "∞" if math.isinf(e.high) else f"{e.high * scale:,.{digits}f}"
    return f"{e.value * scale:,.{digits}f}{unit} [{e.low * scale:,.{digits}f}, {high}]"


def pval(p: float | None) -> str:
    """A p-value as people read it."""
    if p is None or math.isnan(p):
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    left: int = 1,
    total: bool = False,
    wrap: bool = False,
) -> str:
    """A scrolling table; the first ``left`` columns are text."""
    head = "".join(
        f"<th class='l'>{html.escape(h)}</th>" if i < left else f"<th>{html.escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for r_i, row in enumerate(rows):
        cls = " class='total'" if total and r_i == len(rows) - 1 else ""
        cells = "".join(
            f"<td class='l'>{_cell(c)}</td>" if i < left else f"<td>{_cell(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    cls = " class='wrap'" if wrap else ""
    return f"<div class='scroll'><table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


def _cell(c: Any) -> str:
    if isinstance(c, bool):
        return "✔" if c else ""
    if isinstance(c, int):
        return f"{c:,}"
    return html.escape(str(c))
