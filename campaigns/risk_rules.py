"""The rules of a campaign's ``risk_prompts``: what they may read, their checks, their compiled form.

A risk prompt's ``when`` is written in the segments' rule language (parsed, never eval'ed)
over three sources: the event the bank's app reports (``kind``, ``amount``, ``payee_new`` …),
the customer's columns and ``segment``, the customer's segment in this campaign. Event fields
take precedence over customer columns of the same name. Kinds are declared values, so a typo
such as ``kind == "transfre"`` is caught by ``fanzha validate`` with a "did you mean".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fanzha.segments import CustomerSchema, Rule

# The kinds of moment the bank's app asks about; new kinds are added here (and in the API).
RISK_KINDS = (
    "transfer",
    "payee_added",
    "loan_drawdown",
    "card_limit_raised",
    "app_login_new_device",
)
PAYEE_TYPES = ("personal", "business")

# name -> (type, declared values): what a risk check's body carries besides the customer id.
EVENT_FIELDS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "kind": ("string", RISK_KINDS),
    "amount": ("number", None),
    "currency": ("string", None),
    "payee_new": ("boolean", None),
    "payee_type": ("string", PAYEE_TYPES),
    "payee_flagged": ("boolean", None),
    "screen_sharing": ("boolean", None),
    "on_call": ("boolean", None),
    "occurred_at": ("datetime", None),
}


def risk_schema(customers: CustomerSchema, segment_ids: Iterable[str]) -> CustomerSchema:
    """The schema a risk rule is checked against: event fields, ``segment``, customer columns."""
    from fanzha.segments import ColumnSpec, CustomerSchema

    ids = tuple(segment_ids)
    own = {name: ColumnSpec(name, t, values=v) for name, (t, v) in EVENT_FIELDS.items()}
    own["segment"] = ColumnSpec("segment", "string", values=ids or None)
    rest = tuple(c for c in customers.columns if c.name not in own)
    return CustomerSchema(columns=(*own.values(), *rest), id_column=customers.id_column)


def risk_rule_problems(
    customers: CustomerSchema, rule: str, segment_ids: Iterable[str]
) -> list[tuple[int, str]]:
    """A risk rule's problems as (1-based column in the rule, message); none when it is sound."""
    from fanzha.segments import RuleError, literal_problems, parse_rule

    schema = risk_schema(customers, segment_ids)
    try:
        parsed = parse_rule(rule, schema)
    except RuleError as exc:
        return [(exc.column, exc.message + (f"; {exc.hint}" if exc.hint else ""))]
    return [(p.column, p.message) for p in literal_problems(parsed, schema) if p.never]


def customer_columns_read(rules: Iterable[str], customers: CustomerSchema) -> list[str]:
    """The customer columns (not event fields, not ``segment``) that these rules read."""
    from fanzha.segments import parse_rule

    schema = risk_schema(customers, ())
    names: set[str] = set()
    for text in rules:
        names |= set(parse_rule(text, schema).columns)
    return sorted(n for n in names if n not in EVENT_FIELDS and n != "segment")


Predicate = Callable[[Mapping[str, Any], dt.datetime], "bool | None"]


def compile_rule(text: str, customers: CustomerSchema) -> Predicate:
    """A risk rule as a function of (record, as-of): True, False or None (unknown)."""
    from fanzha.segments import evaluate_record, parse_rule

    parsed: Rule = parse_rule(text, risk_schema(customers, ()))

    def matches(record: Mapping[str, Any], as_of: dt.datetime) -> bool | None:
        return evaluate_record(parsed, record, as_of)

    return matches


__all__ = [
    "EVENT_FIELDS",
    "PAYEE_TYPES",
    "RISK_KINDS",
    "Predicate",
    "compile_rule",
    "customer_columns_read",
    "risk_rule_problems",
    "risk_schema",
]
