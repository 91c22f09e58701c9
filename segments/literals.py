"""Rule literals that match nobody: a value outside the declared ``values``, or no customer has it.

``occupation in ["shop_owner", "shopowner"]`` parses and type-checks, but its second item
silently matches no one. ``literal_problems`` finds such literals, with their position in
the rule text and a "did you mean" from the declared or observed values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fanzha.segments.domains import did_you_mean, zone_names
from fanzha.segments.nodes import Call, Column, Compare, InList, Literal, Node, Rule
from fanzha.segments.schema import CustomerSchema

if TYPE_CHECKING:  # only a check against customers' rows needs them
    import pandas as pd

_MAX_SUGGESTED = 10_000  # distinct values beyond this (ids, names) give no suggestion


@dataclass(frozen=True)
class LiteralProblem:
    """A literal in a rule that matches no customer; ``column`` is 1-based in the rule text."""

    rule: str
    column: int
    name: str
    value: str
    message: str
    never: bool  # True when the schema rules the value out (no customer can ever have it)

    def __str__(self) -> str:
        return f"{self.message} (column {self.column})"


def _compared(node: Node) -> Iterator[tuple[str, bool, Literal]]:
    """(column, lowered, literal) for each string literal compared for equality to a column."""
    for item in node.walk():
        if isinstance(item, Compare) and item.op in ("==", "!="):
            pairs = [(item.left, item.right), (item.right, item.left)]
        elif isinstance(item, InList):
            pairs = [(item.operand, lit) for lit in item.items]
        else:
            continue
        for side, other in pairs:
            target, lowered = side, False
            if isinstance(side, Call) and side.func == "lower" and side.args:
                target, lowered = side.args[0], True
            if (
                isinstance(target, Column)
                and isinstance(other, Literal)
                and other.kind == "string"
                and isinstance(other.value, str)
            ):
                yield target.name, lowered, other


def _observed(values: pd.Series) -> pd.Index:
    """The distinct values customers actually have (unused categories left out)."""
    import numpy as np
    import pandas as pd

    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        counts = np.bincount(codes[codes >= 0], minlength=len(values.cat.categories))
        return pd.Index(values.cat.categories[counts > 0]).astype("str")
    return pd.Index(pd.unique(values.dropna())).astype("str")


def literal_problems(
    rule: Rule, schema: CustomerSchema, customers: pd.DataFrame | None = None
) -> list[LiteralProblem]:
    """Literals compared to a column that no customer has (or, with the schema, can have)."""
    found: list[LiteralProblem] = []
    seen: dict[tuple[str, bool], pd.Index] = {}
    for name, lowered, literal in _compared(rule.tree):
        if name not in schema:
            continue
        spec, value = schema[name], str(literal.value)
        declared = [str(v) for v in spec.values] if spec.values is not None else None
        if declared is not None and lowered:
            declared = [v.lower() for v in declared]
        shown = f'{"lower(" + name + ")" if lowered else name} "{value}"'
        message, never = "", True
        if declared is not None and value not in declared:
            message = f"{shown} is not one of the declared values{did_you_mean(value, declared)}"
        elif spec.format == "timezone" and not lowered and value not in zone_names():
            message = f"{shown} is not an IANA time zone{did_you_mean(value, zone_names())}"
        elif customers is not None and name in customers.columns:
            key = (name, lowered)
            if key not in seen:
                observed = _observed(customers[name])
                seen[key] = observed.str.lower().unique() if lowered else observed
            observed = list(seen[key])
            if value not in set(observed):
                # a declared value is no typo: no suggestion; otherwise the closest observed
                options = [] if declared else list(observed)[:_MAX_SUGGESTED]
                message = f"no customer has {shown}{did_you_mean(value, options)}"
                never = False
        if message:
            found.append(LiteralProblem(rule.text, literal.start + 1, name, value, message, never))
    return found
