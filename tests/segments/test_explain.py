"""explain: a readable, clause-by-clause trace that agrees with assign."""

from __future__ import annotations

import pandas as pd
import pytest
from fanzha.segments import (
    AudienceSpec,
    CustomerNotFound,
    SegmentSpec,
    assign,
    explain,
    generate_customers,
)

AUDIENCE = AudienceSpec("spring-2027", "months_in_city < 36 and consent_education", 5)
SEGMENTS = [
    SegmentSpec("elderly", "age >= 55"),
    SegmentSpec(
        "founders", 'has_business_license or occupation in ["self_employed", "shop_owner"]'
    ),
    SegmentSpec("young_workers", "18 <= age <= 30 and months_employed < 24"),
]


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return generate_customers(3_000, seed=21)


@pytest.fixture(scope="module")
def assignments(customers: pd.DataFrame) -> pd.DataFrame:
    return assign(customers, AUDIENCE, SEGMENTS, as_of="2027-03-01")


def _first(assignments: pd.DataFrame, reason: str) -> str:
    return str(assignments.loc[assignments["reason"] == reason, "customer_id"].iloc[0])


def test_elderly_match_reads_like_the_spec(
    customers: pd.DataFrame, assignments: pd.DataFrame
) -> None:
    cid = _first(assignments, "matched:elderly")
    age = int(customers.loc[customers.customer_id == cid, "age"].iloc[0])
    text = explain(customers, cid, AUDIENCE, SEGMENTS, as_of="2027-03-01").render()
    lines = text.splitlines()
    assert lines[0].startswith(f"customer {cid} (age {age}, months_in_city ")
    assert "audience: months_in_city < 36 and consent_education  → true" in text
    assert "holdout: no (hash " in text and "≥ 0.05)" in text
    assert "segment elderly: age >= 55  → MATCH" in text
    assert any(line.split() == ["age", ">=", "55", str(age), ">=", "55", "true"] for line in lines)
    assert "segment founders: (not checked: elderly matched first)" in text
    assert lines[-1] == "result: elderly"


def test_every_explanation_agrees_with_assign(
    customers: pd.DataFrame, assignments: pd.DataFrame
) -> None:
    for reason in assignments["reason"].unique():
        cid = _first(assignments, str(reason))
        got = explain(customers, cid, AUDIENCE, SEGMENTS, as_of="2027-03-01")
        row = assignments[assignments.customer_id == cid].iloc[0]
        assert (got.reason, got.segment, got.holdout) == (row.reason, row.segment, row.holdout)


def test_chains_missing_values_and_exclusions_are_explained(
    customers: pd.DataFrame, assignments: pd.DataFrame
) -> None:
    jobless = customers.occupation.isin(["student", "unemployed"]) & (customers.age < 55)
    retired = customers[
        jobless & ~customers.consent_education & ~customers.has_business_license
    ].iloc[0]
    text = explain(customers, retired.customer_id, AUDIENCE, SEGMENTS, as_of="2027-03-01").render()
    assert "months_employed < 24" in text and "missing < 24" in text and "unknown" in text
    assert "18 <= age <= 30" in text and f"18 <= {retired.age} <= 30" in text
    assert "holdout: not applied" in text
    assert text.splitlines()[-1] == "result: not contacted — no consent to education messages"
    held = _first(assignments, "holdout")
    assert (
        "held out (recorded, never contacted)"
        in explain(customers, held, AUDIENCE, SEGMENTS).render()
    )


def test_unknown_customer(customers: pd.DataFrame) -> None:
    with pytest.raises(CustomerNotFound, match="C999999999"):
        explain(customers, "C999999999", AUDIENCE, SEGMENTS)


def test_a_single_row_can_be_explained(customers: pd.DataFrame, assignments: pd.DataFrame) -> None:
    cid = _first(assignments, "matched:young_workers")
    row = customers[customers.customer_id == cid].iloc[0]
    got = explain(row, cid, AUDIENCE, SEGMENTS, as_of="2027-03-01")
    assert got.segment == "young_workers" and got.render().endswith("result: young_workers")
