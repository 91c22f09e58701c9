"""Per-column type coercion and row checks, vectorized: each problem is a mask plus a reason."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from fanzha.segments.schema import ColumnSpec

_TRUE = ("true", "t", "yes", "y", "1", "1.0")
_FALSE = ("false", "f", "no", "n", "0", "0.0")
_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true/false",
    "date": "a date",
    "datetime": "a date-time",
}


@dataclass
class Problem:
    """Rows failing one check: ``kind`` is the summary key, ``detail`` the per-row reason."""

    kind: str
    mask: np.ndarray
    detail: pd.Series


def _quoted(name: str, what: str, raw: pd.Series) -> pd.Series:
    """``name: what ("value")`` for each row, built with vectorized string ops."""
    text = raw.astype("str").str.slice(0, 40)
    return f"{name}: {what} (" + text + ")"


def _integer(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_integer_dtype(raw.dtype):  # already whole numbers: no copy
        return raw, np.zeros(len(raw), bool)
    numbers = pd.to_numeric(raw, errors="coerce")
    whole = numbers.notna() & (numbers % 1 == 0) & (numbers.abs() < 2**53)
    bad = (raw.notna() & ~whole).to_numpy()
    values = numbers.where(whole).astype("Float64").astype("Int64")
    return values, bad


def _number(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    numbers = (
        pd.to_numeric(raw, errors="coerce") if not pd.api.types.is_bool_dtype(raw.dtype) else None
    )
    if numbers is None:
        return raw.astype("float64"), np.ones(len(raw), bool)
    bad = (raw.notna() & numbers.isna()).to_numpy()
    return numbers.astype("float64"), bad


def _boolean(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_bool_dtype(raw.dtype):  # already true/false: no copy
        return raw, np.zeros(len(raw), bool)
    text = raw.astype("str").str.strip().str.lower()
    is_true, is_false = text.isin(_TRUE), text.isin(_FALSE)
    values = pd.Series(pd.array(np.where(is_true, True, False), dtype="boolean"), index=raw.index)
    values[~(is_true | is_false)] = pd.NA
    bad = (raw.notna() & ~(is_true | is_false)).to_numpy()
    return values, bad


def _datetime(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        stamps = raw
    else:
        stamps = pd.to_datetime(
            raw.astype("str").where(raw.notna()), errors="coerce", format="ISO8601", utc=True
        )
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    stamps = stamps.astype("datetime64[us]")
    bad = (raw.notna() & stamps.isna()).to_numpy()
    return stamps, bad


def coerce_column(raw: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, list[Problem]]:
    """The column in its declared type, and the rows that cannot be used, with why."""
    problems: list[Problem] = []
    if spec.type == "string":
        if isinstance(raw.dtype, pd.CategoricalDtype):  # dictionary-coded text stays coded
            values = raw.cat.rename_categories(raw.cat.categories.astype("str"))
        else:
            values = raw.astype("str")
        bad = np.zeros(len(raw), bool)
    elif spec.type == "integer":
        values, bad = _integer(raw)
    elif spec.type == "number":
        values, bad = _number(raw)
    elif spec.type == "boolean":
        values, bad = _boolean(raw)
    else:
        values, bad = _datetime(raw)
        if spec.type == "date":
            values = values.dt.normalize()
    if bad.any():
        what = f"not {_TYPE_WORDS[spec.type]}"
        problems.append(Problem(f"{spec.name}: {what}", bad, _quoted(spec.name, what, raw)))
    missing = values.isna().to_numpy() & ~bad
    if not spec.nullable and missing.any():
        detail = pd.Series(f"{spec.name}: missing", index=raw.index)
        problems.append(Problem(f"{spec.name}: missing", missing, detail))
    if spec.numeric and (spec.min is not None or spec.max is not None):
        low = -np.inf if spec.min is None else spec.min
        high = np.inf if spec.max is None else spec.max
        numbers = values.astype("float64").to_numpy(na_value=np.nan)
        with np.errstate(invalid="ignore"):
            out = ~np.isnan(numbers) & ((numbers < low) | (numbers > high))
        if out.any():
            what = (
                f"outside {spec.min:g}–{spec.max:g}"
                if spec.min is not None and spec.max is not None
                else "out of range"
            )
            problems.append(
                Problem(f"{spec.name}: out of range", out, _quoted(spec.name, what, raw))
            )
    return values, problems


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
    if not dup.any():
        return None
    return Problem(f"{name}: duplicate", dup, _quoted(name, "duplicate", ids))
