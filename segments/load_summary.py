"""What a customer load reports: its counts, the rows it set aside, and how a command shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class LoadSummary:
    """Counts of one load: rows read, loaded and rejected, and rejections by reason."""

    source: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    by_reason: dict[str, int] = field(default_factory=dict)
    missing_columns: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()
    encoding: str = ""  # how a CSV file was read ("UTF-8", "GB18030", …); "" otherwise
    unit: str = "row"  # what ``row`` numbers in the rejected rows: "line" for CSV
    id_column: str = "customer_id"

    def __str__(self) -> str:
        lines = [
            f"{self.source}: {self.rows_read} rows read, {self.rows_loaded} loaded, "
            f"{self.rows_rejected} rejected"
            + (f" (read as {self.encoding})" if self.encoding else "")
        ]
        lines += [f"  {count:>8}  {reason}" for reason, count in sorted(self.by_reason.items())]
        if self.missing_columns:
            lines.append("  columns absent (all null): " + ", ".join(self.missing_columns))
        return "\n".join(lines)


@dataclass(frozen=True)
class LoadResult:
    """Usable rows in the schema's types, rejected rows with ``row`` and ``reason``, summary."""

    frame: pd.DataFrame
    rejected: pd.DataFrame
    summary: LoadSummary

    def describe(self, rejected_path: str | Path | None = None, limit: int = 5) -> str:
        """What a command prints about the load: the encoding and the first rejected rows."""
        return describe_load(self.summary, self.rejected, rejected_path, limit)


def write_rejected(rejected: pd.DataFrame, path: Path) -> None:
    """Rejected rows as CSV (or Parquet by extension), always written, even when empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        rejected.to_parquet(path, index=False)
    else:
        rejected.to_csv(path, index=False)


def describe_load(
    summary: LoadSummary,
    rejected: pd.DataFrame,
    rejected_path: str | Path | None = None,
    limit: int = 5,
) -> str:
    """The encoding a CSV file was read in, and the first ``limit`` rejected rows with why."""
    lines = []
    if summary.encoding and summary.encoding != "UTF-8":
        lines.append(f"read {summary.source} as {summary.encoding}")
    if summary.rows_rejected:
        where = f" (all of them, with reasons, in {rejected_path})" if rejected_path else ""
        lines.append(
            f"{summary.rows_rejected} customer row(s) rejected, not used{where}"
            + (f"; the first {limit}:" if summary.rows_rejected > limit else ":")
        )
        ids = rejected.get(summary.id_column, pd.Series("", index=rejected.index))
        for row, cid, reason in zip(
            rejected["row"][:limit], ids[:limit], rejected["reason"][:limit], strict=True
        ):
            shown = cid if isinstance(cid, str) and cid not in ("", "nan") else "(no id)"
            lines.append(f"  {summary.unit} {row}: {shown}: {reason}")
    return "\n".join(lines)
