"""File-to-file helpers behind ``fanzha segment`` and ``fanzha explain`` (called by campaigns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fanzha.segments.assign import (
    CONSENT_COLUMN,
    OUTPUT_COLUMNS,
    AudienceSpec,
    Plan,
    SegmentSpec,
    assign,
    make_plan,
)
from fanzha.segments.errors import SchemaError
from fanzha.segments.explain import Explanation, explain
from fanzha.segments.load_summary import LoadSummary, describe_load
from fanzha.segments.loader import check_rows, load_customers
from fanzha.segments.output import PART, Output, check_replaceable, output_target, replacing
from fanzha.segments.schema import CustomerSchema, default_schema
from fanzha.segments.stream import segment_parquet_chunks


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


def write_assignments(assignments: Any, path: str | Path | Output) -> Path:
    """Write assignments to one .csv/.parquet file or a dataset directory (``X/``), replacing."""
    target = output_target(path)
    if not isinstance(assignments, pd.DataFrame):  # a lazy Dask frame: computed in order
        assignments = assignments.compute()
    with replacing(target) as temp:
        _write_frame(assignments, target, temp)
    return target.path


def _write_frame(assignments: pd.DataFrame, target: Output, temp: Path) -> None:
    if target.kind == "csv":
        assignments.to_csv(temp, index=False)
        return
    file = temp / PART.format(0) if target.kind == "dataset" else temp
    # ids are unique: a dictionary would only cost time; the labels already are one
    assignments.to_parquet(file, index=False, use_dictionary=["segment", "reason"])


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
    out: str | Path | Output,
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
    scheduler: str | None = None,
) -> SegmentRun:
    """Load customers (only the columns the rules need), assign, write ``out``; return counts.

    ``customers`` is a .csv/.parquet file or a directory of Parquet files (a dataset);
    ``out`` is one .csv/.parquet file or a dataset directory ``X/`` (``segments.output``),
    and replaces an existing one only when complete. Engine "dask" reads Parquet in
    partitions of whole row groups on the Dask cluster at ``scheduler`` (or the current
    client, or local threads), with the same rejected rows and duplicate-id rule as pandas.
    Parquet with the pandas engine streams row groups (see ``segments.stream``).
    """
    schema = schema or default_schema()
    columns = needed_columns(audience, segments, schema)
    target = output_target(out)
    check_replaceable(target)
    rejected = Path(rejected_path) if rejected_path is not None else None
    if engine == "dask":
        plan = make_plan(audience, segments, schema)
        return _segment_dask(
            Path(customers),
            target,
            plan,
            schema,
            columns,
            opted_out,
            as_of,
            all_matches,
            rejected,
            scheduler,
        )
    path = Path(customers)
    streamable = (
        engine == "pandas" and path.suffix.lower() == ".parquet" and target.kind == "parquet"
    )
    if streamable and path.is_file():
        plan = make_plan(audience, segments, schema)
        try:
            with replacing(target) as temp:
                done = segment_parquet_chunks(
                    path,
                    temp,
                    plan,
                    schema,
                    columns,
                    as_of=as_of,
                    opted_out=list(opted_out),
                    all_matches=all_matches,
                    rejected_path=rejected,
                )
                if done is None:  # ids out of order: the whole file is loaded below
                    raise _NotStreamed
        except _NotStreamed:
            done = None
        if done is not None:
            summary, rejected_rows, counted, per_segment = done
            rows = sum(counted.values())
            return SegmentRun(
                summary, rows, dict(counted), dict(per_segment), target.path, rejected_rows
            )
    loaded = load_customers(customers, schema, rejected, columns=columns)
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
    write_assignments(result, target)
    reason_counts, segment_counts = _counts(result)
    return SegmentRun(
        loaded.summary, len(result), reason_counts, segment_counts, target.path, loaded.rejected
    )


def _segment_dask(
    customers: Path,
    target: Output,
    plan: Plan,
    schema: CustomerSchema,
    columns: list[str],
    opted_out: Iterable[str],
    as_of: Any,
    all_matches: bool,
    rejected: Path | None,
    scheduler: str | None,
) -> SegmentRun:
    """The Dask engine on a Parquet file or dataset, on the cluster at ``scheduler``."""
    from fanzha.segments.dataset import dataset_schema
    from fanzha.segments.engine_dask_dataset import run_dask_dataset

    if customers.is_file() and customers.suffix.lower() != ".parquet":
        raise SchemaError(
            f"{customers}: the Dask engine reads Parquet (a file or a directory of files); "
            "use --engine pandas for CSV, or convert it to Parquet"
        )
    names = dataset_schema(customers).names
    present = [c for c in schema.names if c in names]
    _absent_required(schema, present, customers)
    job = {
        "columns": present,
        "coded": [c for c in present if c != schema.id_column and schema[c].type == "string"],
        "schema": schema,
        "keep": columns,
        "extra": tuple(c for c in names if c not in schema),
        "plan": plan,
        "opted": list(opted_out),
        "as_of": as_of,
        "all_matches": all_matches,
    }
    with _scheduler(scheduler), replacing(target) as temp:
        done = run_dask_dataset(customers, target, temp, job, schema, rejected)
        if target.kind != "dataset" and not temp.exists():  # a dataset without rows
            _write_frame(pd.DataFrame(columns=list(OUTPUT_COLUMNS)), target, temp)
    rows = sum(done.by_reason.values())
    return SegmentRun(
        done.summary,
        rows,
        dict(done.by_reason),
        dict(done.by_segment),
        target.path,
        done.rejected_sample,
    )


def _absent_required(schema: CustomerSchema, present: list[str], where: Path) -> None:
    missing = [c for c in schema.names if schema[c].required and c not in present]
    if missing:
        raise SchemaError(f"{where}: required column(s) missing: {', '.join(missing)}")


@contextmanager
def _scheduler(address: str | None) -> Iterator[None]:
    """Run on the Dask cluster at ``address`` (a ``tcp://host:port``) for the block."""
    if not address:
        yield
        return
    from distributed import Client

    try:
        client = Client(address, timeout="10s", set_as_default=True)
    except (OSError, TimeoutError) as exc:
        raise SchemaError(f"no Dask scheduler at {address} ({exc})") from None
    try:
        yield
    finally:
        client.close()


class _NotStreamed(Exception):
    """The streaming path gave up (ids out of order); the caller loads the whole file."""


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
