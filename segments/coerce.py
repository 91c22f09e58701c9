"""Per-column typing and checks, vectorized: each problem is a mask of rows plus their reasons.

Text columns are checked once per distinct value, not once per row: a column is coded
(dictionary codes into its distinct values, as Parquet and the CSV reader already
deliver it), each distinct value is parsed and checked, and codes carry the outcome to
the rows. Occupations, booleans, zones and ages have a handful of distinct values among
millions of rows, so the checks cost little more than reading the file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from fanzha.segments.domains import declared_values, time_zones
from fanzha.segments.schema import ColumnSpec

TRUE_WORDS = ("true", "yes", "1", "是")
FALSE_WORDS = ("false", "no", "0", "否")
_TYPE_WORDS = {
    "integer": "not a whole number",
    "number": "not a number",
    "boolean": "not true/false, yes/no, 1/0 or 是/否",
    "date": "not a date",
    "datetime": "not a date-time",
}
_SHOWN = 40  # characters of a bad value quoted in its reason


@dataclass
class Problem:
    """Rows failing one check: ``kind`` is the summary key, ``detail`` each flagged row's reason."""

    kind: str
    mask: np.ndarray
    detail: np.ndarray  # one reason per True in ``mask``, in row order


def _shown(text: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Values as they appear in reasons: text, cut to a readable length."""
    return np.asarray(pd.Index(text).astype("str").str.slice(0, _SHOWN), dtype=object)


def _coded(raw: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """Codes (-1 = null) into the distinct values, for text columns; None for typed ones."""
    if isinstance(raw.dtype, pd.CategoricalDtype):
        return raw.cat.codes.to_numpy(), raw.cat.categories.astype("str")
    if pd.api.types.is_string_dtype(raw.dtype) or pd.api.types.is_object_dtype(raw.dtype):
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        return codes, pd.Index(uniques).astype("str")
    return None


def _rows(per_value: np.ndarray, codes: np.ndarray, fill: object) -> np.ndarray:
    """Per-value results carried to the rows (``fill`` where the row is null)."""
    return np.append(per_value, np.array([fill], dtype=per_value.dtype))[codes]


def _parse(values: pd.Index, type_: str) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct text value in the column's type, and whether it parsed."""
    if type_ in ("integer", "number"):
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
        parsed = numbers.to_numpy(dtype="float64", na_value=np.nan)
        ok = ~np.isnan(parsed)
        if type_ == "integer":
            with np.errstate(invalid="ignore"):
                ok &= (np.mod(parsed, 1) == 0) & (np.abs(parsed) < 2**53)
        return parsed, ok
    if type_ == "boolean":
        words = values.str.strip().str.lower()
        true, false = words.isin(TRUE_WORDS), words.isin(FALSE_WORDS)
        return np.asarray(true), np.asarray(true | false)
    if type_ in ("date", "datetime"):
        stamps = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=True)
        stamps = stamps.tz_convert("UTC").tz_localize(None).astype("datetime64[us]")
        if type_ == "date":
            stamps = stamps.normalize()
        return stamps.to_numpy(), np.asarray(stamps.notna())
    return np.asarray(values, dtype=object), np.ones(len(values), bool)


def _typed(parsed: np.ndarray, codes: np.ndarray, bad: np.ndarray, type_: str) -> pd.Series:
    """Row values of the column's type from per-value results (null where null or bad)."""
    null = (codes < 0) | bad
    if type_ == "integer":
        data = _rows(np.where(np.isnan(parsed), 0, parsed).astype(np.int64), codes, 0)
        return pd.Series(pd.arrays.IntegerArray(np.where(null, 0, data), null))
    if type_ == "boolean":
        return pd.Series(pd.arrays.BooleanArray(_rows(parsed, codes, False) & ~null, null))
    if type_ == "number":
        return pd.Series(np.where(null, np.nan, _rows(parsed, codes, np.nan)))
    stamps = _rows(parsed, codes, np.datetime64("NaT", "us"))
    stamps[null] = np.datetime64("NaT", "us")
    return pd.Series(stamps)


def _text(raw: pd.Series) -> pd.Series:
    """A string column as text; coded text stays coded (with text categories)."""
    if not isinstance(raw.dtype, pd.CategoricalDtype):
        return raw.astype("str")
    if raw.cat.categories.dtype != "str":
        return raw.cat.rename_categories(list(raw.cat.categories.astype("str")))
    return raw


def _from_text(raw: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, list[Problem], np.ndarray]:
    """A text column typed and checked per distinct value; also the rows that are null."""
    if spec.type == "string" and spec.values is None and spec.format is None:
        return _text(raw), [], raw.isna().to_numpy()  # free text: nothing to check per value
    coded = _coded(raw)
    assert coded is not None
    codes, uniques = coded
    parsed, ok = _parse(uniques, spec.type)
    problems: list[Problem] = []
    bad_value = ~ok
    if bad_value.any():
        what = _TYPE_WORDS[spec.type]
        reasons = np.asarray(f"{spec.name}: {what} (" + _shown(uniques) + ")", dtype=object)
        problems.append(_per_value(f"{spec.name}: {what}", bad_value, reasons, codes))
    for domain in (declared_values(spec, uniques, parsed, ok), time_zones(spec, uniques, ok)):
        if domain is not None:
            outside, reasons, kind = domain
            problems.append(_per_value(kind, outside, reasons, codes))
            bad_value |= outside
    if spec.type == "string":
        values = _text(raw)
    else:
        values = _typed(parsed, codes, _rows(bad_value, codes, False), spec.type)
        values.index = raw.index
    return values, problems, codes < 0


def _per_value(kind: str, bad: np.ndarray, reasons: np.ndarray, codes: np.ndarray) -> Problem:
    """A problem found on distinct values, spread to the rows holding them."""
    mask = _rows(bad, codes, False)
    lookup = np.append(reasons, "")
    return Problem(kind, mask, lookup[codes[mask]])


def _from_typed(raw: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, list[Problem]] | None:
    """A column already stored in a usable type (Parquet, SQL); None when it must be read as text."""
    dtype = raw.dtype
    is_bool = pd.api.types.is_bool_dtype(dtype)
    if spec.type == "boolean" and is_bool:
        return raw, []
    if spec.type == "boolean" and pd.api.types.is_integer_dtype(dtype):  # 0/1 from a database
        null = raw.isna().to_numpy()
        bad = ~null & ~raw.isin([0, 1]).to_numpy()
        ones = raw.eq(1).fillna(False).to_numpy(dtype=bool)
        values = pd.Series(pd.arrays.BooleanArray(ones, null | bad), index=raw.index)
        return values, _problem_rows(spec, "boolean", bad, raw)
    if spec.type == "integer" and pd.api.types.is_integer_dtype(dtype) and not is_bool:
        return raw, []
    if spec.type == "integer" and pd.api.types.is_float_dtype(dtype):  # nullable ints in Parquet
        numbers = raw.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            whole = (np.mod(numbers, 1) == 0) & (np.abs(numbers) < 2**53)
        null = np.isnan(numbers) | ~whole
        data = np.where(null, 0, numbers).astype(np.int64)
        values = pd.Series(pd.arrays.IntegerArray(data, null), index=raw.index)
        return values, _problem_rows(spec, "integer", ~np.isnan(numbers) & ~whole, raw)
    if spec.type == "number" and pd.api.types.is_numeric_dtype(dtype) and not is_bool:
        return raw.astype("float64"), []
    if spec.type in ("date", "datetime") and pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = raw
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = stamps.astype("datetime64[us]")
        return (stamps.dt.normalize() if spec.type == "date" else stamps), []
    return None


def _problem_rows(spec: ColumnSpec, type_: str, bad: np.ndarray, raw: pd.Series) -> list[Problem]:
    """A type problem on individual rows (reasons built for the flagged rows only)."""
    if not bad.any():
        return []
    what = _TYPE_WORDS[type_]
    detail = np.asarray(f"{spec.name}: {what} (" + _shown(raw[bad]) + ")", dtype=object)
    return [Problem(f"{spec.name}: {what}", bad, detail)]


def coerce_column(raw: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, list[Problem]]:
    """The column in its declared type, and the rows that cannot be used, with why."""
    typed = None if spec.type == "string" else _from_typed(raw, spec)
    if typed is not None:
        values, problems = typed
        null = values.isna().to_numpy()
        flagged = np.zeros(len(raw), bool)
        for problem in problems:
            flagged |= problem.mask
        null = null & ~flagged
    else:
        text = raw if _coded_kind(raw) else raw.astype("str")
        values, problems, null = _from_text(text, spec)
    if not spec.nullable and null.any():
        detail = np.full(int(null.sum()), f"{spec.name}: missing", dtype=object)
        problems.append(Problem(f"{spec.name}: missing", null, detail))
    problems += _range(values, spec, raw)
    return values, problems


def _coded_kind(raw: pd.Series) -> bool:
    """True for columns read as text (categorical, str or object)."""
    dtype = raw.dtype
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
    )


def _range(values: pd.Series, spec: ColumnSpec, raw: pd.Series) -> list[Problem]:
    """Numbers outside the declared min/max."""
    if not spec.numeric or (spec.min is None and spec.max is None):
        return []
    low = -np.inf if spec.min is None else spec.min
    high = np.inf if spec.max is None else spec.max
    if isinstance(values.dtype, np.dtype):  # plain int64/float64: compare without a copy
        numbers = values.to_numpy()
    else:  # masked: nulls become NaN, which compares false
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        out = (numbers < low) | (numbers > high)
    if not out.any():
        return []
    if spec.min is not None and spec.max is not None:
        what = f"outside {spec.min:g}–{spec.max:g}"
    else:
        what = f"below {spec.min:g}" if spec.min is not None else f"above {spec.max:g}"
    detail = np.asarray(f"{spec.name}: {what} (" + _shown(raw[out]) + ")", dtype=object)
    return [Problem(f"{spec.name}: out of range", out, detail)]


def duplicates(ids: pd.Series, name: str) -> Problem | None:
    """Rows whose id already appeared on an earlier row (the first one is kept)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from fanzha.segments.holdout import id_hashes

    array = pa.array(ids, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if len(array) < 2 or (array.null_count == 0 and pc.all(pc.less(array[:-1], array[1:])).as_py()):
        return None  # strictly increasing ids (the usual export order) cannot repeat

    # Equal ids have equal 64-bit hashes, so only rows with a repeated hash need the
    # exact (slower) string comparison; usually there are none. Sorting 64-bit ints is fast.
    hashes = id_hashes(ids)
    ordered = np.sort(hashes)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return None
    repeated = np.isin(hashes, ordered[1:][same])
    suspects = ids[repeated]
    dup = np.zeros(len(ids), dtype=bool)
    dup[np.flatnonzero(repeated)] = (
        suspects.duplicated(keep="first") & suspects.notna()
    ).to_numpy()
    return duplicate_problem(ids, name, dup)


def duplicate_problem(ids: pd.Series, name: str, dup: np.ndarray) -> Problem | None:
    """The problem of rows ``dup`` (each repeats a value of an earlier row)."""
    if not dup.any():
        return None
    detail = np.asarray(f"{name}: duplicate (" + _shown(ids[dup]) + ")", dtype=object)
    return Problem(f"{name}: duplicate", dup, detail)
