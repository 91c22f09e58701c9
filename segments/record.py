"""A rule over one record (a mapping of values): the engines' SQL three-valued logic, no pandas.

The risk-check endpoint decides per request, in microseconds, over the event's fields and one
customer's columns; building a one-row DataFrame for the vector engine would cost more than
the whole decision. The semantics are the pandas engine's (``vectors``): a comparison with
null is unknown, ``and``/``or`` are Kleene's, division by zero is null, ``lower`` is ASCII
only; ``tests/segments/test_record.py`` checks the two agree.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from typing import Any

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

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _stamp(value: Any) -> Any:
    """Dates and date-times as naive UTC datetimes (as the engines compare them)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


class _Record:
    """Evaluates one tree over one mapping; ``None`` is null / unknown."""

    def __init__(self, values: Mapping[str, Any], as_of: dt.datetime) -> None:
        self.values = values
        self.as_of = as_of

    def eval(self, node: Node) -> Any:
        return getattr(self, f"_{type(node).__name__.lower()}")(node)

    def _literal(self, node: Literal) -> Any:
        return node.value

    def _column(self, node: Column) -> Any:
        return _stamp(self.values.get(node.name))

    def _not(self, node: Not) -> Any:
        value = self.eval(node.operand)
        return None if value is None else not value

    def _boolop(self, node: BoolOp) -> Any:
        unknown = False
        for operand in node.operands:
            value = self.eval(operand)
            if value is None:
                unknown = True
            elif bool(value) == (node.op == "or"):  # true decides an or, false an and
                return node.op == "or"
        return None if unknown else node.op == "and"

    def _compare(self, node: Compare) -> Any:
        left, right = self.eval(node.left), self.eval(node.right)
        if left is None or right is None:
            return None
        if isinstance(left, dt.datetime) and isinstance(right, str):
            right = _stamp(dt.datetime.fromisoformat(right))
        elif isinstance(right, dt.datetime) and isinstance(left, str):
            left = _stamp(dt.datetime.fromisoformat(left))
        return _OPS[node.op](left, right)

    def _inlist(self, node: InList) -> Any:
        value = self.eval(node.operand)
        if value is None:
            return None
        hit = any(value == item.value for item in node.items)
        return not hit if node.negated else hit

    def _arith(self, node: Arith) -> Any:
        left, right = self.eval(node.left), self.eval(node.right)
        if left is None or right is None:
            return None
        if node.op == "/":
            return None if right == 0 else left / right
        return {"+": operator.add, "-": operator.sub, "*": operator.mul}[node.op](left, right)

    def _neg(self, node: Neg) -> Any:
        value = self.eval(node.operand)
        return None if value is None else -value

    def _call(self, node: Call) -> Any:
        value = self.eval(node.args[0])
        if node.func == "is_null":
            return value is None
        if value is None:
            return None
        if node.func == "lower":
            return str(value).translate(_ASCII_LOWER)
        day, ref = value.date(), self.as_of.date()
        if node.func == "days_since":
            return (ref - day).days
        months = (ref.year - day.year) * 12 + ref.month - day.month
        return months - (ref.day < day.day)


def evaluate_record(
    rule: Rule, values: Mapping[str, Any], as_of: dt.datetime | None = None
) -> bool | None:
    """The rule over one record: True, False, or None when unknown (which does not match)."""
    now = _stamp(as_of) if as_of is not None else dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = _Record(values, now).eval(rule.tree)
    return None if result is None else bool(result)


__all__ = ["evaluate_record"]
