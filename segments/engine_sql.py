"""The SQL engine: rule trees compiled to SQLAlchemy Core, run in SQLite or PostgreSQL."""

from __future__ import annotations

import datetime as dt
import string

import numpy as np
import pandas as pd
import sqlalchemy as sa
from fanzha.segments.engine_pandas import as_of_datetime
from fanzha.segments.nodes import (
    Arith,
    BoolOp,
    Call,
    Column,
    Compare,
    InList,
    Literal,
    Neg,
    Node,
    Not,
    Rule,
)
from fanzha.segments.schema import CustomerSchema
from sqlalchemy.sql.elements import ColumnElement

ROW_COLUMN = "_fanzha_row"
_SA_TYPES = {
    "string": sa.Text,
    "integer": sa.BigInteger,
    "number": sa.Float,
    "boolean": sa.Boolean,
    "date": sa.Date,
    "datetime": sa.DateTime,
}
_CMP = {
    "==": "__eq__",
    "!=": "__ne__",
    "<": "__lt__",
    "<=": "__le__",
    ">": "__gt__",
    ">=": "__ge__",
}


class SqlCompiler:
    """Compiles rule trees for one dialect; literals are always bound parameters."""

    def __init__(
        self, table: sa.Table, schema: CustomerSchema, dialect: str, as_of: dt.date
    ) -> None:
        self.table = table
        self.schema = schema
        self.dialect = dialect
        self.as_of = as_of

    def kind(self, node: Node) -> str:
        """The rule-language type of a node (string comparisons need a collation in PostgreSQL)."""
        if isinstance(node, Literal):
            return node.kind
        if isinstance(node, Column):
            type_ = self.schema.type_of(node.name)
            return "number" if type_ in ("integer", "number") else type_
        if isinstance(node, Call):
            return {"lower": "string", "is_null": "boolean"}.get(node.func, "number")
        return "number" if isinstance(node, Arith | Neg) else "boolean"

    def compile(self, node: Node) -> ColumnElement:
        """SQLAlchemy expression of one node."""
        return getattr(self, f"_{type(node).__name__.lower()}")(node)

    def _literal(self, node: Literal) -> ColumnElement:
        if node.kind == "null":
            return sa.null()
        type_ = {"string": sa.Text, "boolean": sa.Boolean}.get(node.kind)
        if type_ is None:
            type_ = sa.BigInteger if isinstance(node.value, int) else sa.Float
        return sa.literal(node.value, type_())

    def _column(self, node: Column) -> ColumnElement:
        return self.table.c[node.name]

    def _not(self, node: Not) -> ColumnElement:
        return sa.not_(self.compile(node.operand))

    def _boolop(self, node: BoolOp) -> ColumnElement:
        parts = [self.compile(o) for o in node.operands]
        return sa.and_(*parts) if node.op == "and" else sa.or_(*parts)

    def _compare(self, node: Compare) -> ColumnElement:
        left, right = self.compile(node.left), self.compile(node.right)
        if (
            self.dialect == "postgresql"
            and self.kind(node.left) == "string"
            and node.op not in ("==", "!=")
        ):
            # byte order, like Python and SQLite, whatever the database's locale
            left = sa.collate(left, "C")
        return getattr(left, _CMP[node.op])(right)

    def _inlist(self, node: InList) -> ColumnElement:
        operand = self.compile(node.operand)
        values = [i.value for i in node.items]
        return operand.not_in(values) if node.negated else operand.in_(values)

    def _arith(self, node: Arith) -> ColumnElement:
        left, right = self.compile(node.left), self.compile(node.right)
        if node.op == "/":
            # true division, and null (not an error) when dividing by zero
            return sa.cast(left, sa.Float) / sa.func.nullif(sa.cast(right, sa.Float), 0.0)
        return {"+": left + right, "-": left - right, "*": left * right}[node.op]

    def _neg(self, node: Neg) -> ColumnElement:
        return -self.compile(node.operand)

    def _call(self, node: Call) -> ColumnElement:
        arg = self.compile(node.args[0])
        if node.func == "is_null":
            return arg.is_(None)
        if node.func == "lower":
            if self.dialect == "sqlite":
                return sa.func.lower(arg)  # SQLite's lower() folds ASCII only, like ours
            return sa.func.translate(arg, string.ascii_uppercase, string.ascii_lowercase)
        if node.func == "days_since":
            return self._days_since(arg)
        return self._months_since(arg)

    def _days_since(self, arg: ColumnElement) -> ColumnElement:
        ref = self.as_of.isoformat()
        if self.dialect == "sqlite":
            diff = sa.func.julianday(ref) - sa.func.julianday(sa.func.date(arg))
            return sa.cast(sa.func.round(diff), sa.Integer)
        return sa.cast(sa.literal(ref), sa.Date) - sa.cast(arg, sa.Date)

    def _part(self, arg: ColumnElement, part: str) -> ColumnElement:
        if self.dialect == "sqlite":
            fmt = {"year": "%Y", "month": "%m", "day": "%d"}[part]
            return sa.cast(sa.func.strftime(fmt, arg), sa.Integer)
        return sa.cast(sa.extract(part, arg), sa.Integer)

    def _months_since(self, arg: ColumnElement) -> ColumnElement:
        ref = self.as_of
        day = self._part(arg, "day")
        months = (ref.year - self._part(arg, "year")) * 12 + (ref.month - self._part(arg, "month"))
        return months - sa.case((day > ref.day, 1), else_=0)


def tri_state(expr: ColumnElement) -> ColumnElement:
    """1 when true, 0 when false, NULL when unknown."""
    return sa.case((expr, 1), (sa.not_(expr), 0), else_=None)


def customers_table(
    schema: CustomerSchema, name: str, with_row: bool = False, db_schema: str | None = None
) -> sa.Table:
    """A Table object for the customer columns (and our row-order column when loaded by us)."""
    cols = [sa.Column(c.name, _SA_TYPES[c.type]()) for c in schema.columns]
    if with_row:
        cols.append(sa.Column(ROW_COLUMN, sa.BigInteger))
    return sa.Table(name, sa.MetaData(), *cols, schema=db_schema)


def load_frame(
    engine: sa.Engine, frame: pd.DataFrame, schema: CustomerSchema, name: str
) -> sa.Table:
    """Write a frame into a table (with a row-order column) so SQL can evaluate it."""
    table = customers_table(schema, name, with_row=True)
    table.drop(engine, checkfirst=True)
    table.create(engine)
    data = frame[list(schema.names)].copy()
    data[ROW_COLUMN] = np.arange(len(frame), dtype=np.int64)
    data.to_sql(name, engine, if_exists="append", index=False, chunksize=50_000)
    return table


def sql_truths(
    engine: sa.Engine,
    table: sa.Table,
    schema: CustomerSchema,
    rules: list[Rule],
    as_of: dt.date | dt.datetime | str | None = None,
) -> tuple[pd.Series, list[tuple[np.ndarray, np.ndarray]]]:
    """Customer ids and each rule's (true, unknown) masks, computed by the database."""
    day = as_of_datetime(as_of).astype(dt.date)
    compiler = SqlCompiler(table, schema, engine.dialect.name, day)
    exprs = [tri_state(compiler.compile(r.tree)).label(f"r{i}") for i, r in enumerate(rules)]
    order = table.c[ROW_COLUMN] if ROW_COLUMN in table.c else table.c[schema.id_column]
    query = sa.select(table.c[schema.id_column], *exprs).order_by(order)
    with engine.connect() as conn:
        result = pd.read_sql_query(query, conn)
    ids = result.iloc[:, 0].astype("str")
    truths = []
    for i in range(len(rules)):
        values = pd.to_numeric(result[f"r{i}"], errors="coerce")
        null = values.isna().to_numpy()
        truths.append((values.eq(1).to_numpy() & ~null, null))
    return ids, truths
