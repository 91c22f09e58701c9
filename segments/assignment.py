"""What an assignment means: specs, the parsed plan, and combining rule results (pandas).

Shared by every engine; ``segments.assign`` dispatches to them (kept apart so the
engines import this module and nothing imports back)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from fanzha.segments.engine_pandas import Evaluator
from fanzha.segments.errors import SchemaError, SegmentsError
from fanzha.segments.holdout import in_holdout
from fanzha.segments.nodes import Rule
from fanzha.segments.schema import CustomerSchema
from fanzha.segments.typecheck import parse_rule

CONSENT_COLUMN = "consent_education"
FIXED_REASONS = ("no_consent", "opted_out", "audience_rule", "holdout", "no_segment")
OUTPUT_COLUMNS = ("customer_id", "segment", "holdout", "eligible", "reason")


@dataclass(frozen=True)
class AudienceSpec:
    """Who may be contacted: the campaign, its audience rule and the holdout percentage."""

    campaign_id: str
    where: str | Rule | None = None
    holdout_pct: float = 0.0


@dataclass(frozen=True)
class SegmentSpec:
    """One segment: its id and rule (priority is the order of the list)."""

    id: str
    rule: str | Rule


@dataclass(frozen=True)
class Plan:
    """The parsed rules of one assignment: audience (or None) and segments in order."""

    audience: AudienceSpec
    where: Rule | None
    segment_ids: tuple[str, ...]
    segment_rules: tuple[Rule, ...]

    @property
    def rules(self) -> list[Rule]:
        """Every rule to evaluate: the audience rule first (when any), then segments."""
        return ([self.where] if self.where is not None else []) + list(self.segment_rules)


def _rule(rule: str | Rule, schema: CustomerSchema) -> Rule:
    return rule if isinstance(rule, Rule) else parse_rule(rule, schema)


def make_plan(
    audience: AudienceSpec, segments: Sequence[SegmentSpec], schema: CustomerSchema
) -> Plan:
    """Parse and type-check every rule against the schema before any row is touched."""
    ids = [s.id for s in segments]
    if len(set(ids)) != len(ids):
        raise SegmentsError(f"segment ids must be unique: {ids}")
    where = _rule(audience.where, schema) if audience.where else None
    return Plan(audience, where, tuple(ids), tuple(_rule(s.rule, schema) for s in segments))


def _arrow_strings(values: Any) -> pa.Array:
    array = pa.array(values, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _labels(codes: np.ndarray, labels: Sequence[str]) -> pd.Categorical:
    """Low-cardinality labels as a Categorical: one byte per row instead of one string."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(labels), dtype="str"))


def finish(
    ids: pd.Series,
    consent: np.ndarray,
    audience_true: np.ndarray,
    segment_true: Sequence[np.ndarray],
    plan: Plan,
    opted_out: Iterable[str] = (),
    all_matches: bool = False,
) -> pd.DataFrame:
    """Combine per-row rule results into ``customer_id, segment, holdout, eligible, reason``."""
    id_array = _arrow_strings(ids)
    opted_list = list(opted_out)
    opted = (
        pc.is_in(id_array, value_set=pa.array(opted_list, pa.string())).to_numpy(
            zero_copy_only=False
        )
        if opted_list
        else np.zeros(len(id_array), dtype=bool)
    )
    eligible = consent & ~opted & audience_true
    held = np.zeros(len(id_array), dtype=bool)
    if eligible.any() and plan.audience.holdout_pct > 0:  # only eligible customers are hashed
        eligible_ids = id_array.filter(pa.array(eligible))
        held[eligible] = in_holdout(
            plan.audience.campaign_id, eligible_ids, plan.audience.holdout_pct
        )
    reason = np.select([~consent, opted, ~audience_true, held], [0, 1, 2, 3], default=4).astype(
        np.int32
    )
    reasons = [*FIXED_REASONS, *(f"matched:{s}" for s in plan.segment_ids)]
    labels = ["", *plan.segment_ids]
    if not all_matches:
        segment = np.zeros(len(id_array), dtype=np.int32)
        for i in range(len(segment_true) - 1, -1, -1):  # reversed: the first match wins
            segment = np.where(segment_true[i], i + 1, segment)
        segment = np.where(eligible, segment, 0)
        reason = np.where(eligible & ~held & (segment > 0), segment + 4, reason)
        index = np.arange(len(id_array))
    else:
        hits = (
            np.stack(segment_true, axis=1) & eligible[:, None]
            if segment_true
            else np.zeros((len(id_array), 0), bool)
        )
        none = np.logical_not(np.any(hits, axis=1))
        rows, cols = np.nonzero(np.concatenate([hits, none[:, None]], axis=1))
        index = rows  # row-major: each customer's matches stay together, in priority order
        segment = np.where(cols < len(segment_true), cols + 1, 0).astype(np.int32)
        reason = np.where(~held[rows] & (segment > 0) & eligible[rows], segment + 4, reason[rows])
    out_ids = (
        id_array
        if len(index) == len(id_array) and not all_matches
        else id_array.take(pa.array(index))
    )
    return pd.DataFrame(
        {
            "customer_id": pd.Series(out_ids, dtype=pd.StringDtype("pyarrow", na_value=np.nan)),
            "segment": _labels(segment, labels),
            "holdout": held[index],
            "eligible": eligible[index],
            "reason": _labels(reason, reasons),
        },
        copy=False,
    )


def _consent(evaluator: Evaluator, schema: CustomerSchema) -> np.ndarray:
    if CONSENT_COLUMN not in schema:
        raise SchemaError(f'the customer data has no "{CONSENT_COLUMN}" column (education consent)')
    return evaluator.matches(parse_rule(CONSENT_COLUMN, schema))


def assign_pandas(
    frame: pd.DataFrame,
    plan: Plan,
    schema: CustomerSchema,
    opted_out: Iterable[str],
    as_of: Any,
    all_matches: bool,
) -> pd.DataFrame:
    """The pandas engine end to end."""
    ev = Evaluator(frame, schema, as_of)
    audience = ev.matches(plan.where) if plan.where is not None else np.ones(len(frame), dtype=bool)
    segments = [ev.matches(r) for r in plan.segment_rules]
    ids = frame[schema.id_column]
    return finish(ids, _consent(ev, schema), audience, segments, plan, opted_out, all_matches)
