"""The Dask engine on a Parquet file or dataset: checked partitions, one output, rejected rows.

Partitions are whole row groups (``segments.dataset``), so every worker reads its own
rows straight from the files (shared storage on a real cluster) and row N is row N for
every engine. Each partition is checked by ``check_rows`` with the duplicate rows found
across partitions (``segments.dask_duplicates``), assigned by the pandas engine, and
either written by the worker (a dataset directory) or returned to the client, which
appends partitions in order to the one file asked for. Rejected rows come back to the
client and are appended to the rejected-rows file as in the pandas engine.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from fanzha.segments.assignment import Plan, assign_pandas
from fanzha.segments.dask_duplicates import find_repeated, rows_in_piece, unique_columns
from fanzha.segments.dataset import Piece, dataset_schema, pieces, read_piece
from fanzha.segments.load_summary import LoadSummary
from fanzha.segments.loader import check_rows
from fanzha.segments.output import PART, Output
from fanzha.segments.schema import CustomerSchema

KEEP_REJECTED = 100  # rejected rows kept in memory for the summary; all go to the file


@dataclass
class PieceResult:
    """One partition's outcome (the assignments only when the client writes them)."""

    index: int
    table: pa.Table | None
    rejected: pd.DataFrame
    summary: LoadSummary
    by_reason: Counter[str]
    by_segment: Counter[str]


@dataclass(frozen=True)
class DaskRun:
    """What the Dask engine did: the load summary, a sample of rejected rows, the counts."""

    summary: LoadSummary
    rejected_sample: pd.DataFrame
    by_reason: Counter[str]
    by_segment: Counter[str]


def _counts(table: pa.Table) -> tuple[Counter[str], Counter[str]]:
    import pyarrow.compute as pc

    out: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    for name, counter in zip(("reason", "segment"), out, strict=True):
        for item in pc.value_counts(table.column(name)).to_pylist():
            if item["values"]:
                counter[item["values"]] += item["counts"]
    return out


def segment_piece(
    piece: Piece, job: dict[str, Any], repeated: dict[str, np.ndarray], folder: str | None
) -> PieceResult:
    """Read, check, assign one partition; write it into ``folder`` when given (on a worker)."""
    table = read_piece(piece, job["columns"], job["coded"])
    raw = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    rows = np.arange(piece.first_row + 1, piece.first_row + len(raw) + 1)
    loaded = check_rows(
        raw,
        job["schema"],
        rows,
        piece.file,
        keep=job["keep"],
        extra=job["extra"],
        duplicates_known=rows_in_piece(repeated, piece),
    )
    plan: Plan = job["plan"]
    out = assign_pandas(
        loaded.frame, plan, job["schema"], job["opted"], job["as_of"], job["all_matches"]
    )
    assigned = pa.Table.from_pandas(out, preserve_index=False)
    by_reason, by_segment = _counts(assigned)
    if folder is not None:
        pq.write_table(
            assigned,
            str(Path(folder) / PART.format(piece.index)),
            use_dictionary=["segment", "reason"],
        )
        assigned = None
    return PieceResult(
        piece.index, assigned, loaded.rejected, loaded.summary, by_reason, by_segment
    )


def _client() -> Any:
    """The current distributed client, or None (then Dask's local threads compute)."""
    try:
        from distributed import get_client

        return get_client()
    except (ImportError, ValueError):
        return None


def _compute(*tasks: Any) -> tuple[Any, ...]:
    client = _client()
    if client is None:
        import dask

        return tuple(dask.compute(*tasks))
    return tuple(client.gather(client.compute(list(tasks))))


def _in_order(tasks: Sequence[Any], window: int) -> Iterator[PieceResult]:
    """Partition results in partition order, at most ``window`` computed ahead (bounded memory)."""
    client = _client()
    if client is None:
        import dask

        for i in range(0, len(tasks), window):
            yield from dask.compute(*tasks[i : i + window])
        return
    todo = iter(tasks)
    pending = deque(client.compute(t) for t in itertools.islice(todo, window))
    while pending:
        future = pending.popleft()
        result = future.result()
        future.release()
        following = next(todo, None)
        if following is not None:
            pending.append(client.compute(following))
        yield result


def run_dask_dataset(
    source: Path,
    target: Output,
    written: Path,
    job: dict[str, Any],
    schema: CustomerSchema,
    rejected_path: Path | None,
    window: int = 4,
) -> DaskRun:
    """Segment every partition; the assignments end up in ``written`` (the temporary output)."""
    from dask import delayed

    parts = pieces(source)
    present = [c for c in schema.names if c in dataset_schema(source).names]
    repeated = find_repeated(parts, schema, unique_columns(schema, present), _compute)
    folder = str(written) if target.kind == "dataset" else None
    tasks = [delayed(segment_piece)(p, job, repeated, folder) for p in parts]
    results = _in_order(tasks, window)
    return _collect(results, target, written, rejected_path, str(source))


def _collect(
    results: Iterator[PieceResult],
    target: Output,
    written: Path,
    rejected_path: Path | None,
    where: str,
) -> DaskRun:
    """Append partitions to the one output file and rejected rows to theirs, in order."""
    writer: pq.ParquetWriter | None = None
    reasons: Counter[str] = Counter()
    segments: Counter[str] = Counter()
    summaries: list[LoadSummary] = []
    sample: list[pd.DataFrame] = []
    kept = 0
    rejected_file = None
    if rejected_path is not None:
        rejected_path.parent.mkdir(parents=True, exist_ok=True)
        rejected_file = open(rejected_path, "w", encoding="utf-8", newline="")
    try:
        for i, result in enumerate(results):
            reasons.update(result.by_reason)
            segments.update(result.by_segment)
            summaries.append(result.summary)
            if rejected_file is not None:
                result.rejected.to_csv(rejected_file, header=i == 0, index=False)
            if kept < KEEP_REJECTED and len(result.rejected):
                sample.append(result.rejected.head(KEEP_REJECTED - kept))
                kept += len(sample[-1])
            if result.table is None:
                continue
            if target.kind == "csv":
                result.table.to_pandas().to_csv(written, mode="a", header=i == 0, index=False)
            else:
                if writer is None:
                    writer = pq.ParquetWriter(
                        written, result.table.schema, use_dictionary=["segment", "reason"]
                    )
                writer.write_table(result.table)
    finally:
        if writer is not None:
            writer.close()
        if rejected_file is not None:
            rejected_file.close()
    summary = _summary(summaries, where)
    frame = pd.concat(sample, ignore_index=True) if sample else pd.DataFrame()
    return DaskRun(summary, frame, reasons, segments)


def _summary(summaries: list[LoadSummary], where: str) -> LoadSummary:
    """One summary for the whole dataset."""
    counts: Counter[str] = Counter()
    for s in summaries:
        counts.update(s.by_reason)
    first = summaries[0] if summaries else LoadSummary(where, 0, 0, 0)
    return replace(
        first,
        source=where,
        rows_read=sum(s.rows_read for s in summaries),
        rows_loaded=sum(s.rows_loaded for s in summaries),
        rows_rejected=sum(s.rows_rejected for s in summaries),
        by_reason=dict(counts),
    )
