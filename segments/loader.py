"""The one customer loader: every row checked the same way, unusable rows set aside with why.

``load_customers`` reads a whole file or table; ``check_rows`` is the core it shares with
the Parquet streaming path (per row group), the Dask engine (per partition) and
``explain`` (one customer's rows). Every column the schema declares and the data holds is
checked, whatever the command uses, so a row is usable or rejected the same way everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fanzha.segments.coerce import Problem, coerce_column, duplicate_problem, duplicates
from fanzha.segments.errors import SchemaError
from fanzha.segments.load_summary import LoadResult, LoadSummary, write_rejected
from fanzha.segments.reading import read_customers
from fanzha.segments.schema import CustomerSchema, default_schema


def load_customers(
    source: str | Path | Any,
    schema: CustomerSchema | None = None,
    rejected_path: str | Path | None = None,
    *,
    table: str | None = None,
    columns: Sequence[str] | None = None,
) -> LoadResult:
    """Load customers from a .csv/.parquet path, or a SQL table (``source`` = URL or Engine).

    Every declared column present is checked: rows with a missing or duplicate id, a
    value of the wrong type, out of range or outside the declared values, an unknown time
    zone, or an unreadable line go to ``rejected`` (and ``rejected_path``, when given)
    with their reasons. ``columns`` limits the frame returned to those schema columns
    (the id is always included); it never limits the checks.
    """
    schema = schema or default_schema()
    keep = kept_columns(schema, columns)
    where = f"{source}#{table}" if table else str(source)
    raw = read_customers(source, schema, table=table)
    result = check_rows(
        raw.frame,
        schema,
        raw.rows,
        where,
        raw.bad_lines,
        keep=keep,
        encoding=raw.encoding,
        extra=raw.extra,
        unit=raw.unit,
    )
    if rejected_path is not None:
        write_rejected(result.rejected, Path(rejected_path))
    return result


def kept_columns(schema: CustomerSchema, columns: Sequence[str] | None) -> list[str]:
    """The frame's columns: ``columns`` (with the id first), or every schema column."""
    if columns is None:
        return list(schema.names)
    keep = list(dict.fromkeys([schema.id_column, *columns]))
    unknown = [c for c in keep if c not in schema]
    if unknown:
        raise SchemaError(f"columns not in the schema: {', '.join(unknown)}")
    return keep


def _absent(frame: pd.DataFrame, schema: CustomerSchema, where: str) -> list[str]:
    """Raise on absent required columns; return absent optional ones."""
    absent = [c for c in schema.names if c not in frame.columns]
    required = [c for c in absent if schema[c].required]
    if required:
        hints = []
        for name in required:
            near = [c for c in frame.columns if schema.closest(str(c)) == name and c not in schema]
            hints.append(f'"{name}"' + (f' (the file has "{near[0]}")' if near else ""))
        raise SchemaError(f"{where}: required column(s) missing: {', '.join(hints)}")
    return absent


def check_rows(
    raw: pd.DataFrame,
    schema: CustomerSchema,
    rows: np.ndarray,
    where: str,
    bad_lines: list[dict[str, Any]] | None = None,
    *,
    keep: Sequence[str] | None = None,
    encoding: str = "",
    extra: tuple[str, ...] = (),
    unit: str = "row",
    duplicates_known: Mapping[str, np.ndarray] | None = None,
) -> LoadResult:
    """Type and check raw rows (``rows``: their numbers); split usable from rejected rows.

    Every schema column in ``raw`` is checked; the frame holds the ``keep`` columns
    (default: all), absent optional ones as nulls. ``duplicates_known`` maps unique
    columns to the rows that repeat an earlier row of the whole dataset (decided across
    partitions by the Dask engine); it replaces the check within ``raw`` for them.
    """
    absent = _absent(raw, schema, where)
    keep = list(schema.names) if keep is None else list(keep)
    typed: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for name in schema.names:
        if name in absent:
            continue
        typed[name], found = coerce_column(raw[name], schema[name])
        problems += found
    for spec in schema.columns:
        if (spec.unique or spec.name == schema.id_column) and spec.name in typed:
            if duplicates_known is not None and spec.name in duplicates_known:
                mask = duplicates_known[spec.name]
                dup = duplicate_problem(typed[spec.name], spec.name, mask)
            else:
                dup = duplicates(typed[spec.name], spec.name)
            problems += [dup] if dup is not None else []
    extra = extra or tuple(str(c) for c in raw.columns if c not in schema)
    return _assemble(
        raw,
        typed,
        rows,
        problems,
        bad_lines or [],
        schema,
        keep,
        [c for c in absent if c in keep],
        LoadSummary(
            where,
            0,
            0,
            0,
            extra_columns=extra,
            encoding=encoding,
            unit=unit,
            id_column=schema.id_column,
        ),
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


def _reasons(problems: list[Problem], bad: np.ndarray) -> np.ndarray:
    """'; '-joined reasons of each rejected row (vectorized over the rejected rows only)."""
    positions = np.flatnonzero(bad)
    reason = np.full(len(positions), "", dtype=object)
    for problem in problems:
        at = np.searchsorted(positions, np.flatnonzero(problem.mask))
        current = reason[at]
        reason[at] = np.where(current == "", problem.detail, current + "; " + problem.detail)
    return reason


def _assemble(
    raw: pd.DataFrame,
    typed: dict[str, pd.Series],
    rows: np.ndarray,
    problems: list[Problem],
    bad_lines: list[dict[str, Any]],
    schema: CustomerSchema,
    keep: list[str],
    absent: list[str],
    summary: LoadSummary,
) -> LoadResult:
    """Split rows into the typed frame and the rejected rows, and count the reasons."""
    from dataclasses import replace

    n = len(raw)
    bad = np.zeros(n, dtype=bool)
    for problem in problems:
        bad |= problem.mask
    any_bad = bool(bad.any())
    good = ~bad
    kept = raw.index[good]
    frame = pd.DataFrame(  # copy=False: no block consolidation copy of millions of rows
        {
            name: (
                _null_column(schema[name].type, kept)
                if name in absent
                else _final_dtype(
                    typed[name][good] if any_bad else typed[name],
                    schema[name].type,
                    schema[name].nullable,
                )
            )
            for name in keep
        },
        copy=False,
    )
    if any_bad:
        frame = frame.reset_index(drop=True)
    rejected = raw[bad].astype("str") if any_bad else raw.iloc[:0].astype("str")
    # a file's own "row", "reason" or "line" column must not collide with ours
    rejected = rejected.rename(columns={c: f"{c} (file)" for c in ("row", "reason", "line")})
    rejected.insert(0, "row", rows[bad])
    rejected["reason"] = _reasons(problems, bad)
    if bad_lines:
        lines = pd.DataFrame(bad_lines).drop(columns="kind")
        rejected = pd.concat([rejected, lines], ignore_index=True).sort_values("row", kind="stable")
    rejected = rejected.reset_index(drop=True)
    counts = Counter({p.kind: int(p.mask.sum()) for p in problems})
    counts.update(item["kind"] for item in bad_lines)
    summary = replace(
        summary,
        rows_read=n + len(bad_lines),
        rows_loaded=len(frame),
        rows_rejected=len(rejected),
        by_reason=dict(counts),
        missing_columns=tuple(absent),
    )
    return LoadResult(frame, rejected, summary)
