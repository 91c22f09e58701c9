"""Assignment on Dask DataFrames: the pandas engine per partition, on any Dask cluster.

For a library caller holding a Dask frame of rows already checked; files and datasets
go through ``engine_dask_dataset`` (checked partitions, rejected rows, duplicate ids).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from fanzha.segments.assignment import AudienceSpec, SegmentSpec, assign_pandas, make_plan
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
