"""Assignment on Dask DataFrames: the pandas engine per partition, on any Dask cluster."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from fanzha.segments.assign import AudienceSpec, SegmentSpec, assign_pandas, make_plan
from fanzha.segments.errors import SchemaError
from fanzha.segments.loader import check_rows
from fanzha.segments.schema import CustomerSchema, infer_schema


def _partition(
    part: pd.DataFrame,
    plan: Any,
    schema: CustomerSchema,
    opted: list[str],
    as_of: Any,
    all_matches: bool,
) -> pd.DataFrame:
    """One partition through the pandas engine (every step is row-local, so this is exact)."""
    return assign_pandas(part, plan, schema, opted, as_of, all_matches)


def checked_partition(
    part: pd.DataFrame, schema: CustomerSchema, columns: list[str]
) -> pd.DataFrame:
    """Type and check one partition's rows; refuse (never drop) a partition with bad rows.

    ``part`` holds every declared column of the data (all are checked); the result keeps
    ``columns``.

    The rejected-rows file needs the whole file in one place, so unusable rows on a
    cluster stop the run with their reasons; ``fanzha segment --engine pandas`` writes them.
    """
    rows = np.arange(1, len(part) + 1)
    loaded = check_rows(part.reset_index(drop=True), schema, rows, "partition", keep=columns)
    if loaded.summary.rows_rejected:
        reasons = "; ".join(f"{k}: {v}" for k, v in sorted(loaded.summary.by_reason.items()))
        raise SchemaError(
            f"{loaded.summary.rows_rejected} unusable customer rows in a partition ({reasons}); "
            "run with the pandas engine to get the rejected-rows file"
        )
    loaded.frame.index = part.index
    return loaded.frame


def validated(ddf: Any, schema: CustomerSchema, columns: list[str]) -> Any:
    """A Dask frame whose partitions are typed and checked like ``load_customers`` rows."""
    meta = checked_partition(ddf._meta, schema, columns)
    return ddf.map_partitions(checked_partition, schema, columns, meta=meta, align_dataframes=False)


def assign_dask(
    frame: Any,
    audience: AudienceSpec,
    segments: Sequence[SegmentSpec],
    opted_out: Iterable[str],
    as_of: Any,
    all_matches: bool,
    schema: CustomerSchema | None,
    npartitions: int,
) -> Any:
    """Lazy Dask result for a Dask input; a computed pandas frame for a pandas input."""
    import dask.dataframe as dd

    lazy = isinstance(frame, dd.DataFrame)
    ddf = frame if lazy else dd.from_pandas(frame, npartitions=max(1, npartitions), sort=False)
    schema = schema or infer_schema(ddf._meta)
    plan = make_plan(audience, segments, schema)
    opted = list(opted_out)
    meta = assign_pandas(ddf._meta, plan, schema, opted, as_of, all_matches)
    out = ddf.map_partitions(
        _partition, plan, schema, opted, as_of, all_matches, meta=meta, align_dataframes=False
    )
    if lazy:
        return out
    return out.compute().reset_index(drop=True)
