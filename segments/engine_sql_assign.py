"""Assignment with the rules evaluated inside a SQL database (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from fanzha.segments.assignment import CONSENT_COLUMN, AudienceSpec, SegmentSpec, finish, make_plan
from fanzha.segments.engine_sql import customers_table, load_frame, sql_truths
from fanzha.segments.errors import SchemaError, SegmentsError
from fanzha.segments.schema import ColumnSpec, CustomerSchema, infer_schema
from fanzha.segments.typecheck import parse_rule

_PYTHON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    dt.date: "date",
    dt.datetime: "datetime",
    decimal.Decimal: "number",
}


def _reflect_schema(engine: sa.Engine, table: str) -> CustomerSchema:
    """Infer the customer schema from an existing table's column types (no rows are read)."""
    return _schema_of(sa.inspect(engine).get_columns(table))


def reflect_schema(table: sa.Table) -> CustomerSchema:
    """The customer schema of a reflected table's columns and types."""
    return _schema_of([{"name": c.name, "type": c.type} for c in table.columns])


def _schema_of(columns: Sequence[Any]) -> CustomerSchema:
    specs = []
    for col in columns:
        try:
            python = col["type"].python_type
        except NotImplementedError:
            python = str
        type_ = _PYTHON_TYPES.get(python, "string")
        specs.append(ColumnSpec(name=col["name"], type=type_, unique=col["name"] == "customer_id"))
    return CustomerSchema(tuple(specs))


def assign_sql(
    frame: pd.DataFrame | None,
    audience: AudienceSpec,
    segments: Sequence[SegmentSpec],
    opted_out: Iterable[str],
    as_of: Any,
    all_matches: bool,
    schema: CustomerSchema | None,
    sql_engine: sa.Engine | None,
    table: str | None,
) -> pd.DataFrame:
    """Evaluate the audience, consent and segment rules in SQL; finish holdout in numpy."""
    own_engine = sql_engine is None
    if frame is None and (sql_engine is None or table is None):
        raise SegmentsError("engine 'sql' needs a frame, or sql_engine and table")
    engine = sql_engine if sql_engine is not None else sa.create_engine("sqlite://")
    try:
        if frame is not None:
            schema = schema.subset(frame.columns) if schema else infer_schema(frame)
            name = table or f"fanzha_customers_{uuid.uuid4().hex[:8]}"
            sa_table = load_frame(engine, frame, schema, name)
        else:
            assert table is not None
            schema = schema or _reflect_schema(engine, table)
            sa_table = customers_table(schema, table)
        if CONSENT_COLUMN not in schema:
            raise SchemaError(
                f'the customer data has no "{CONSENT_COLUMN}" column (education consent)'
            )
        plan = make_plan(audience, segments, schema)
        rules = [parse_rule(CONSENT_COLUMN, schema), *plan.rules]
        ids, truths = sql_truths(engine, sa_table, schema, rules, as_of)
        if frame is not None and not own_engine:
            sa_table.drop(engine)
    finally:
        if own_engine:
            engine.dispose()
    consent = truths[0][0]
    rest = [t[0] for t in truths[1:]]
    audience_true = rest.pop(0) if plan.where is not None else np.ones(len(ids), dtype=bool)
    return finish(ids, consent, audience_true, rest, plan, opted_out, all_matches)
