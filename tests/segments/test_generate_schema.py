"""Synthetic customers and the schema files that describe them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fanzha.segments import (
    SchemaError,
    default_schema,
    generate_customers,
    load_schema,
    write_customers,
)


def test_generator_matches_the_default_schema_and_is_seed_stable(tmp_path: Path) -> None:
    a = generate_customers(5_000, seed=7)
    assert list(a.columns) == list(default_schema().names)
    assert a["customer_id"].is_unique and a["customer_id"].str.fullmatch(r"C\d{9}").all()
    b = generate_customers(5_000, seed=7)
    one = write_customers(a, tmp_path / "a.parquet").read_bytes()
    assert one == write_customers(b, tmp_path / "b.parquet").read_bytes()
    assert not generate_customers(5_000, seed=8).equals(a)


def test_generator_correlations_and_segment_shares() -> None:
    c = generate_customers(100_000, seed=3)
    assert c.loc[c.occupation == "retired", "age"].min() >= 55
    founders = c.occupation.isin(["shop_owner", "self_employed"])
    assert c.loc[founders, "has_business_license"].mean() > 0.6
    assert c.loc[~founders, "has_business_license"].mean() < 0.05
    grads = c[c.occupation == "graduate_trainee"]
    assert grads.age.max() <= 30 and (grads.months_employed < 24).all()
    assert 0.75 < c.consent_education.mean() < 0.85 and 0.8 < c.app_user.mean() < 0.9
    assert 0.03 < (c.locale == "en").mean() < 0.07 and c.first_loan_at.isna().mean() > 0.8
    assert (
        c.loc[c.occupation.isin(["retired", "unemployed", "student"]), "months_employed"]
        .isna()
        .all()
    )
    aud = c[(c.months_in_city < 36) & c.consent_education]
    shares = [
        (aud.age >= 55).mean(),
        (aud.has_business_license | aud.occupation.isin(["self_employed", "shop_owner"])).mean(),
        (aud.age.between(18, 30) & (aud.months_employed < 24)).mean(),
    ]
    assert all(0.10 <= s <= 0.35 for s in shares), shares


def test_load_schema_file(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(
        "columns:\n  customer_id: {type: string, required: true, unique: true}\n"
        "  age: {type: integer, min: 0, max: 120}\n  first_loan_at: {type: datetime, nullable: true}\n",
        encoding="utf-8",
    )
    schema = load_schema(path)
    assert schema.names == ("customer_id", "age", "first_loan_at")
    assert schema["age"].max == 120 and schema["customer_id"].required


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("columns:\n  age: {type: int}\n", "type must be one of"),
        ("columns:\n  customer_id: {type: string, uniq: true}\n", 'did you mean "unique"'),
        ("cols: {}\n", "exactly one top-level key"),
        ("columns:\n  Age: {type: integer}\n", "must match"),
        (
            "columns:\n  customer_id: {type: string}\n  name: {type: string, min: 3}\n",
            "only to numbers",
        ),
        ("columns: [\n", "not valid YAML"),
    ],
)
def test_schema_errors_are_clear(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError, match=needle.replace("(", "\\(")):
        load_schema(path)
