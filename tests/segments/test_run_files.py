"""segment_file / explain_file: the file-to-file paths behind `fanzha segment` and `explain`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fanzha.segments import (
    AudienceSpec,
    SchemaError,
    SegmentSpec,
    assign,
    explain_file,
    generate_customers,
    holdout_scores,
    segment_file,
    write_customers,
)

AUDIENCE = AudienceSpec("spring-2027", "months_in_city < 36 and consent_education", 5)
SEGMENTS = [
    SegmentSpec("elderly", "age >= 55"),
    SegmentSpec(
        "founders", 'has_business_license or occupation in ["self_employed", "shop_owner"]'
    ),
    SegmentSpec("young_workers", "18 <= age <= 30 and months_employed < 24"),
]


def _parquet(frame: pd.DataFrame, path: Path, row_group_size: int = 700) -> Path:
    frame.to_parquet(path, index=False, row_group_size=row_group_size)
    return path


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.astype(str).reset_index(drop=True), b.astype(str).reset_index(drop=True)
    )


def test_streamed_parquet_equals_in_memory_assign(tmp_path: Path) -> None:
    customers = generate_customers(5_000, seed=12)
    src = _parquet(customers, tmp_path / "c.parquet")
    run = segment_file(
        src,
        tmp_path / "a.parquet",
        AUDIENCE,
        SEGMENTS,
        as_of="2027-03-01",
        opted_out=["C000000007"],
    )
    expected = assign(customers, AUDIENCE, SEGMENTS, opted_out=["C000000007"], as_of="2027-03-01")
    _same(pd.read_parquet(tmp_path / "a.parquet"), expected)
    assert run.rows == 5_000 and run.load is not None and run.load.rows_loaded == 5_000
    assert run.by_reason["opted_out"] == 1
    assert run.by_segment == {k: v for k, v in expected.segment.value_counts().items() if k and v}


def test_bad_rows_in_chunks_are_rejected_with_file_row_numbers(tmp_path: Path) -> None:
    customers = generate_customers(2_000, seed=13)
    customers["age"] = customers["age"].astype("Int64")
    customers.loc[[10, 1500], "age"] = [400, None]
    src = _parquet(customers, tmp_path / "c.parquet")
    rejected = tmp_path / "rejected.csv"
    run = segment_file(src, tmp_path / "a.parquet", AUDIENCE, SEGMENTS, rejected_path=rejected)
    assert run.load is not None and run.load.rows_rejected == 2
    table = pd.read_csv(rejected)
    assert table["row"].tolist() == [11, 1501]
    assert table["reason"].tolist() == ["age: outside 16–120 (400)", "age: missing"]
    assert run.rows == 1_998


def test_duplicate_ids_across_chunks_fall_back_to_a_full_load(tmp_path: Path) -> None:
    customers = generate_customers(2_000, seed=14)
    customers.loc[1800, "customer_id"] = customers.loc[5, "customer_id"]  # in another row group
    src = _parquet(customers, tmp_path / "c.parquet")
    run = segment_file(src, tmp_path / "a.csv", AUDIENCE, SEGMENTS)
    assert run.load is not None and run.load.by_reason == {"customer_id: duplicate": 1}
    assert len(pd.read_csv(tmp_path / "a.csv")) == 1_999


@pytest.mark.parametrize("engine", ["sql", "dask"])
def test_other_engines_through_files(tmp_path: Path, engine: str) -> None:
    customers = generate_customers(1_500, seed=15)
    src = _parquet(customers, tmp_path / "c.parquet")
    out = tmp_path / "a.parquet"
    segment_file(src, out, AUDIENCE, SEGMENTS, engine=engine, as_of="2027-03-01")
    got = pd.read_parquet(out)
    _same(got, assign(customers, AUDIENCE, SEGMENTS, as_of="2027-03-01"))


def test_explain_file_and_bad_output_type(tmp_path: Path) -> None:
    src = write_customers(generate_customers(300, seed=16), tmp_path / "c.csv")
    text = explain_file(src, "C000000003", AUDIENCE, SEGMENTS, as_of="2027-03-01").render()
    assert text.startswith("customer C000000003 (") and "result:" in text
    with pytest.raises(SchemaError, match="xlsx"):
        segment_file(src, tmp_path / "a.xlsx", AUDIENCE, SEGMENTS)


def test_holdout_hash_does_not_depend_on_id_lengths_in_the_batch() -> None:
    ids = ["C000000042", "x", "a-much-longer-customer-id-1234", "", "张三-0001"]
    together = holdout_scores("spring-2027", ids)
    alone = [holdout_scores("spring-2027", [i])[0] for i in ids]
    assert together.tolist() == alone
    assert 0 <= together.min() and together.max() < 1


@pytest.mark.parametrize(
    ("column", "value", "kind"),
    [
        ("age", 900, "age: out of range"),
        ("timezone", "Asia/Shangai", "timezone: unknown time zone"),
    ],
    ids=["a-column-the-rules-read", "a-column-they-do-not"],
)
def test_dask_sets_unusable_rows_aside_as_pandas_does(
    tmp_path: Path, column: str, value: object, kind: str
) -> None:
    customers = generate_customers(500, seed=17)
    customers["age"] = customers["age"].astype("Int64")
    customers[column] = customers[column].astype(object)
    customers.loc[42, column] = value
    src = _parquet(customers, tmp_path / "c.parquet", row_group_size=100)
    runs = {
        engine: segment_file(
            src,
            tmp_path / f"{engine}.csv",
            AUDIENCE,
            SEGMENTS,
            engine=engine,
            as_of="2027-03-01",
            rejected_path=tmp_path / f"{engine}.rejected.csv",
        )
        for engine in ("pandas", "dask")
    }
    load = runs["dask"].load
    assert load is not None and load.rows_rejected == 1 and load.by_reason == {kind: 1}
    _same(pd.read_csv(tmp_path / "dask.csv"), pd.read_csv(tmp_path / "pandas.csv"))
    rejected = pd.read_csv(tmp_path / "dask.rejected.csv")
    _same(rejected, pd.read_csv(tmp_path / "pandas.rejected.csv"))
    assert rejected["row"].tolist() == [43]


def test_explain_file_reads_one_customer_from_parquet(tmp_path: Path) -> None:
    customers = generate_customers(3_000, seed=18)
    customers["age"] = customers["age"].astype("Int64")
    customers.loc[7, "age"] = 300
    src = _parquet(customers, tmp_path / "c.parquet")
    expected = assign(customers.drop(index=7), AUDIENCE, SEGMENTS, as_of="2027-03-01")
    cid = str(expected.loc[expected.reason == "matched:founders", "customer_id"].iloc[0])
    got = explain_file(src, cid, AUDIENCE, SEGMENTS, as_of="2027-03-01")
    assert got.segment == "founders" and got.reason == "matched:founders"
    with pytest.raises(
        SchemaError, match=r"C000000008\" was rejected: age: outside 16–120 \(300\)"
    ):
        explain_file(src, "C000000008", AUDIENCE, SEGMENTS)
    # a column the rules do not read is checked too: the customer is rejected, not explained
    customers["first_loan_at"] = customers["first_loan_at"].astype(str).replace("NaT", None)
    customers.loc[9, "first_loan_at"] = "not-a-date"
    src = _parquet(customers, tmp_path / "c2.parquet")
    with pytest.raises(SchemaError, match=r"C000000010\" was rejected: first_loan_at: not a"):
        explain_file(src, "C000000010", AUDIENCE, SEGMENTS)
