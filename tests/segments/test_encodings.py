"""Customer CSV files as Chinese Excel and other tools write them: read right, or refused clearly."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest
from fanzha.segments import SchemaError, generate_customers, load_customers
from fanzha.segments.encoding import MAX_LINE_BYTES
from fanzha.segments.vocabulary import COMMUNITIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CUSTOMERS = generate_customers(400, seed=5)
TEXT = CUSTOMERS.to_csv(index=False)


def _same_customers(frame: pd.DataFrame, expected: pd.DataFrame = CUSTOMERS) -> None:
    coded = frame.select_dtypes("category").columns
    frame = frame.astype(dict.fromkeys(coded, "str")).reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected.reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "UTF-8 with BOM"),
        (TEXT.encode("gb18030"), "GB18030"),
        (TEXT.encode("gbk"), "GB18030"),
        (TEXT.encode("utf-16"), "UTF-16 LE"),  # Python writes a BOM, little-endian
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "UTF-16 BE"),
        (TEXT.encode("utf-16-le"), "UTF-16 LE (no BOM)"),
        (CUSTOMERS.to_csv(index=False, sep="\t").encode("utf-16"), "UTF-16 LE"),  # "Unicode text"
        (CUSTOMERS.to_csv(index=False, sep=";").encode("utf-8"), "UTF-8"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16", "utf16-be", "utf16-nobom", "tabs", "semi"],
)
def test_every_supported_encoding_reads_the_same_customers(
    tmp_path: Path, data: bytes, label: str
) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(data)
    result = load_customers(path)
    assert result.summary.rows_rejected == 0
    assert result.summary.encoding == label
    _same_customers(result.frame)
    note = result.describe()
    assert (f"read {path} as {label}" in note) is (label != "UTF-8")


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(
        st.text(alphabet=st.sampled_from(sorted(set("".join(COMMUNITIES)))), min_size=1),
        min_size=1,
        max_size=20,
    ),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_chinese_text_survives_any_supported_encoding(
    tmp_path: Path, names: list[str], codec: str
) -> None:
    expected = CUSTOMERS.head(len(names)).assign(community=names)
    path = tmp_path / "customers.csv"
    path.write_bytes(expected.to_csv(index=False).encode(codec))
    result = load_customers(path)
    assert result.summary.rows_rejected == 0
    _same_customers(result.frame, expected)


@pytest.mark.parametrize(
    "names",
    [["业员", "业园"], ["业员", "中山花园", "业小"]],
    ids=["every-line-valid-utf8", "some-lines-valid-utf8"],
)
def test_gb18030_lines_that_are_valid_utf8_by_accident_are_read_as_gb18030(
    tmp_path: Path, names: list[str]
) -> None:
    """'业员' in GB18030 is the valid UTF-8 'ҵԱ': the file is still read as GB18030."""
    assert "业员".encode("gb18030").decode("utf-8") == "ҵԱ"
    expected = CUSTOMERS.head(len(names)).assign(community=names)
    path = tmp_path / "customers.csv"
    path.write_bytes(expected.to_csv(index=False).encode("gb18030"))
    result = load_customers(path)
    assert result.summary.encoding == "GB18030"
    assert result.summary.rows_rejected == 0
    _same_customers(result.frame, expected)


@pytest.mark.parametrize("at", [3, 11_000], ids=["in-the-sample", "after-the-sample"])
def test_one_gbk_line_inside_utf8_is_a_rejected_row(tmp_path: Path, at: int) -> None:
    """A line pasted from a GBK file: that row is set aside with its line number."""
    customers = generate_customers(12_000, seed=5)
    lines = customers.to_csv(index=False).splitlines(keepends=True)
    data = [line.encode("utf-8") for line in lines]
    data[at] = lines[at].encode("gbk")
    assert (sum(map(len, data[:at])) > 1 << 20) is (at > 3)  # beyond the sniffed megabyte
    path = tmp_path / "customers.csv"
    path.write_bytes(b"".join(data))
    result = load_customers(path)
    bad = result.rejected
    assert len(bad) == 1 and bad["row"].iloc[0] == at + 1
    assert bad["reason"].iloc[0].startswith("not UTF-8 text (this line is GB18030/GBK")
    assert lines[at].strip() == bad["line"].iloc[0]  # shown readably
    assert result.summary.rows_loaded == len(customers) - 1
    assert result.summary.encoding == "UTF-8"


def test_a_gbk_file_with_only_ascii_in_its_first_megabyte_is_read_as_gbk(tmp_path: Path) -> None:
    plain = generate_customers(12_000, seed=2).assign(community="industrial-park")
    tail = CUSTOMERS.assign(customer_id="D" + CUSTOMERS["customer_id"].str[1:])
    path = tmp_path / "customers.csv"
    text = plain.to_csv(index=False) + tail.to_csv(index=False, header=False)
    assert len(text.encode()) > 1 << 20 and text[: 1 << 20].isascii()
    path.write_bytes(text.encode("gbk"))
    result = load_customers(path)
    assert result.summary.encoding == "GB18030"
    assert result.summary.rows_rejected == 0
    _same_customers(result.frame.tail(len(tail)), tail)


def test_a_field_of_ten_megabytes_is_a_rejected_row(tmp_path: Path) -> None:
    lines = TEXT.splitlines(keepends=True)
    huge = lines[7].replace("\n", "") + "x" * (10 << 20) + "\n"
    path = tmp_path / "customers.csv"
    path.write_text("".join([*lines[:7], huge, *lines[8:]]), encoding="utf-8")
    result = load_customers(path, rejected_path=tmp_path / "rejected.csv")
    assert result.rejected["row"].tolist() == [8]
    assert result.rejected["reason"].iloc[0].startswith("line too long: 10.0 MB")
    assert len(result.rejected["line"].iloc[0]) <= 200  # not ten megabytes in the rejected file
    assert result.summary.rows_loaded == len(CUSTOMERS) - 1
    assert (tmp_path / "rejected.csv").stat().st_size < 10_000
    assert MAX_LINE_BYTES < 10 << 20


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [
        (
            "customer_id,community\nC000000001,台北市信義區住宅\nC000000002,高雄市前鎮區\n" * 3,
            "big5",
            "BIG5",
        ),
        ("customer_id,community\nC000000001,Москва, Тверская улица\n" * 5, "cp1251", "CP1251"),
    ],
)
def test_other_encodings_are_refused_with_how_to_convert(
    tmp_path: Path, text: str, codec: str, name: str
) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(text.encode(codec))
    with pytest.raises(SchemaError) as caught:
        load_customers(path)
    message = str(caught.value)
    assert f"the file is in {name}" in message
    assert f"iconv -f {name} -t UTF-8 '{path}'" in message


def test_excel_workbooks_are_refused_cleanly(tmp_path: Path) -> None:
    for name in ("customers.xlsx", "customers.csv"):  # also a workbook renamed to .csv
        path = tmp_path / name
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
        with pytest.raises(SchemaError, match="CSV UTF-8"):
            load_customers(path)


def test_header_problems_are_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(b"customer_id,age,age\nC1,3,4\n")
    with pytest.raises(SchemaError, match="the header names 'age' twice"):
        load_customers(path)
    path.write_bytes(b"")
    with pytest.raises(SchemaError, match="empty"):
        load_customers(path)


def test_a_stray_nul_byte_does_not_make_a_file_utf16(tmp_path: Path) -> None:
    lines = TEXT.splitlines(keepends=True)
    path = tmp_path / "customers.csv"
    path.write_text("".join([*lines[:5], lines[5].replace("\n", "\x00\n"), *lines[6:]]))
    result = load_customers(path)
    assert result.summary.encoding == "UTF-8"
    assert result.summary.rows_loaded + result.summary.rows_rejected == len(CUSTOMERS)


def test_columns_of_every_kind_of_customer_source(tmp_path: Path) -> None:
    from fanzha.segments import customer_columns

    names = set(CUSTOMERS.columns)
    (tmp_path / "gbk.csv").write_bytes(TEXT.encode("gbk"))
    (tmp_path / "u16.csv").write_bytes(TEXT.encode("utf-16"))
    CUSTOMERS.to_parquet(tmp_path / "c.parquet")
    (tmp_path / "dataset").mkdir()
    CUSTOMERS.to_parquet(tmp_path / "dataset" / "part-0.parquet")
    for name in ("gbk.csv", "u16.csv", "c.parquet", "dataset"):
        assert customer_columns(tmp_path / name) == names
