"""Eligibility, holdout and segment assignment — one meaning, three engines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from fanzha.segments.assignment import (
    CONSENT_COLUMN,
    FIXED_REASONS,
    OUTPUT_COLUMNS,
    AudienceSpec,
    Plan,
    SegmentSpec,
    assign_pandas,
    finish,
    make_plan,
)
from fanzha.segments.errors import SegmentsError
from fanzha.segments.schema import CustomerSchema, infer_schema

__all__ = [
    "CONSENT_COLUMN",
    "FIXED_REASONS",
    "OUTPUT_COLUMNS",
    "AudienceSpec",
    "Plan",
    "SegmentSpec",
    "assign",
    "assign_pandas",
    "finish",
    "make_plan",
]


def assign(
    frame: Any,
    audience: AudienceSpec,
    segments: Sequence[SegmentSpec],
    opted_out: Iterable[str] = (),
    as_of: dt.date | dt.datetime | str | None = None,
    engine: str = "pandas",
    all_matches: bool = False,
    *,
    schema: CustomerSchema | None = None,
    sql_engine: Any = None,
    table: str | None = None,
    npartitions: int = 4,
) -> Any:
    """Assign customers to segments with eligibility and holdout (see docs/CONTRACTS.md).

    ``frame`` is a pandas DataFrame (any engine), a Dask DataFrame (engine "dask"; the
    result is then a lazy Dask DataFrame), or None with ``sql_engine`` and ``table``
    (engine "sql": the rules run inside that database).
    """
    if engine == "pandas":
        schema = schema or infer_schema(frame)
        plan = make_plan(audience, segments, schema)
        return assign_pandas(frame, plan, schema, opted_out, as_of, all_matches)
    if engine == "sql":
        from fanzha.segments.engine_sql_assign import assign_sql

        return assign_sql(
            frame, audience, segments, opted_out, as_of, all_matches, schema, sql_engine, table
        )
    if engine == "dask":
        from fanzha.segments.engine_dask import assign_dask

        return assign_dask(
            frame, audience, segments, opted_out, as_of, all_matches, schema, npartitions
        )
    raise SegmentsError(f'unknown engine "{engine}": use pandas, sql or dask')
