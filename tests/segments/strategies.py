"""Hypothesis strategies: well-typed random rules and random customer data with nulls."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from fanzha.segments.schema import ColumnSpec, CustomerSchema
from hypothesis import strategies as st

SCHEMA = CustomerSchema(
    (
        ColumnSpec("customer_id", "string", required=True, unique=True, nullable=False),
        ColumnSpec("consent_education", "boolean"),
        ColumnSpec("n", "integer"),
        ColumnSpec("x", "number"),
        ColumnSpec("flag", "boolean"),
        ColumnSpec("word", "string"),
        ColumnSpec("when", "datetime"),
    )
)
WORDS = ["", "a", "B", "ab", "Ab", "b", "张", "Zz"]
AS_OF = dt.date(2027, 3, 15)

num_leaf = st.one_of(
    st.sampled_from(["n", "x", "days_since(when)", "months_since(when)"]),
    st.integers(-4, 4).map(str),
    st.sampled_from(["0.5", "1.25", "0"]),
)
num_expr = st.recursive(
    num_leaf,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from("+-*/"), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda a: f"-({a})"),
    ),
    max_leaves=4,
)
str_lit = st.sampled_from(WORDS).map(lambda w: f'"{w}"')
str_expr = st.one_of(st.just("word"), st.just("lower(word)"), str_lit)
ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])

bool_leaf = st.one_of(
    st.sampled_from(["flag", "consent_education", "true", "false"]),
    st.sampled_from(["n", "x", "word", "flag", "when"]).map(lambda c: f"is_null({c})"),
    st.tuples(num_expr, ops, num_expr).map(" ".join),
    st.tuples(str_expr, ops, str_expr).map(" ".join),
    st.tuples(
        st.sampled_from(["flag", "true"]),
        st.sampled_from(["==", "!="]),
        st.sampled_from(["flag", "false"]),
    ).map(" ".join),
    st.tuples(
        st.sampled_from(["in", "not in"]), st.lists(st.integers(-3, 3), min_size=1, max_size=3)
    ).map(lambda t: f"n {t[0]} {t[1]}"),
    st.tuples(
        st.sampled_from(["in", "not in"]), st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)
    ).map(lambda t: f"word {t[0]} [{', '.join(repr(w).replace(chr(39), chr(34)) for w in t[1])}]"),
    st.tuples(st.integers(-3, 0), st.integers(0, 3)).map(lambda t: f"{t[0]} <= n < {t[1]}"),
)
bool_expr = st.recursive(
    bool_leaf,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda a: f"not ({a})"),
    ),
    max_leaves=6,
)

_stamp = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 6, 30)).map(
    lambda d: d.replace(microsecond=0)
)
row = st.tuples(
    st.one_of(st.none(), st.booleans()),
    st.one_of(st.none(), st.integers(-4, 4)),
    st.one_of(st.none(), st.sampled_from([-1.5, 0.0, 0.5, 2.0, 3.25])),
    st.one_of(st.none(), st.booleans()),
    st.one_of(st.none(), st.sampled_from(WORDS)),
    st.one_of(st.none(), _stamp),
)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """A small customer frame whose every column may hold nulls."""
    rows = draw(st.lists(row, min_size=1, max_size=25))
    cols = list(zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:09d}" for i in range(len(rows))],
            "consent_education": pd.array(cols[0], dtype="boolean"),
            "n": pd.array(cols[1], dtype="Int64"),
            "x": pd.array(cols[2], dtype="float64"),
            "flag": pd.array(cols[3], dtype="boolean"),
            "word": pd.Series(cols[4], dtype="str"),
            "when": pd.Series(pd.to_datetime(list(cols[5])), dtype="datetime64[us]"),
        }
    )
