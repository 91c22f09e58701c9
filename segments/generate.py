"""Synthetic new-citizen customers in the default schema, vectorized and seed-stable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from fanzha.segments.errors import SchemaError
from fanzha.segments.vocabulary import COMMUNITIES, LOCALES, OCCUPATIONS, TIMEZONES

# (low, high) working-age bands per occupation; retired/students/graduates set apart below.
_AGE_BANDS: dict[str, tuple[int, int]] = {
    "factory_worker": (18, 58),
    "courier": (19, 50),
    "driver": (22, 60),
    "construction": (20, 64),
    "shop_owner": (24, 66),
    "self_employed": (22, 64),
    "office": (22, 58),
    "graduate_trainee": (21, 27),
    "retired": (55, 86),
    "domestic_worker": (30, 66),
    "food_delivery": (18, 45),
    "student": (17, 24),
    "caregiver": (35, 68),
    "unemployed": (18, 62),
}
_NO_JOB = ("retired", "unemployed", "student")
_FOUNDERS = ("shop_owner", "self_employed")
# Fixed reference instant so the same seed always yields the same file.
_REFERENCE = np.datetime64("2026-11-01T00:00:00", "s")


def _strings(
    codes: np.ndarray, labels: tuple[str, ...], null: np.ndarray | None = None
) -> pd.Series:
    """A pandas str Series from integer codes into labels, without a Python loop per row."""
    indices = pa.array(codes.astype(np.int32), mask=null)
    dictionary = pa.DictionaryArray.from_arrays(indices, labels)
    return pd.Series(dictionary.cast(pa.string()), dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def customer_ids(start: int, n: int) -> pd.Series:
    """Ids ``C`` + 9 digits for ``start .. start+n-1``, built as bytes (fast for millions)."""
    numbers = np.arange(start, start + n, dtype=np.int64)
    digits = np.empty((n, 10), dtype=np.uint8)
    digits[:, 0] = ord("C")
    for pos in range(9):
        digits[:, 9 - pos] = (numbers // 10**pos) % 10 + ord("0")
    offsets = pa.py_buffer(np.arange(0, 10 * n + 1, 10, dtype=np.int32))
    array = pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(digits)])
    return pd.Series(array, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    """Codes drawn with the given (normalised) weights."""
    p = np.array(list(weights.values()), dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _ages(rng: np.random.Generator, occupation: np.ndarray, names: list[str]) -> np.ndarray:
    """Ages inside each occupation's band, skewed towards its younger end."""
    low = np.array([_AGE_BANDS[o][0] for o in names])[occupation]
    high = np.array([_AGE_BANDS[o][1] for o in names])[occupation]
    spread = rng.beta(1.6, 2.4, len(occupation))
    return np.floor(low + (high + 1 - low) * spread).astype(np.int64)


def _months_employed(
    rng: np.random.Generator, occ: np.ndarray, age: np.ndarray, names: list[str]
) -> pd.arrays.IntegerArray:
    """Months in the current job: short for graduates, null for people without a job."""
    n = len(occ)
    months = np.floor(rng.exponential(40.0, n)).astype(np.int64)
    young = age <= 30
    months[young] = np.floor(rng.exponential(20.0, young.sum())).astype(np.int64)
    grad = occ == names.index("graduate_trainee")
    months[grad] = rng.integers(0, 19, grad.sum())
    months = np.minimum(months, (age - 16) * 12)
    null = np.isin(occ, [names.index(o) for o in _NO_JOB])
    return pd.arrays.IntegerArray(np.where(null, 0, months), null)


def generate_customers(n: int, seed: int) -> pd.DataFrame:
    """``n`` realistic synthetic new-citizen customers; the same seed gives the same rows."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = np.random.default_rng(seed)
    names = list(OCCUPATIONS)
    occ = _choice(rng, OCCUPATIONS, n)
    age = _ages(rng, occ, names)
    elderly = age >= 55
    founder = np.isin(occ, [names.index(o) for o in _FOUNDERS])
    grad = occ == names.index("graduate_trainee")
    months_in_city = np.floor(rng.exponential(np.where(grad, 14.0, 42.0), n)).astype(np.int64)
    months_in_city = np.minimum(months_in_city, np.minimum(480, (age - 14) * 12))
    licence_p = np.where(occ == names.index("shop_owner"), 0.85, np.where(founder, 0.7, 0.02))
    app_p = np.where(elderly, 0.65, 0.9)
    large_p = np.where(elderly, 0.4, 0.04)
    locale = (rng.random(n) < 0.05).astype(np.int8)
    community_null = rng.random(n) < 0.02
    has_loan = rng.random(n) < 0.08
    loan_seconds = rng.integers(0, 730 * 86400, n)
    first_loan = (_REFERENCE - loan_seconds.astype("timedelta64[s]")).astype("datetime64[us]")
    return pd.DataFrame(
        {
            "customer_id": customer_ids(1, n),
            "age": age,
            "months_in_city": months_in_city,
            "hukou_local": rng.random(n) < np.where(months_in_city < 36, 0.12, 0.03),
            "occupation": _strings(occ, tuple(names)),
            "has_business_license": rng.random(n) < licence_p,
            "months_employed": _months_employed(rng, occ, age, names),
            "app_user": rng.random(n) < app_p,
            "consent_education": rng.random(n) < 0.8,
            "locale": _strings(locale, LOCALES),
            "timezone": _strings(_choice(rng, TIMEZONES, n), tuple(TIMEZONES)),
            "community": _strings(
                rng.integers(0, len(COMMUNITIES), n), COMMUNITIES, community_null
            ),
            "large_text": rng.random(n) < large_p,
            "first_loan_at": pd.Series(np.where(has_loan, first_loan, np.datetime64("NaT", "us"))),
        }
    )


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """CSV through Arrow (an order of magnitude faster than pandas), ISO date-times."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            seconds = pc.cast(table.column(i), pa.timestamp("s"), safe=False)
            text = pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%S")
            table = table.set_column(i, field.name, text)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


def write_customers(df: pd.DataFrame, path: str | Path) -> Path:
    """Write customers as ``.csv`` or ``.parquet`` (chosen by the file's extension)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        df.to_parquet(path, index=False)
    elif suffix == ".csv":
        _write_csv(df, path)
    else:
        raise SchemaError(f"{path}: customers are written as .csv or .parquet, not {suffix!r}")
    return path
