"""Column vectors with explicit null masks, and SQL three-valued logic on them in numpy."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
OPS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass
class Vec:
    """Values of one expression over n rows; ``null`` marks unknowns (None: no nulls).

    Strings are dictionary-coded: ``values`` are int codes into ``cats`` (-1 for null),
    so comparisons run once per distinct value, not once per row. A scalar Vec holds
    a Python value in ``values`` (a literal), broadcast against columns.
    """

    kind: str
    values: Any
    null: np.ndarray | None = None
    cats: np.ndarray | None = None
    scalar: bool = False

    def null_mask(self, n: int) -> np.ndarray:
        """The null mask, materialised."""
        if self.null is None:
            return np.zeros(n if not self.scalar else 1, dtype=bool)
        return self.null

    def decoded(self) -> Any:
        """String values as an object array ('' for null); other kinds unchanged."""
        if self.kind != "string" or self.scalar:
            return self.values
        assert self.cats is not None
        return np.append(self.cats, "")[self.values]


def _or(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def truth(values: np.ndarray, null: np.ndarray | None) -> Vec:
    """A boolean Vec whose values are False wherever null (so values means 'known true')."""
    if null is not None:
        if not null.any():
            null = None
        else:
            values = values & ~null
    return Vec("boolean", values, null)


def string_vec(series: pd.Series) -> Vec:
    """Dictionary-code a string column (categoricals and Arrow strings without a row loop)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        cats = np.asarray(series.cat.categories.astype(object), dtype=object)
    else:
        try:
            encoded = pc.dictionary_encode(pa.array(series, from_pandas=True, type=pa.string()))
            if isinstance(encoded, pa.ChunkedArray):
                encoded = encoded.combine_chunks()
            codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
            cats = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            factor, uniques = pd.factorize(series.astype(object).where(series.notna(), None))
            codes, cats = factor, np.asarray([str(u) for u in uniques], dtype=object)
    null = codes < 0
    return Vec("string", codes, null if null.any() else None, cats)


def column_vec(series: pd.Series, type_: str) -> Vec:
    """Turn a DataFrame column into a Vec of the rule language type ``type_``."""
    if type_ == "string":
        return string_vec(series)
    na = series.isna().to_numpy()
    null = na if na.any() else None
    if type_ in ("integer", "number"):
        dtype = np.int64 if pd.api.types.is_integer_dtype(series.dtype) else np.float64
        values = series.to_numpy(dtype=dtype, na_value=0)
        return Vec("number", values, null)
    if type_ == "boolean":
        return truth(series.to_numpy(dtype=bool, na_value=False), null)
    stamps = pd.to_datetime(series, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    values = stamps.to_numpy(dtype="datetime64[us]")
    nat = np.isnat(values)
    return Vec("date", values, nat if nat.any() else None)


def compare(op: str, a: Vec, b: Vec) -> Vec:
    """SQL comparison: unknown when either side is null."""
    fn = OPS[op]
    if a.kind == "string" and (a.scalar != b.scalar):
        column, literal = (a, b) if b.scalar else (b, a)
        swapped = not b.scalar
        assert column.cats is not None
        table = fn(literal.values, column.cats) if swapped else fn(column.cats, literal.values)
        table = np.append(np.asarray(table, dtype=bool), False)
        return truth(table[column.values], column.null)
    with np.errstate(invalid="ignore"):
        values = np.asarray(fn(a.decoded(), b.decoded()), dtype=bool)
    return truth(values, _or(a.null, b.null))


def in_list(a: Vec, items: list[Any], negated: bool) -> Vec:
    """``x in [..]`` / ``x not in [..]``; null x stays unknown either way."""
    if a.kind == "string" and not a.scalar:
        assert a.cats is not None  # a string column always carries its categories
        table = np.append(np.isin(a.cats, np.asarray(items, dtype=object)), False)
        hit = table[a.values]
    else:
        hit = np.isin(a.values, np.asarray(items))
    return truth(~hit if negated else hit, a.null)


def logical_not(a: Vec) -> Vec:
    """``not``: unknown stays unknown."""
    return truth(~a.values, a.null)


def logical_and(a: Vec, b: Vec) -> Vec:
    """Kleene AND: false if either is known false, true if both true, else unknown."""
    known_true = a.values & b.values
    if a.null is None and b.null is None:
        return Vec("boolean", known_true)
    false_a = ~a.values & ~a.null if a.null is not None else ~a.values
    false_b = ~b.values & ~b.null if b.null is not None else ~b.values
    return truth(known_true, ~known_true & ~(false_a | false_b))


def logical_or(a: Vec, b: Vec) -> Vec:
    """Kleene OR: true if either is true, false if both known false, else unknown."""
    known_true = a.values | b.values
    null = _or(a.null, b.null)
    return truth(known_true, None if null is None else null & ~known_true)


def arith(op: str, a: Vec, b: Vec) -> Vec:
    """``+ - * /`` on numbers; division is true division and by zero gives null."""
    null = _or(a.null, b.null)
    x, y = a.values, b.values
    with np.errstate(all="ignore"):
        if op == "/":
            zero = np.asarray(y == 0)
            values = np.true_divide(x, np.where(zero, 1, y))
            null = _or(null, zero if zero.ndim else (np.full(np.shape(values), bool(zero))))
        else:
            values = {"+": operator.add, "-": operator.sub, "*": operator.mul}[op](x, y)
    scalar = a.scalar and b.scalar
    return Vec("number", values, null, scalar=scalar)


def lower(a: Vec) -> Vec:
    """ASCII lower-casing (the same in every engine; CJK has no case)."""
    if a.scalar:
        return Vec("string", str(a.values).translate(_ASCII_LOWER), scalar=True)
    assert a.cats is not None
    cats = np.asarray([str(c).translate(_ASCII_LOWER) for c in a.cats], dtype=object)
    return Vec("string", a.values, a.null, cats)


def days_since(a: Vec, as_of: np.datetime64) -> Vec:
    """Whole days from the date of ``a`` to the as-of date."""
    days = (as_of.astype("datetime64[D]") - a.values.astype("datetime64[D]")).astype(np.int64)
    return Vec("number", np.where(a.null, 0, days) if a.null is not None else days, a.null)


def months_since(a: Vec, as_of: np.datetime64) -> Vec:
    """Whole calendar months from ``a`` to the as-of date (a month counts once its day is reached)."""
    v = a.values
    month = v.astype("datetime64[M]")
    day = (v.astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    ref_month = as_of.astype("datetime64[M]")
    ref_day = int(
        (as_of.astype("datetime64[D]") - ref_month.astype("datetime64[D]")).astype(np.int64)
    )
    months = (ref_month - month).astype(np.int64) - (ref_day < day)
    return Vec("number", np.where(a.null, 0, months) if a.null is not None else months, a.null)
