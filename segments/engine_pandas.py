"""The pandas engine: a rule tree evaluated vectorized over a DataFrame, SQL null semantics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
from fanzha.segments import vectors as v
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
from fanzha.segments.schema import CustomerSchema, infer_schema

Tracer = Callable[[Node, v.Vec], None]


def as_of_datetime(as_of: dt.date | dt.datetime | str | None) -> np.datetime64:
    """The run's as-of date as numpy datetime64 (today, UTC, when not given)."""
    if as_of is None:
        as_of = dt.datetime.now(dt.UTC).date()
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of[:10])
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    return np.datetime64(as_of, "D")


class Evaluator:
    """Evaluates rule trees over one frame, converting each column once."""

    def __init__(
        self,
        frame: pd.DataFrame,
        schema: CustomerSchema | None = None,
        as_of: dt.date | dt.datetime | str | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self.frame = frame
        self.n = len(frame)
        self.schema = schema if schema is not None else infer_schema(frame)
        self.as_of = as_of_datetime(as_of)
        self.tracer = tracer
        self._columns: dict[str, v.Vec] = {}

    def column(self, name: str) -> v.Vec:
        """The Vec of a column, built on first use."""
        if name not in self._columns:
            self._columns[name] = v.column_vec(self.frame[name], self.schema.type_of(name))
        return self._columns[name]

    def truth(self, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
        """(known true, unknown) boolean masks of a rule over every row."""
        out = self.eval(rule.tree)
        values = np.broadcast_to(np.asarray(out.values, dtype=bool), (self.n,))
        null = out.null_mask(self.n)
        return values, np.broadcast_to(null, (self.n,))

    def matches(self, rule: Rule) -> np.ndarray:
        """Rows where the rule is true (unknown does not match)."""
        return self.truth(rule)[0]

    def eval(self, node: Node) -> v.Vec:
        """The Vec of one node (recursing into its children)."""
        result = getattr(self, f"_{type(node).__name__.lower()}")(node)
        if self.tracer is not None:
            self.tracer(node, result)
        return result

    def _literal(self, node: Literal) -> v.Vec:
        value = np.bool_(node.value) if node.kind == "boolean" else node.value
        return v.Vec(node.kind, value, None, scalar=True)

    def _column(self, node: Column) -> v.Vec:
        return self.column(node.name)

    def _not(self, node: Not) -> v.Vec:
        return v.logical_not(self.eval(node.operand))

    def _boolop(self, node: BoolOp) -> v.Vec:
        combine = v.logical_and if node.op == "and" else v.logical_or
        result = self.eval(node.operands[0])
        for operand in node.operands[1:]:
            result = combine(result, self.eval(operand))
        return result

    def _compare(self, node: Compare) -> v.Vec:
        return v.compare(node.op, self.eval(node.left), self.eval(node.right))

    def _inlist(self, node: InList) -> v.Vec:
        return v.in_list(self.eval(node.operand), [i.value for i in node.items], node.negated)

    def _arith(self, node: Arith) -> v.Vec:
        return v.arith(node.op, self.eval(node.left), self.eval(node.right))

    def _neg(self, node: Neg) -> v.Vec:
        inner = self.eval(node.operand)
        return v.Vec("number", -inner.values, inner.null, scalar=inner.scalar)

    def _call(self, node: Call) -> v.Vec:
        arg = self.eval(node.args[0])
        if node.func == "is_null":
            if arg.kind == "null":
                return v.Vec("boolean", True, scalar=True)
            return v.Vec("boolean", arg.null_mask(self.n).copy())
        if node.func == "lower":
            return v.lower(arg)
        if node.func == "days_since":
            return v.days_since(arg, self.as_of)
        return v.months_since(arg, self.as_of)


def evaluate(
    rule: Rule,
    frame: pd.DataFrame,
    as_of: dt.date | dt.datetime | str | None = None,
    schema: CustomerSchema | None = None,
) -> pd.Series:
    """The rule over a frame as a nullable boolean Series (True, False or <NA>)."""
    values, null = Evaluator(frame, schema, as_of).truth(rule)
    return pd.Series(pd.arrays.BooleanArray(values.copy(), null.copy()), index=frame.index)
