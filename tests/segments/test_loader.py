"""Loading customers: typed frames, and unusable rows rejected with a reason, never dropped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.segments import SchemaError, default_schema, generate_customers, write_customers
from fanzha.segments.loader import load_customers

HEADER = (
    "customer_id,age,months_in_city,hukou_local,occupation,has_business_license,months_employed,"
    "app_user,consent_education,locale,timezone,community,large_text,first_loan_at"
)
GOOD = "C000000001,27,95,False,office,False,7,True,True,zh-CN,Asia/Shanghai,张江新市民公寓,True,"


def _csv(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_bad_rows_go_to_the_rejected_file_with_reasons(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        GOOD,
        GOOD.replace(",27,", ",abc,").replace("C000000001", "C000000002"),
        GOOD,  # duplicate id
        GOOD.replace("C000000001", ""),
        GOOD.replace("C000000001", "C000000005").replace(",27,", ",230,") + "2026-13-45",
        "C000000006,27,95,False,office",
        GOOD.replace("C000000001", "C000000007").replace(",True,True,", ",yes,1,"),
    )
    rejected_path = tmp_path / "rejected.csv"
    result = load_customers(path, default_schema(), rejected_path=rejected_path)
    assert result.frame["customer_id"].tolist() == ["C000000001", "C000000007"]
    assert result.frame["consent_education"].tolist() == [True, True]
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert reasons[3] == "age: not a whole number (abc)"
    assert reasons[4] == "customer_id: duplicate (C000000001)"
    assert reasons[5] == "customer_id: missing"
    assert (
        "age: outside 16–120 (230)" in reasons[6] and "first_loan_at: not a date-time" in reasons[6]
    )
    assert reasons[7].startswith("malformed line")
    summary = result.summary
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (7, 2, 5)
    assert summary.by_reason["customer_id: duplicate"] == 1
    on_disk = pd.read_csv(rejected_path)
    assert sorted(on_disk["row"].tolist()) == [3, 4, 5, 6, 7]


def test_parquet_and_csv_round_trip_the_generator(tmp_path: Path) -> None:
    customers = generate_customers(2_000, seed=4)
    for name in ("c.parquet", "c.csv"):
        path = write_customers(customers, tmp_path / name)
        result = load_customers(path)
        assert result.summary.rows_rejected == 0
        frame = result.frame
        if name.endswith(".parquet"):  # low-cardinality text stays dictionary-coded
            assert isinstance(frame["occupation"].dtype, pd.CategoricalDtype)
            assert frame["customer_id"].dtype == "str"
        coded = frame.select_dtypes("category").columns
        frame = frame.astype(dict.fromkeys(coded, "str"))
        pd.testing.assert_frame_equal(frame, customers, check_dtype=False)


def test_columns_limits_the_load(tmp_path: Path) -> None:
    path = write_customers(generate_customers(100, seed=4), tmp_path / "c.parquet")
    result = load_customers(path, columns=["age"])
    assert list(result.frame.columns) == ["customer_id", "age"]


def test_sql_table_source(db_url: str) -> None:
    customers = generate_customers(300, seed=9)
    customers.loc[5, "age"] = 300
    engine = sa.create_engine(db_url)
    try:
        customers.to_sql("customers", engine, index=False)
        result = load_customers(engine, table="customers")
    finally:
        engine.dispose()
    assert result.summary.rows_loaded == 299
    assert result.rejected["reason"].tolist() == ["age: outside 16–120 (300)"]


def test_missing_required_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("customer_id,agee\nC1,3\n", encoding="utf-8")
    with pytest.raises(SchemaError, match='"age" \\(the file has "agee"\\)'):
        load_customers(path)
    with pytest.raises(SchemaError, match="no such customer file"):
        load_customers(tmp_path / "absent.csv")
    with pytest.raises(SchemaError, match=r"\.csv or \.parquet"):
        load_customers(tmp_path / "c.xlsx")


def test_line_numbers_survive_blank_lines_and_line_breaks_in_cells(tmp_path: Path) -> None:
    """Excel lets a cell hold a line break; blank lines are no customers. Lines stay exact."""
    path = _csv(
        tmp_path,
        GOOD,
        "",
        GOOD.replace("C000000001", "C000000002").replace("张江新市民公寓", '"张江\n新市民公寓"'),
        ",,,,,,,,,,,,,",
        GOOD.replace("C000000001", "C000000003").replace(",27,", ",abc,"),
        "C000000004,27",
        GOOD.replace("C000000001", "C000000005").replace(",27,", ",300,"),
    )
    result = load_customers(path)
    assert result.frame["customer_id"].tolist() == ["C000000001", "C000000002"]
    assert result.frame["community"].tolist()[1] == "张江\n新市民公寓"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[6].startswith("C000000003") and lines[7].startswith("C000000004")
    assert result.rejected["row"].tolist() == [7, 8, 9]
    assert result.rejected["reason"].tolist() == [
        "age: not a whole number (abc)",
        "malformed line: 2 fields, expected 14",
        "age: outside 16–120 (300)",
    ]
