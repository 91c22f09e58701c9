"""``explain``: a clause-by-clause trace, for a marketer, of why a customer did or did not match."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fanzha.segments import vectors as v
from fanzha.segments.assignment import (
    CONSENT_COLUMN,
    AudienceSpec,
    SegmentSpec,
    assign_pandas,
    make_plan,
)
from fanzha.segments.engine_pandas import Evaluator
from fanzha.segments.errors import CustomerNotFound
from fanzha.segments.holdout import holdout_scores
from fanzha.segments.nodes import BoolOp, Call, Compare, InList, Node, Not, Rule
from fanzha.segments.schema import CustomerSchema, infer_schema

WIDTH = 26


@dataclass(frozen=True)
class Clause:
    """One node of a rule as evaluated: its text, the values seen, true/false/unknown."""

    text: str
    seen: str
    result: str
    children: tuple[Clause, ...] = ()

    def lines(self, indent: int) -> list[str]:
        """Rendered lines: leaves as ``text  values  result``; and/or/not with their parts."""
        pad = "  " * indent
        if not self.children:
            text = f"{self.text:<{WIDTH}}" if len(self.text) < WIDTH else self.text + "  "
            seen = f"{self.seen:<14}" if len(self.seen) < 14 else self.seen + "  "
            return [f"{pad}{text} {seen} {self.result}"]
        out = [f"{pad}{self.text}  → {self.result}"]  # a nested group: its text, then its parts
        for child in self.children:
            out += child.lines(indent + 1)
        return out

    def body(self) -> list[str]:
        """Lines under a rule's headline: the parts of a top-level and/or, else the rule itself."""
        if self.children and self.seen in ("all of:", "any of:"):
            return [line for child in self.children for line in child.lines(1)]
        return self.lines(1)


@dataclass(frozen=True)
class SegmentTrace:
    """One segment: its rule, whether it was checked, and its clause trace."""

    id: str
    rule: str
    result: str
    checked: bool
    clause: Clause | None
    note: str = ""


@dataclass(frozen=True)
class Explanation:
    """Why one customer got their assignment; ``render()`` gives the marketer's text."""

    customer_id: str
    facts: dict[str, str]
    consent: bool
    opted_out: bool
    audience_rule: str | None
    audience: Clause | None
    holdout: bool
    holdout_score: float
    holdout_pct: float
    segments: tuple[SegmentTrace, ...] = field(default_factory=tuple)
    segment: str = ""
    reason: str = ""

    def _holdout_line(self) -> str:
        if self.reason in ("no_consent", "opted_out", "audience_rule"):
            return "holdout: not applied (the customer is not eligible)"
        sign = "<" if self.holdout else "≥"
        share = self.holdout_pct / 100
        digits = 3  # more only when rounding would make the comparison read wrong
        while digits < 10 and (float(f"{self.holdout_score:.{digits}f}") < share) != self.holdout:
            digits += 1
        score = f"{self.holdout_score:.{digits}f}"
        return f"holdout: {'yes' if self.holdout else 'no'} (hash {score} {sign} {share:g})"

    def render(self) -> str:
        """Plain text, one clause per line, values as the customer's data has them."""
        facts = ", ".join(f"{k} {val}" for k, val in self.facts.items())
        out = [f"customer {self.customer_id} ({facts})"]
        out.append(f"consent to education messages: {'yes' if self.consent else 'no'}")
        if self.opted_out:
            out.append("opted out: yes (never contacted)")
        if self.audience is not None:
            out.append(f"audience: {self.audience_rule}  → {self.audience.result}")
            out += self.audience.body()
        out.append(self._holdout_line())
        for seg in self.segments:
            if not seg.checked:
                out.append(f"segment {seg.id}: (not checked: {seg.note})")
                continue
            out.append(f"segment {seg.id}: {seg.rule}  → {seg.result}")
            assert seg.clause is not None
            out += seg.clause.body()
        out.append(f"result: {_result_words(self.segment, self.reason)}")
        return "\n".join(out)


_REASON_WORDS = {
    "no_consent": "not contacted — no consent to education messages",
    "opted_out": "not contacted — the customer opted out",
    "audience_rule": "not contacted — outside the campaign audience",
    "no_segment": "no segment matched",
}


def _result_words(segment: str, reason: str) -> str:
    if reason == "holdout":
        return f"{segment or 'no segment'} — held out (recorded, never contacted)"
    if reason.startswith("matched:"):
        return segment
    return _REASON_WORDS.get(reason, reason)


def _fmt(vec: v.Vec) -> str:
    """A single-row value the way a marketer reads it."""
    if vec.null is not None and bool(np.asarray(vec.null).reshape(-1)[0]):
        return "missing"
    value = vec.values if vec.scalar else np.asarray(vec.decoded()).reshape(-1)[0]
    if vec.kind == "string":
        return f'"{value}"'
    if vec.kind == "boolean":
        return "yes" if bool(value) else "no"
    if vec.kind == "date":
        stamp = str(np.datetime_as_string(np.datetime64(value, "s")))[:19]
        return stamp.replace("T00:00:00", "").replace("T", " ")
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return str(value)


def _truth(vec: v.Vec) -> str:
    if vec.null is not None and bool(np.asarray(vec.null).reshape(-1)[0]):
        return "unknown"
    return "true" if bool(np.asarray(vec.values).reshape(-1)[0]) else "false"


class _Tracer:
    """Records each node's single-row value during evaluation."""

    def __init__(self) -> None:
        self.seen: dict[int, v.Vec] = {}

    def __call__(self, node: Node, vec: v.Vec) -> None:
        self.seen[id(node)] = vec

    def clause(self, rule: Rule, node: Node) -> Clause:
        vec = self.seen[id(node)]
        text = rule.source(node)
        if isinstance(node, BoolOp) and node.chain:  # 18 <= age <= 30 reads as one clause
            first = node.operands[0]
            assert isinstance(first, Compare)
            seen = _fmt(self.seen[id(first.left)])
            for part in node.operands:
                assert isinstance(part, Compare)
                seen += f" {part.op} {_fmt(self.seen[id(part.right)])}"
            return Clause(text, seen, _truth(vec))
        if isinstance(node, BoolOp):
            parts = tuple(self.clause(rule, o) for o in node.operands)
            return Clause(text, "all of:" if node.op == "and" else "any of:", _truth(vec), parts)
        if isinstance(node, Not):
            return Clause(text, "not:", _truth(vec), (self.clause(rule, node.operand),))
        return Clause(text, self._seen(node), _truth(vec))

    def val(self, node: Node) -> str:
        """A node's single-row value, formatted."""
        return _fmt(self.seen[id(node)])

    def _seen(self, node: Node) -> str:
        """What a leaf clause looked at, with the customer's values substituted."""
        val = self.val
        if isinstance(node, Compare):
            return f"{val(node.left)} {node.op} {val(node.right)}"
        if isinstance(node, InList):
            word = "not in" if node.negated else "in"
            return f"{val(node.operand)} {word} list"
        if isinstance(node, Call):
            return f"{node.func}({val(node.args[0])})"
        return val(node)


def explain(
    customers: pd.DataFrame | pd.Series,
    customer_id: str,
    audience: AudienceSpec,
    segments: Sequence[SegmentSpec],
    as_of: dt.date | dt.datetime | str | None = None,
    *,
    schema: CustomerSchema | None = None,
    opted_out: Iterable[str] = (),
    all_matches: bool = False,
) -> Explanation:
    """Trace one customer (a frame holding them, or their row) through every decision."""
    if isinstance(customers, pd.Series):  # a single customer's row
        customers = pd.DataFrame([customers.to_dict()]).infer_objects()
    schema = schema or infer_schema(customers)
    row = customers[customers[schema.id_column] == customer_id].head(1).reset_index(drop=True)
    if row.empty:
        raise CustomerNotFound(f'customer "{customer_id}" is not in the customer data')
    plan = make_plan(audience, segments, schema)
    opted = [o for o in opted_out if o == customer_id]
    final = assign_pandas(row, plan, schema, opted, as_of, all_matches)
    tracer = _Tracer()
    ev = Evaluator(row, schema, as_of, tracer=tracer)
    audience_clause = None
    if plan.where is not None:
        ev.eval(plan.where.tree)
        audience_clause = tracer.clause(plan.where, plan.where.tree)
    traces, matched = [], None
    for seg_id, rule in zip(plan.segment_ids, plan.segment_rules, strict=True):
        if matched is not None and not all_matches:
            traces.append(
                SegmentTrace(seg_id, rule.text, "", False, None, f"{matched} matched first")
            )
            continue
        ev.eval(rule.tree)
        clause = tracer.clause(rule, rule.tree)
        hit = clause.result == "true"
        matched = seg_id if hit and matched is None else matched
        traces.append(
            SegmentTrace(
                seg_id, rule.text, "MATCH" if hit else f"no match ({clause.result})", True, clause
            )
        )
    used = sorted(
        {c for r in plan.rules for c in r.columns} | {CONSENT_COLUMN}, key=list(schema.names).index
    )
    facts = {c: _fmt(ev.column(c)).strip('"') for c in used if c in schema}
    score = float(holdout_scores(audience.campaign_id, [customer_id])[0])
    return Explanation(
        customer_id=customer_id,
        facts=facts,
        consent=bool(ev.matches(_consent_rule(schema))[0]),
        opted_out=bool(opted),
        audience_rule=plan.where.text if plan.where else None,
        audience=audience_clause,
        holdout=bool(final["holdout"].iloc[0]),
        holdout_score=score,
        holdout_pct=audience.holdout_pct,
        segments=tuple(traces),
        segment=str(final["segment"].iloc[0]),
        reason=str(final["reason"].iloc[0]),
    )


def _consent_rule(schema: CustomerSchema) -> Rule:
    from fanzha.segments.typecheck import parse_rule

    return parse_rule(CONSENT_COLUMN, schema)
