"""Property: one record evaluated alone gives the pandas engine's true/false/unknown."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from fanzha.segments import evaluate_record
from fanzha.segments.engine_pandas import Evaluator
from fanzha.segments.typecheck import parse_rule
from hypothesis import given, settings

from tests.segments.strategies import AS_OF, SCHEMA, bool_expr, frames


def _record(frame: pd.DataFrame, i: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in frame.iloc[i].items():
        out[str(name)] = None if pd.isna(value) else value
        if isinstance(value, pd.Timestamp) and not pd.isna(value):
            out[str(name)] = value.to_pydatetime()
    return out


@settings(max_examples=300, deadline=None)
@given(rule=bool_expr, frame=frames())
def test_a_record_agrees_with_the_pandas_engine(rule: str, frame: pd.DataFrame) -> None:
    parsed = parse_rule(rule, SCHEMA)
    truth, unknown = Evaluator(frame, SCHEMA, AS_OF).truth(parsed)
    as_of = dt.datetime.combine(AS_OF, dt.time())
    for i in range(len(frame)):
        got = evaluate_record(parsed, _record(frame, i), as_of)
        want = None if unknown[i] else bool(truth[i])
        assert got == want, (rule, _record(frame, i))
