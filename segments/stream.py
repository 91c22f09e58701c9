"""Parquet → assignments in row-group chunks, two at a time: bounded memory, both cores busy.

Each row group is read, checked (``check_rows``), assigned (pandas engine) and written
in file order. Duplicate ids are caught inside a chunk; across chunks the fast path
needs ids in strictly increasing order (the usual export order) — when they are not,
``segment_parquet_chunks`` returns None and the caller loads the whole file instead.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from fanzha.segments.assignment import Plan, assign_pandas
from fanzha.segments.load_summary import LoadSummary, write_rejected
from fanzha.segments.loader import check_rows
from fanzha.segments.schema import CustomerSchema


@dataclass
class _Chunk:
    """One row group's outcome."""

    table: pa.Table
    summary: LoadSummary
    rejected: pd.DataFrame
    first_id: str | None
    last_id: str | None
    increasing: bool


def _id_order(ids: pd.Series) -> tuple[str | None, str | None, bool]:
    """First and last id of a chunk, and whether its ids strictly increase."""
    array = pa.array(ids, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if len(array) == 0:
        return None, None, True
    increasing = len(array) < 2 or pc.all(pc.less(array[:-1], array[1:])).as_py()
    return array[0].as_py(), array[-1].as_py(), bool(increasing)


def _one_chunk(path: Path, index: int, first_row: int, job: dict[str, Any]) -> _Chunk:
    """Read, check and assign one row group (own file handle: safe across threads)."""
    parquet = pq.ParquetFile(path, read_dictionary=job["coded"])
    table = parquet.read_row_group(index, columns=job["columns"])
    raw = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    rows = np.arange(first_row + 1, first_row + len(raw) + 1)
    loaded = check_rows(
        raw, job["schema"], rows, job["where"], keep=job["keep"], extra=job["extra"]
    )
    out = assign_pandas(
        loaded.frame, job["plan"], job["schema"], job["opted"], job["as_of"], job["all_matches"]
    )
    first, last, increasing = _id_order(loaded.frame[job["schema"].id_column])
    table = pa.Table.from_pandas(out, preserve_index=False)
    return _Chunk(table, loaded.summary, loaded.rejected, first, last, increasing)


def _summary(chunks: list[_Chunk]) -> LoadSummary:
    """One summary for the whole file."""
    counts: Counter[str] = Counter()
    for chunk in chunks:
        counts.update(chunk.summary.by_reason)
    first = chunks[0].summary
    return replace(
        first,
        rows_read=sum(c.summary.rows_read for c in chunks),
        rows_loaded=sum(c.summary.rows_loaded for c in chunks),
        rows_rejected=sum(c.summary.rows_rejected for c in chunks),
        by_reason=dict(counts),
    )


def _globally_unique(chunks: Sequence[_Chunk]) -> bool:
    """True when every chunk's ids increase and chunks follow each other in order."""
    ordered = [c for c in chunks if c.first_id is not None]
    if not all(c.increasing for c in ordered):
        return False
    return all(a.last_id < b.first_id for a, b in itertools.pairwise(ordered))  # type: ignore[operator]


def segment_parquet_chunks(
    path: Path,
    out: Path,
    plan: Plan,
    schema: CustomerSchema,
    columns: list[str],
    *,
    as_of: Any,
    opted_out: list[str],
    all_matches: bool,
    rejected_path: Path | None,
    threads: int = 2,
) -> tuple[LoadSummary, pd.DataFrame, Counter[str], Counter[str]] | None:
    """Stream a Parquet file to a Parquet assignments file; None when ids are out of order.

    Returns the load summary, the rejected rows, and counts by reason and by segment.

    ``columns`` are the columns the rules read; every declared column is checked.
    """
    parquet = pq.ParquetFile(path)
    # every declared column is read and checked (not only those the rules use), so a
    # row is rejected here exactly when ``load_customers`` rejects it
    present = [c for c in schema.names if c in parquet.schema_arrow.names]
    job = {
        "columns": present,
        "coded": _coded(path, present, schema),
        "schema": schema,
        "keep": columns,
        "extra": tuple(c for c in parquet.schema_arrow.names if c not in schema),
        "where": str(path),
        "plan": plan,
        "opted": opted_out,
        "as_of": as_of,
        "all_matches": all_matches,
    }
    sizes = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    starts = np.cumsum([0, *sizes])
    chunks: list[_Chunk] = []
    writer: pq.ParquetWriter | None = None
    reasons: Counter[str] = Counter()
    segments: Counter[str] = Counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            pending: deque[Future[_Chunk]] = deque()
            for i in range(len(sizes)):
                # a small window of chunks in flight keeps memory bounded
                pending.append(pool.submit(_one_chunk, path, i, int(starts[i]), job))
                if len(pending) > threads:
                    writer = _write(
                        pending.popleft().result(), writer, out, chunks, reasons, segments
                    )
            while pending:
                writer = _write(pending.popleft().result(), writer, out, chunks, reasons, segments)
    finally:
        if writer is not None:
            writer.close()
    if not chunks or not _globally_unique(chunks):
        out.unlink(missing_ok=True)
        return None
    rejected = pd.concat([c.rejected for c in chunks], ignore_index=True)
    if rejected_path is not None:
        write_rejected(rejected, rejected_path)
    return _summary(chunks), rejected, reasons, segments


def _write(
    chunk: _Chunk,
    writer: pq.ParquetWriter | None,
    out: Path,
    chunks: list[_Chunk],
    reasons: Counter[str],
    segments: Counter[str],
) -> pq.ParquetWriter:
    """Append one chunk's assignments (in file order) and keep only its summary."""
    if writer is None:
        writer = pq.ParquetWriter(out, chunk.table.schema, use_dictionary=["segment", "reason"])
    writer.write_table(chunk.table)
    _count(chunk.table, reasons, segments)
    chunk.table = pa.table({})
    chunks.append(chunk)
    return writer


def _count(table: pa.Table, reasons: Counter[str], segments: Counter[str]) -> None:
    """Add a chunk's counts by reason and by segment (from the dictionary codes)."""
    for name, counter in (("reason", reasons), ("segment", segments)):
        column = table.column(name)
        for item in pc.value_counts(column).to_pylist():
            if item["values"]:
                counter[item["values"]] += item["counts"]


def _coded(path: Path, columns: list[str], schema: CustomerSchema) -> list[str]:
    """Text columns to keep dictionary-coded (all but the id)."""
    file_schema = pq.read_schema(path)
    return [
        f.name
        for f in file_schema
        if f.name in columns
        and f.name != schema.id_column
        and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
    ]
