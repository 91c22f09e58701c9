"""Every value checked against its declared type, range and allowed values; rule literals too."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fanzha.segments import (
    SchemaError,
    default_schema,
    generate_customers,
    literal_problems,
    load_customers,
    load_schema,
    parse_rule,
    write_customers,
)
from fanzha.segments import domains as domains_module
from fanzha.segments.coerce import FALSE_WORDS, TRUE_WORDS
from fanzha.segments.vocabulary import LOCALES, OCCUPATIONS
from hypothesis import given, settings
from hypothesis import strategies as st

BASE = generate_customers(50, seed=1)


def _load(tmp_path: Path, **columns: list[object]) -> pd.DataFrame:
    """Load the first rows of BASE with the given columns replaced (as CSV text)."""
    n = len(next(iter(columns.values())))
    frame = BASE.head(n).astype(object).assign(**columns)
    path = write_customers(
        frame.astype(str).replace({"nan": "", "<NA>": "", "NaT": ""}), tmp_path / "c.csv"
    )
    return load_customers(path)


@settings(max_examples=30, deadline=None)
@given(
    words=st.lists(
        st.tuples(
            st.sampled_from(TRUE_WORDS + FALSE_WORDS), st.booleans(), st.sampled_from(["", " "])
        ),
        min_size=1,
        max_size=8,
    )
)
def test_documented_boolean_words_in_any_case_are_accepted(
    tmp_path_factory: pytest.TempPathFactory, words: list[tuple[str, bool, str]]
) -> None:
    texts = [pad + (w.upper() if up else w) + pad for w, up, pad in words]
    result = _load(tmp_path_factory.mktemp("b"), hukou_local=texts)
    assert result.summary.rows_rejected == 0
    assert result.frame["hukou_local"].tolist() == [w in TRUE_WORDS for w, _, _ in words]


@pytest.mark.parametrize("word", ["maybe", "2", "on", "t", "真"])
def test_other_boolean_words_are_rejected(tmp_path: Path, word: str) -> None:
    result = _load(tmp_path, hukou_local=["true", word])
    assert result.rejected["reason"].tolist() == [
        f"hukou_local: not true/false, yes/no, 1/0 or 是/否 ({word})"
    ]


def test_dates_and_date_times(tmp_path: Path) -> None:
    result = _load(
        tmp_path,
        first_loan_at=["2026-03-01", "2026-03-01T10:00:00+08:00", "", "not-a-date", "2026-02-30"],
    )
    assert result.frame["first_loan_at"].tolist()[:2] == [
        pd.Timestamp("2026-03-01"),
        pd.Timestamp("2026-03-01T02:00:00"),  # stored in UTC
    ]
    assert pd.isna(result.frame["first_loan_at"].iloc[2])
    assert result.rejected["reason"].tolist() == [
        "first_loan_at: not a date-time (not-a-date)",
        "first_loan_at: not a date-time (2026-02-30)",
    ]


def test_time_zones_are_iana_names_with_a_suggestion(tmp_path: Path) -> None:
    result = _load(tmp_path, timezone=["UTC", "Europe/London", "Asia/Shangai", "Beijing"])
    assert result.summary.rows_loaded == 2
    assert result.rejected["reason"].tolist() == [
        'timezone: unknown time zone "Asia/Shangai" (did you mean "Asia/Shanghai"?)',
        'timezone: unknown time zone "Beijing"',
    ]
    assert result.summary.by_reason == {"timezone: unknown time zone": 2}


def test_declared_values_and_integer_ranges(tmp_path: Path) -> None:
    result = _load(
        tmp_path,
        occupation=["courier", "Courier", "teacher", "courier", "courier"],
        age=["40", "40", "40", "15", "40"],
        months_employed=["", "3", "3", "3", "3.0"],
    )
    assert result.rejected["reason"].tolist() == [
        'occupation: "Courier" is not one of the declared values (did you mean "courier"?)',
        'occupation: "teacher" is not one of the declared values',
        "age: outside 16–120 (15)",
    ]
    assert result.frame["months_employed"].tolist()[0] is pd.NA
    assert result.frame["months_employed"].tolist()[1] == 3


def test_the_default_schema_declares_the_generators_vocabulary() -> None:
    schema = default_schema()
    assert schema["occupation"].values == tuple(OCCUPATIONS)
    assert schema["locale"].values == LOCALES
    assert schema["timezone"].format == "timezone"
    assert load_customers.__doc__ and "declared values" in load_customers.__doc__


def test_typed_parquet_and_database_columns_are_checked_too(tmp_path: Path) -> None:
    frame = BASE.head(4).copy()
    frame["hukou_local"] = [0, 1, 1, 2]  # 0/1 from a database
    frame["months_employed"] = [1.0, 2.5, np.nan, 4.0]  # nullable integers come back as floats
    frame["timezone"] = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "Asia/Shangai"]
    path = tmp_path / "c.parquet"
    frame.to_parquet(path, index=False)
    result = load_customers(path)
    assert result.rejected["row"].tolist() == [2, 4]
    assert result.rejected["reason"].tolist() == [
        "months_employed: not a whole number (2.5)",
        'hukou_local: not true/false, yes/no, 1/0 or 是/否 (2); timezone: unknown time zone "Asia/Shangai" '
        '(did you mean "Asia/Shanghai"?)',
    ]
    assert result.frame["hukou_local"].tolist() == [False, True]


def test_values_are_checked_once_per_distinct_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200,000 rows with three distinct bad zones: three suggestions computed, not 200,000."""
    customers = generate_customers(200_000, seed=3)
    bad = np.arange(len(customers)) % 10 == 0
    names = np.array(["Asia/Shangai", "Asia/Urumchi", "Europe/Londn"])[np.arange(bad.sum()) % 3]
    customers["timezone"] = customers["timezone"].astype(object)
    customers.loc[bad, "timezone"] = names
    path = write_customers(customers, tmp_path / "c.parquet")
    calls: list[str] = []
    suggest = domains_module.did_you_mean
    monkeypatch.setattr(
        domains_module,
        "did_you_mean",
        lambda word, options: calls.append(word) or suggest(word, options),
    )
    result = load_customers(path)
    assert result.summary.rows_rejected == bad.sum()
    assert sorted(calls) == ["Asia/Shangai", "Asia/Urumchi", "Europe/Londn"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("  occupation: {type: string, values: office}\n", "values must be a list of strings"),
        ("  occupation: {type: string, values: [office, 3]}\n", "values must be a list of strings"),
        ("  occupation: {type: string, values: [a, a]}\n", "lists a value twice"),
        ("  age: {type: integer, values: [1, x]}\n", "list of whole numbers"),
        ("  flag: {type: boolean, values: [true]}\n", "values applies to strings and integers"),
        ("  tz: {type: string, format: zone}\n", "must be one of timezone"),
        ("  tz: {type: integer, format: timezone}\n", "format applies to strings"),
        ("  occupation: {type: string, vals: [a]}\n", 'did you mean "values"'),
    ],
)
def test_schema_values_and_format_errors(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(
        "columns:\n  customer_id: {type: string, unique: true}\n" + text, encoding="utf-8"
    )
    with pytest.raises(SchemaError, match=needle):
        load_schema(path)


def test_schema_file_declares_values_and_zones(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(
        "columns:\n  customer_id: {type: string, unique: true}\n"
        "  tier: {type: string, values: [gold, silver]}\n"
        "  branch: {type: integer, values: [1, 2, 3]}\n"
        "  zone: {type: string, format: timezone}\n",
        encoding="utf-8",
    )
    schema = load_schema(path)
    csv = tmp_path / "c.csv"
    csv.write_text(
        "customer_id,tier,branch,zone\nC1,gold,1,UTC\nC2,glod,4,Asia/Tokyo\nC3,,,\n",
        encoding="utf-8",
    )
    result = load_customers(csv, schema)
    assert result.frame["customer_id"].tolist() == ["C1", "C3"]
    assert result.rejected["reason"].tolist() == [
        'tier: "glod" is not one of the declared values (did you mean "gold"?); '
        'branch: "4" is not one of the declared values'
    ]


def test_literals_no_customer_has_are_found_with_their_position() -> None:
    schema = default_schema()
    rule = parse_rule(
        'occupation in ["self_employed", "shopowner"] or lower(locale) == "zh-tw" '
        'or timezone == "Asia/Shangai" or community == "张江新市民公寓x" or community == "张江新市民公寓"',
        schema,
    )
    customers = generate_customers(2_000, seed=1)
    found = literal_problems(rule, schema, customers)
    assert [(p.column, p.never) for p in found] == [
        (rule.text.index('"shopowner"') + 1, True),
        (rule.text.index('"zh-tw"') + 1, True),
        (rule.text.index('"Asia/Shangai"') + 1, True),
        (rule.text.index('"张江新市民公寓x"') + 1, False),
    ]
    assert [p.message for p in found] == [
        'occupation "shopowner" is not one of the declared values (did you mean "shop_owner"?)',
        'lower(locale) "zh-tw" is not one of the declared values (did you mean "zh-cn"?)',
        'timezone "Asia/Shangai" is not an IANA time zone (did you mean "Asia/Shanghai"?)',
        'no customer has community "张江新市民公寓x" (did you mean "张江新市民公寓"?)',
    ]
    # without customers, only what the schema rules out
    assert [p.value for p in literal_problems(rule, schema)] == [
        "shopowner",
        "zh-tw",
        "Asia/Shangai",
    ]
    # a value the schema allows but no customer in this file has
    few = customers[customers["occupation"] != "self_employed"]
    only = literal_problems(parse_rule('occupation == "self_employed"', schema), schema, few)
    assert [p.message for p in only] == ['no customer has occupation "self_employed"']


def test_extra_columns_named_like_ours_are_kept_apart(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    frame = BASE.head(3).assign(reason="vip", row="x", age=["30", "abc", "31"])
    write_customers(frame, path)
    result = load_customers(path)
    assert result.summary.extra_columns == ("reason", "row")
    assert result.rejected[["row", "reason", "reason (file)"]].values.tolist() == [
        [3, "age: not a whole number (abc)", "vip"]
    ]
