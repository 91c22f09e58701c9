"""File-to-file helpers behind ``fanzha segment`` and ``fanzha explain`` (called by campaigns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fanzha.segments.assign import CONSENT_COLUMN, AudienceSpec, SegmentSpec, assign, make_plan
from fanzha.segments.engine_dask import validated
from fanzha.segments.errors import SchemaError
from fanzha.segments.explain import Explanation, explain
from fanzha.segments.loader import LoadSummary, check_rows, describe_load, load_customers
from fanzha.segments.schema import CustomerSchema, default_schema
from fanzha.segments.stream import segment_parquet_chunks

OUTPUT_SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class SegmentRun:
    """What ``segment_file`` did: the load summary and counts by reason and by segment."""

    load: LoadSummary | None
    rows: int | None
    by_reason: dict[str, int] = field(default_factory=dict)
    by_segment: dict[str, int] = field(default_factory=dict)
    out: Path | None = None
    rejected: pd.DataFrame | None = None

    def describe_load(self, rejected_path: str | Path | None = None, limit: int = 5) -> str:
        """The encoding a CSV file was read in, and the first rejected rows with why."""
        if self.load is None or self.rejected is None:
            return ""
        return describe_load(self.load, self.rejected, rejected_path, limit)


def write_assignments(assignments: Any, path: str | Path) -> Path:
    """Write assignments as .csv or .parquet by extension (a Dask frame writes a directory)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise SchemaError(f"{path}: assignments are written as .csv or .parquet, not {suffix!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not isinstance(assignments, pd.DataFrame):  # Dask: one file per partition
        if suffix == ".parquet":
            assignments.to_parquet(str(path), write_index=False)
        else:
            assignments.to_csv(str(path / "part-*.csv"), index=False)
        return path
    if suffix == ".parquet":
        # ids are unique: a dictionary would only cost time; the labels already are one
        assignments.to_parquet(path, index=False, use_dictionary=["segment", "reason"])
    else:
        assignments.to_csv(path, index=False)
    return path


def needed_columns(
    audience: AudienceSpec, segments: Sequence[SegmentSpec], schema: CustomerSchema
) -> list[str]:
    """The schema columns the rules and eligibility read (so only those are loaded)."""
    plan = make_plan(audience, segments, schema)
    used = {c for rule in plan.rules for c in rule.columns} | {schema.id_column, CONSENT_COLUMN}
    return [c for c in schema.names if c in used]


def _counts(assignments: pd.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    reasons = assignments["reason"].value_counts()
    segments = assignments.loc[assignments["segment"] != "", "segment"].value_counts()
    return (
        {str(k): int(v) for k, v in reasons.items() if v},  # categorical: skip empty labels
        {str(k): int(v) for k, v in segments.items() if v and k},
    )


def segment_file(
    customers: str | Path,
    out: str | Path,
    audience: AudienceSpec,
    segments: Sequence[SegmentSpec],
    *,
    engine: str = "pandas",
    as_of: dt.date | dt.datetime | str | None = None,
    opted_out: Iterable[str] = (),
    schema: CustomerSchema | None = None,
    rejected_path: str | Path | None = None,
    all_matches: bool = False,
    sql_engine: Any = None,
) -> SegmentRun:
    """Load customers (only the columns the rules need), assign, write ``out``; return counts.

    With engine "dask" a Parquet file or directory is read as Dask partitions (on the
    current Dask client, if any) and written partition by partition; rows are checked per
    partition and a partition with unusable rows stops the run (SchemaError) — duplicate
    ids across partitions are not detected there. Parquet with the pandas engine streams
    row groups (see ``segments.stream``).
    """
    schema = schema or default_schema()
    columns = needed_columns(audience, segments, schema)
    if engine == "dask":
        import dask.dataframe as dd

        lazy = dd.read_parquet(str(customers))
        lazy = lazy[[c for c in schema.names if c in lazy.columns]]  # all checked, as in pandas
        frame = validated(lazy, schema, columns)
        result = assign(
            frame, audience, segments, opted_out, as_of, "dask", all_matches, schema=schema
        )
        write_assignments(result, out)
        return SegmentRun(load=None, rows=None, out=Path(out))  # not counted: the cluster wrote it
    path, out = Path(customers), Path(out)
    streamable = engine == "pandas" and path.suffix.lower() == ".parquet" == out.suffix.lower()
    if streamable and path.is_file():
        plan = make_plan(audience, segments, schema)
        done = segment_parquet_chunks(
            path,
            out,
            plan,
            schema,
            columns,
            as_of=as_of,
            opted_out=list(opted_out),
            all_matches=all_matches,
            rejected_path=Path(rejected_path) if rejected_path else None,
        )
        if done is not None:
            summary, rejected, counted, per_segment = done
            rows = sum(counted.values())
            return SegmentRun(summary, rows, dict(counted), dict(per_segment), out, rejected)
    loaded = load_customers(customers, schema, rejected_path, columns=columns)
    result = assign(
        loaded.frame,
        audience,
        segments,
        opted_out,
        as_of,
        engine,
        all_matches,
        schema=schema,
        sql_engine=sql_engine,
    )
    write_assignments(result, out)
    by_reason, by_segment = _counts(result)
    return SegmentRun(
        loaded.summary, len(result), by_reason, by_segment, Path(out), loaded.rejected
    )


def explain_file(
    customers: str | Path,
    customer_id: str,
    audience: AudienceSpec,
    segments: Sequence[SegmentSpec],
    *,
    as_of: dt.date | dt.datetime | str | None = None,
    opted_out: Iterable[str] = (),
    schema: CustomerSchema | None = None,
    all_matches: bool = False,
) -> Explanation:
    """Explain one customer of a customer file (CustomerNotFound when the id is absent)."""
    schema = schema or default_schema()
    columns = needed_columns(audience, segments, schema)
    path = Path(customers)
    if path.suffix.lower() == ".parquet" and path.exists():
        # read only that customer's rows: instant even on a file of millions
        import pyarrow.parquet as pq

        present = [c for c in schema.names if c in pq.read_schema(path).names]
        table = pq.read_table(
            path, columns=present, filters=[(schema.id_column, "==", customer_id)]
        )
        raw = table.to_pandas()
        rows = np.arange(1, len(raw) + 1)
        loaded = check_rows(raw, schema, rows, str(path), keep=columns)
    else:
        loaded = load_customers(customers, schema, columns=columns)
    if loaded.rejected.shape[0] and not (loaded.frame[schema.id_column] == customer_id).any():
        reason = loaded.rejected.loc[loaded.rejected[schema.id_column] == customer_id, "reason"]
        if len(reason):
            raise SchemaError(f'customer "{customer_id}" was rejected: {reason.iloc[0]}')
    return explain(
        loaded.frame,
        customer_id,
        audience,
        segments,
        as_of,
        schema=schema,
        opted_out=opted_out,
        all_matches=all_matches,
    )
