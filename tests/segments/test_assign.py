"""Eligibility, holdout and assignment: reasons, priority, determinism, engines agreeing."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.segments import AudienceSpec, SegmentSpec, assign, generate_customers, in_holdout
from fanzha.segments.errors import SegmentsError

AUDIENCE = AudienceSpec("spring-2027", "months_in_city < 36 and consent_education", 5)
SEGMENTS = [
    SegmentSpec("elderly", "age >= 55"),
    SegmentSpec(
        "founders", 'has_business_license or occupation in ["self_employed", "shop_owner"]'
    ),
    SegmentSpec("young_workers", "18 <= age <= 30 and months_employed < 24"),
]


def _people(**cols: list) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {
        "customer_id": [f"C{i:09d}" for i in range(n)],
        "age": [40] * n,
        "months_in_city": [12] * n,
        "occupation": ["office"] * n,
        "has_business_license": [False] * n,
        "months_employed": pd.array([60] * n, dtype="Int64"),
        "consent_education": [True] * n,
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_output_columns_and_reasons() -> None:
    people = _people(
        age=[60, 60, 40, 25, 40, 40],
        consent_education=[False, True, True, True, True, True],
        months_in_city=[12, 12, 12, 12, 100, 12],
        has_business_license=[False, False, True, False, False, False],
        months_employed=pd.array([None, 5, 60, 3, 5, 100], dtype="Int64"),
    )
    out = assign(people, AudienceSpec("c", AUDIENCE.where, 0), SEGMENTS, opted_out=["C000000001"])
    assert list(out.columns) == ["customer_id", "segment", "holdout", "eligible", "reason"]
    assert out["reason"].tolist() == [
        "no_consent",
        "opted_out",
        "matched:founders",
        "matched:young_workers",
        "audience_rule",
        "no_segment",
    ]
    assert out["segment"].tolist() == ["", "", "founders", "young_workers", "", ""]
    assert out["eligible"].tolist() == [False, False, True, True, False, True]
    assert not out["holdout"].any()


def test_first_match_wins_and_all_matches_lists_every_segment() -> None:
    people = _people(
        age=[60, 26],
        has_business_license=[True, True],
        months_employed=pd.array([1, 1], dtype="Int64"),
    )
    first = assign(people, AudienceSpec("c", None, 0), SEGMENTS)
    assert first["segment"].tolist() == ["elderly", "founders"]
    every = assign(people, AudienceSpec("c", None, 0), SEGMENTS, all_matches=True)
    assert every[["customer_id", "segment"]].values.tolist() == [
        ["C000000000", "elderly"],
        ["C000000000", "founders"],
        ["C000000001", "founders"],
        ["C000000001", "young_workers"],
    ]


def test_null_consent_is_no_consent_and_null_rule_is_no_match() -> None:
    people = _people(
        consent_education=pd.array([None, True], dtype="boolean"),
        age=[20, 20],
        months_employed=pd.array([None, None], dtype="Int64"),
    )
    out = assign(people, AudienceSpec("c", None, 0), SEGMENTS)
    assert out["reason"].tolist() == ["no_consent", "no_segment"]


def test_holdout_share_and_determinism_on_a_million() -> None:
    customers = generate_customers(1_000_000, seed=11)
    held = in_holdout("spring-2027", customers["customer_id"], 5)
    assert abs(held.mean() * 100 - 5) < 0.3
    again = in_holdout("spring-2027", customers["customer_id"].iloc[::-1].reset_index(drop=True), 5)
    assert (again[::-1] == held).all()  # order and batch do not change who is held out
    other = in_holdout("autumn-2027", customers["customer_id"], 5)
    assert (other != held).any()  # a different campaign holds out different people


def test_holdout_customers_are_recorded_not_contacted() -> None:
    customers = generate_customers(20_000, seed=2)
    out = assign(customers, AUDIENCE, SEGMENTS, as_of="2027-03-01")
    held = out[out["holdout"]]
    assert len(held) > 0 and (held["reason"] == "holdout").all() and held["eligible"].all()
    assert (held["segment"] != "").any()  # their segment is kept for measuring uplift
    contact = out[out["eligible"] & ~out["holdout"] & (out["segment"] != "")]
    assert contact["reason"].str.startswith("matched:").all()


@pytest.mark.parametrize("all_matches", [False, True])
def test_engines_give_identical_assignments(db_url: str, all_matches: bool) -> None:
    customers = generate_customers(3_000, seed=5)
    opted = customers["customer_id"].iloc[:40].tolist()
    kwargs = dict(opted_out=opted, as_of="2027-03-01", all_matches=all_matches)
    expected = assign(customers, AUDIENCE, SEGMENTS, **kwargs)
    engine = sa.create_engine(db_url)
    try:
        via_sql = assign(customers, AUDIENCE, SEGMENTS, engine="sql", sql_engine=engine, **kwargs)
    finally:
        engine.dispose()
    via_dask = assign(customers, AUDIENCE, SEGMENTS, engine="dask", npartitions=3, **kwargs)
    pd.testing.assert_frame_equal(via_sql, expected)
    pd.testing.assert_frame_equal(via_dask, expected)


def test_sql_engine_on_an_existing_table(db_url: str) -> None:
    customers = generate_customers(500, seed=8)
    engine = sa.create_engine(db_url)
    try:
        customers.to_sql("bank_customers", engine, index=False)
        out = assign(
            None,
            AUDIENCE,
            SEGMENTS,
            engine="sql",
            sql_engine=engine,
            table="bank_customers",
            as_of="2027-03-01",
        )
    finally:
        engine.dispose()
    expected = assign(customers, AUDIENCE, SEGMENTS, as_of="2027-03-01")
    expected = expected.sort_values("customer_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(out, expected)


def test_bad_rules_and_engines_fail_before_reading_rows() -> None:
    customers = generate_customers(10, seed=1)
    with pytest.raises(SegmentsError):
        assign(customers, AUDIENCE, [SegmentSpec("x", "agee > 3")])
    with pytest.raises(SegmentsError):
        assign(customers, AUDIENCE, SEGMENTS, engine="spark")
    with pytest.raises(SegmentsError):
        assign(customers, AUDIENCE, [SegmentSpec("a", "age > 1"), SegmentSpec("a", "age > 2")])
