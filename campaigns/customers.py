"""Customers as the API takes them: a ``.csv``/``.parquet`` path or a pandas DataFrame.

Both go through the segments package's checks (types, ranges, duplicates); rejected rows
are kept with their reasons, and written beside a file (``NAME.rejected.csv``) when the
customers came from one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, Union

if TYPE_CHECKING:
    import pandas as pd
    from fanzha.segments import CustomerSchema, LoadResult
    from typing_extensions import TypeIs

__all__ = [
    "CustomerSource",
    "columns_of",
    "customer_schema",
    "describe",
    "load",
    "rejected_path_for",
]

CustomerSource: TypeAlias = Union[str, "os.PathLike[str]", "pd.DataFrame"]


def _is_frame(source: CustomerSource) -> TypeIs[pd.DataFrame]:
    return not isinstance(source, str | os.PathLike)


def customer_schema(path: Path | None) -> CustomerSchema:
    """The customer schema: the file FANZHA_SCHEMA names, else the generator's."""
    from fanzha.segments import default_schema, load_schema

    return load_schema(path) if path else default_schema()


def describe(source: CustomerSource) -> str:
    """How messages name the customers: the file, or ``<DataFrame of N rows>``."""
    if _is_frame(source):
        return f"<DataFrame of {len(source)} rows>"
    return str(source)


def columns_of(source: CustomerSource) -> set[str]:
    """The columns the customers have, read from the file's header only."""
    if _is_frame(source):
        return {str(c) for c in source.columns}
    from fanzha.segments import customer_columns  # the header in the file's own encoding

    return customer_columns(Path(source))


def rejected_path_for(source: CustomerSource) -> Path | None:
    """Where a file's rejected rows are written (none for a DataFrame)."""
    if _is_frame(source):
        return None
    path = Path(source)
    return path.with_name(path.stem + ".rejected.csv")


def load(source: CustomerSource, schema: CustomerSchema, *, write_rejected: bool) -> LoadResult:
    """Typed, checked customers; rejected rows in ``.rejected`` (and beside a file if asked)."""
    from fanzha.segments import load_customers

    if not _is_frame(source):
        rejected = rejected_path_for(source) if write_rejected else None
        loaded = load_customers(Path(source), schema, rejected_path=rejected)
        if rejected is not None and loaded.rejected.empty:
            rejected.unlink(missing_ok=True)  # no rejected rows: leave no empty file behind
        return loaded
    import numpy as np
    from fanzha.segments.loader import check_rows

    rows = np.arange(1, len(source) + 1)
    return check_rows(source, schema, rows, describe(source))
