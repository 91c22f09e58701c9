"""Rules evaluated where the customers live: a table of any SQLAlchemy database, streamed out.

``segment_table`` compiles consent, the audience rule and every segment rule into one
SELECT (``SqlCompiler``), so the database reads the table and only the id and one small
flag per rule leave it, in chunks of ``chunk_rows``; each chunk is finished (opt-outs,
holdout, first match) and appended to the output. The table never sits in memory here.

The holdout hash (splitmix64 over the id's UTF-8 bytes, ``segments.holdout``) needs
unsigned 64-bit arithmetic that SQL dialects do not share, so it runs on each chunk's
ids as they arrive; it depends on nothing but the id, so the result is the same.

Ids that repeat in the table are all set aside (a table has no row order, so there is
no "first" row to keep) into the rejected-rows file with the reason ``duplicate``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlalchemy as sa
from fanzha.segments.assignment import CONSENT_COLUMN, AudienceSpec, SegmentSpec, finish, make_plan
from fanzha.segments.engine_pandas import as_of_datetime
from fanzha.segments.engine_sql import SqlCompiler, customers_table
from fanzha.segments.engine_sql_assign import reflect_schema
from fanzha.segments.errors import SchemaError
from fanzha.segments.output import PART, Output, output_target, replacing
from fanzha.segments.schema import ColumnSpec, CustomerSchema
from fanzha.segments.typecheck import parse_rule

CHUNK_ROWS = 100_000


@dataclass(frozen=True)
class TableRun:
    """What ``segment_table`` wrote: rows assigned, counts, ids set aside as duplicates."""

    out: Path
    rows: int
    by_reason: dict[str, int] = field(default_factory=dict)
    by_segment: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    sql: str = ""


def split_table_url(text: str) -> tuple[str, str]:
    """``URL#schema.table`` → (URL, ``schema.table``); SchemaError when the table is missing."""
    url, sep, where = text.partition("#")
    if not sep or not where.strip():
        raise SchemaError(f"{url}: name the customers table after '#', e.g. {url}#crm.customers")
    return url, where.strip()


def _table(engine: sa.Engine, where: str) -> tuple[sa.Table, CustomerSchema]:
    """The table's columns and types (no rows), and the customer schema they give.

    Read from ``information_schema.columns``, which PostgreSQL, DuckDB, ClickHouse, MySQL
    and Spark SQL share; SQLite, which lacks it, is reflected by SQLAlchemy.
    """
    schema_name, _, name = where.rpartition(".")
    if engine.dialect.name == "sqlite":
        try:
            table = sa.Table(name, sa.MetaData(), schema=schema_name or None, autoload_with=engine)
        except sa.exc.NoSuchTableError:
            raise SchemaError(f"no table {where!r} in {_shown(engine)}") from None
        return table, reflect_schema(table)
    cols = sa.table(
        "columns",
        sa.column("table_schema"),
        sa.column("table_name"),
        sa.column("column_name"),
        sa.column("data_type"),
        sa.column("ordinal_position"),
        schema="information_schema",
    )
    query = sa.select(cols.c.column_name, cols.c.data_type).where(cols.c.table_name == name)
    if schema_name:
        query = query.where(cols.c.table_schema == schema_name)
    with engine.connect() as conn:
        found = conn.execute(query.order_by(cols.c.ordinal_position)).all()
    if not found:
        raise SchemaError(f"no table {where!r} in {_shown(engine)}")
    specs = [
        ColumnSpec(name=str(c), type=_type_of(str(t)), unique=c == "customer_id") for c, t in found
    ]
    schema = CustomerSchema(tuple(specs))
    return customers_table(schema, name, db_schema=schema_name or None), schema


def _type_of(data_type: str) -> str:
    """The rule-language type of an SQL data type name."""
    text = data_type.lower()
    for marks, type_ in (
        (("bool",), "boolean"),
        (("timestamp", "datetime"), "datetime"),
        (("date",), "date"),
        (("int",), "integer"),
        (("double", "real", "float", "numeric", "decimal"), "number"),
    ):
        if any(m in text for m in marks):
            return type_
    return "string"


def _shown(engine: sa.Engine) -> str:
    """The database URL without its password."""
    return engine.url.render_as_string(hide_password=True)


def _flag(compiler: SqlCompiler, rule: Any, label: str) -> sa.ColumnElement[Any]:
    """1 where the rule is true, else 0 (unknown never matches)."""
    return sa.case((compiler.compile(rule.tree), 1), else_=0).label(label)


def build_query(
    table: sa.Table,
    schema: CustomerSchema,
    audience: AudienceSpec,
    segments: Sequence[SegmentSpec],
    dialect: str,
    as_of: Any,
) -> tuple[sa.Select[Any], Any]:
    """The SELECT of id, consent, audience and segment flags (and the parsed plan)."""
    if CONSENT_COLUMN not in schema:
        raise SchemaError(
            f'the customer table has no "{CONSENT_COLUMN}" column (education consent)'
        )
    plan = make_plan(audience, segments, schema)
    day = as_of_datetime(as_of).astype(dt.date)
    compiler = SqlCompiler(table, schema, dialect, day)
    flags = [_flag(compiler, parse_rule(CONSENT_COLUMN, schema), "consent")]
    if plan.where is not None:
        flags.append(_flag(compiler, plan.where, "audience"))
    flags += [_flag(compiler, r, f"s{i}") for i, r in enumerate(plan.segment_rules)]
    ident = sa.cast(table.c[schema.id_column], sa.Text).label("customer_id")
    query = sa.select(ident, *flags).where(table.c[schema.id_column].is_not(None))
    return query, plan


def _duplicated_ids(conn: sa.Connection, table: sa.Table, id_column: str) -> set[str]:
    """Ids that appear more than once (usually none; one aggregate the database runs)."""
    col = table.c[id_column]
    query = sa.select(sa.cast(col, sa.Text)).group_by(col).having(sa.func.count() > 1)
    return {str(v) for v in conn.execute(query).scalars()}


def _chunks(conn: sa.Connection, query: sa.Select[Any], rows: int) -> Iterator[pd.DataFrame]:
    """The result in chunks of ``rows`` (a server-side cursor where the driver has one)."""
    result = conn.execution_options(stream_results=True, yield_per=rows).execute(query)
    names = list(result.keys())
    for part in result.partitions(rows):
        yield pd.DataFrame.from_records(part, columns=names)


def segment_table(
    url: str | sa.Engine,
    where: str,
    out: str | Path | Output,
    audience: AudienceSpec,
    segments: Sequence[SegmentSpec],
    *,
    as_of: dt.date | dt.datetime | str | None = None,
    opted_out: Iterable[str] = (),
    all_matches: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> TableRun:
    """Assign the customers of table ``where`` in its own database; write ``out`` by chunks."""
    target = output_target(out)
    engine = sa.create_engine(_driver(url)) if isinstance(url, str) else url
    opted = list(opted_out)
    try:
        table, schema = _table(engine, where)
        query, plan = build_query(table, schema, audience, segments, engine.dialect.name, as_of)
        with engine.connect() as conn, replacing(target) as temp:
            repeated = _duplicated_ids(conn, table, schema.id_column)
            sink = _Sink(target, temp)
            for chunk in _chunks(conn, query, chunk_rows):
                if repeated:
                    chunk = chunk[~chunk["customer_id"].isin(repeated)]
                flags = [chunk[c].to_numpy(dtype=np.int8) == 1 for c in chunk.columns[1:]]
                consent = flags.pop(0)
                audience_ok = flags.pop(0) if plan.where is not None else np.ones(len(chunk), bool)
                done = finish(
                    chunk["customer_id"], consent, audience_ok, flags, plan, opted, all_matches
                )
                sink.write(done)
            sink.close()
            if repeated:
                _write_duplicates(repeated, target.rejected_path, schema.id_column)
    finally:
        if isinstance(url, str):
            engine.dispose()
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": False}))
    return TableRun(
        target.path, sink.rows, dict(sink.reasons), dict(sink.segments), len(repeated), sql
    )


def _driver(url: str) -> str:
    """psycopg 3 for a bare postgresql:// URL (the driver fanzha installs)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _write_duplicates(ids: set[str], path: Path, id_column: str) -> None:
    rows = sorted(ids)
    pd.DataFrame(
        {id_column: rows, "reason": [f"{id_column}: duplicate ({i})" for i in rows]}
    ).to_csv(path, index=False)


class _Sink:
    """Appends finished chunks to one .csv/.parquet file or a dataset directory."""

    def __init__(self, target: Output, temp: Path) -> None:
        self.target, self.temp = target, temp
        self.writer: pq.ParquetWriter | None = None
        self.parts = 0
        self.rows = 0
        self.reasons: Counter[str] = Counter()
        self.segments: Counter[str] = Counter()

    def write(self, frame: pd.DataFrame) -> None:
        """One chunk, counted and appended."""
        table = pa.Table.from_pandas(frame, preserve_index=False)
        for name, counter in (("reason", self.reasons), ("segment", self.segments)):
            for item in pc.value_counts(table.column(name)).to_pylist():
                if item["values"]:
                    counter[item["values"]] += item["counts"]
        self.rows += len(frame)
        if self.target.kind == "csv":
            frame.to_csv(self.temp, mode="a", header=self.parts == 0, index=False)
        elif self.target.kind == "dataset":
            pq.write_table(table, self.temp / PART.format(self.parts))
        else:
            if self.writer is None:
                self.writer = pq.ParquetWriter(self.temp, table.schema)
            self.writer.write_table(table)
        self.parts += 1

    def close(self) -> None:
        """Finish the file (an empty table still gets its header)."""
        if self.writer is not None:
            self.writer.close()
        if self.parts == 0 and self.target.kind != "dataset":
            columns = ["customer_id", "segment", "holdout", "eligible", "reason"]
            empty = pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
            if self.target.kind == "csv":
                empty.to_csv(self.temp, index=False)
            else:
                empty.to_parquet(self.temp, index=False)
