"""Loading customers from CSV, Parquet or a SQL table; unusable rows set aside with a reason."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from fanzha.segments.coerce import Problem, coerce_column, duplicates
from fanzha.segments.errors import SchemaError
from fanzha.segments.schema import CustomerSchema, default_schema


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

    def __str__(self) -> str:
        lines = [
            f"{self.source}: {self.rows_read} rows read, {self.rows_loaded} loaded, "
            f"{self.rows_rejected} rejected"
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


def _read_csv(path: Path) -> tuple[pd.DataFrame, np.ndarray, list[dict[str, Any]]]:
    """Every field as text; lines with the wrong number of fields are collected, not dropped."""
    import pyarrow.csv as pacsv

    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    if not header:
        raise SchemaError(f"{path}: the file is empty (no header line)")
    bad_lines: list[dict[str, Any]] = []

    def on_invalid(row: Any) -> str:
        bad_lines.append(
            {
                "row": row.number,
                "reason": f"malformed line: {row.actual_columns} fields, "
                f"expected {row.expected_columns}",
                "text": row.text,
            }
        )
        return "skip"

    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(use_threads=False),  # so malformed lines carry numbers
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, newlines_in_values=False),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    frame = table.to_pandas()
    lines = np.arange(2, len(frame) + 2 + len(bad_lines))
    if bad_lines:  # data rows after a skipped line sit one line further down
        skipped = np.array(sorted(b["row"] for b in bad_lines if b["row"] is not None))
        lines = np.setdiff1d(lines, skipped)[: len(frame)]
    return frame, lines[: len(frame)], bad_lines


def _read(
    source: Any, table: str | None, columns: list[str] | None, id_column: str
) -> tuple[pd.DataFrame, np.ndarray, list]:
    """Raw frame, 1-based row numbers (file lines for CSV) and malformed lines."""
    if table is not None:
        import sqlalchemy as sa

        engine = sa.create_engine(source) if isinstance(source, str) else source
        try:
            frame = pd.read_sql_table(table, engine, columns=columns)
        finally:
            if isinstance(source, str):
                engine.dispose()
        return frame, np.arange(1, len(frame) + 1), []
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise SchemaError(f"{path}: customers are read from .csv or .parquet, not {suffix!r}")
    if not path.exists():
        raise SchemaError(f"{path}: no such customer file")
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        file_schema = pq.read_schema(path)
        wanted = [c for c in columns if c in file_schema.names] if columns else None
        # low-cardinality text (occupation, locale, …) stays dictionary-coded: far less
        # memory and time than one string per row; the id stays plain text
        text = [
            f.name
            for f in file_schema
            if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        ]
        coded = [c for c in text if c != id_column and (wanted is None or c in wanted)]
        table = pq.read_table(path, columns=wanted, read_dictionary=coded)
        frame = table.to_pandas(split_blocks=True, self_destruct=True)  # no consolidation copy
        del table
        return frame, np.arange(1, len(frame) + 1), []
    if suffix == ".csv":
        frame, lines, bad = _read_csv(path)
        return (frame[[c for c in columns if c in frame.columns]] if columns else frame), lines, bad
    raise SchemaError(f"{path}: customers are read from .csv or .parquet, not {suffix!r}")


def _check_columns(
    frame: pd.DataFrame, schema: CustomerSchema, wanted: list[str], where: str
) -> list[str]:
    """Raise on absent required columns; return absent optional ones."""
    absent = [c for c in wanted if c not in frame.columns]
    required = [c for c in absent if schema[c].required]
    if required:
        hints = []
        for name in required:
            near = [c for c in frame.columns if schema.closest(str(c)) == name and c not in schema]
            hints.append(f'"{name}"' + (f' (the file has "{near[0]}")' if near else ""))
        raise SchemaError(f"{where}: required column(s) missing: {', '.join(hints)}")
    return absent


def load_customers(
    source: str | Path | Any,
    schema: CustomerSchema | None = None,
    rejected_path: str | Path | None = None,
    *,
    table: str | None = None,
    columns: list[str] | None = None,
) -> LoadResult:
    """Load customers from a .csv/.parquet path, or a SQL table (``source`` = URL or Engine).

    Rows with a missing or duplicate id, impossible values, unparseable dates or wrong
    types go to ``rejected`` (and ``rejected_path``, when given) with their reason.
    ``columns`` limits the load to those schema columns (the id is always included).
    """
    schema = schema or default_schema()
    wanted = (
        list(schema.names) if columns is None else list(dict.fromkeys([schema.id_column, *columns]))
    )
    unknown = [c for c in wanted if c not in schema]
    if unknown:
        raise SchemaError(f"columns not in the schema: {', '.join(unknown)}")
    where = f"{source}#{table}" if table else str(source)
    raw, rows, bad_lines = _read(
        source, table, wanted if columns is not None else None, schema.id_column
    )
    result = check_rows(raw, schema, wanted, rows, where, bad_lines)
    if rejected_path is not None:
        write_rejected(result.rejected, Path(rejected_path))
    return result


def check_rows(
    raw: pd.DataFrame,
    schema: CustomerSchema,
    wanted: list[str],
    rows: np.ndarray,
    where: str,
    bad_lines: list[dict[str, Any]] | None = None,
) -> LoadResult:
    """Type and check raw rows (``rows``: their 1-based numbers); split usable from rejected."""
    absent = _check_columns(raw, schema, wanted, where)
    extra = tuple(str(c) for c in raw.columns if c not in schema)
    typed: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for name in wanted:
        if name in absent:
            continue
        typed[name], found = coerce_column(raw[name], schema[name])
        problems += found
    dup = duplicates(typed[schema.id_column], schema.id_column)
    problems += [dup] if dup is not None else []
    return _assemble(
        raw, typed, rows, problems, bad_lines or [], schema, wanted, absent, extra, where
    )


def _final_dtype(values: pd.Series, type_: str, nullable: bool) -> pd.Series:
    """Plain numpy dtypes where the schema forbids nulls (faster downstream), masked otherwise."""
    masked = {"integer": "Int64", "boolean": "boolean"}.get(type_)
    if masked is None:
        return values
    if nullable or values.isna().any():
        return values.astype(masked, copy=False)
    return values.astype("int64" if type_ == "integer" else bool, copy=False)


def _null_column(type_: str, index: pd.Index) -> pd.Series:
    """An all-null column of the schema type (for an absent optional column)."""
    dtype = {
        "integer": "Int64",
        "number": "float64",
        "boolean": "boolean",
        "string": "str",
        "date": "datetime64[us]",
        "datetime": "datetime64[us]",
    }[type_]
    return pd.Series(None, index=index, dtype=dtype)


def _reasons(problems: list[Problem], bad: np.ndarray, index: pd.Index) -> pd.Series:
    """'; '-joined reasons of each rejected row (vectorized over the rejected rows only)."""
    reason = pd.Series("", index=index[bad], dtype="str")
    for problem in problems:
        hit = problem.mask[bad]
        detail = problem.detail[bad]
        joined = reason.where(reason == "", reason + "; ") + detail
        reason = reason.where(~hit, joined)
    return reason


def _assemble(
    raw: pd.DataFrame,
    typed: dict[str, pd.Series],
    rows: np.ndarray,
    problems: list[Problem],
    bad_lines: list[dict[str, Any]],
    schema: CustomerSchema,
    wanted: list[str],
    absent: list[str],
    extra: tuple[str, ...],
    where: str,
) -> LoadResult:
    """Split rows into the typed frame and the rejected rows, and count the reasons."""
    n = len(raw)
    bad = np.zeros(n, dtype=bool)
    for problem in problems:
        bad |= problem.mask
    good = ~bad
    kept = raw.index[good]
    frame = pd.DataFrame(  # copy=False: no block consolidation copy of millions of rows
        {
            name: (
                _null_column(schema[name].type, kept)
                if name in absent
                else _final_dtype(
                    typed[name][good] if bad.any() else typed[name],
                    schema[name].type,
                    schema[name].nullable,
                )
            )
            for name in wanted
        },
        copy=False,
    )
    if bad.any():
        frame = frame.reset_index(drop=True)
    rejected = raw[bad].astype("str").copy() if bad.any() else raw.iloc[:0].astype("str")
    rejected.insert(0, "row", rows[bad])
    rejected["reason"] = _reasons(problems, bad, raw.index).to_numpy()
    if bad_lines:
        lines = pd.DataFrame(bad_lines).rename(columns={"text": "line"})
        rejected = pd.concat([rejected, lines], ignore_index=True).sort_values("row", kind="stable")
    rejected = rejected.reset_index(drop=True)
    counts = Counter({p.kind: int(p.mask.sum()) for p in problems})
    if bad_lines:
        counts["malformed line"] = len(bad_lines)
    summary = LoadSummary(
        where, n + len(bad_lines), len(frame), len(rejected), dict(counts), tuple(absent), extra
    )
    return LoadResult(frame, rejected, summary)


def write_rejected(rejected: pd.DataFrame, path: Path) -> None:
    """Rejected rows as CSV (or Parquet by extension), always written, even when empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        rejected.to_parquet(path, index=False)
    else:
        rejected.to_csv(path, index=False)
