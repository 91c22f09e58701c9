"""Outcomes in: ``fanzha outcomes import FILE`` and the report's ``--outcomes FILE``.

The documented format (docs/STATISTICS.md) is one row per customer, date and metric:

    customer_id,date,metric,value
    C000123,2027-03-18,fraud_reported,1

``value`` is a number; 1/0, true/false, yes/no and 是/否 are read as 1 and 0. Rows are checked
by the customers' loader (:func:`fanzha.segments.loader.check_rows`): a row with a missing or
malformed value, an impossible date or a repeated (customer_id, date, metric) key is set aside
with its reason, never silently dropped, and never stops the file. Two older shapes are still
read by the report: ``customer_id,outcome`` (each row an event named by ``outcome``) and a
wide file with one 0/1 column per metric (``customer_id[,date],fraud_reported,...``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from fanzha.campaigns.errors import CampaignFileError, Problem
from fanzha.campaigns.results import Result

LONG = ["customer_id", "date", "metric", "value"]
KEY = "(customer_id, date, metric)"
_TRUE = {"true", "yes", "1", "是", "1.0"}
_FALSE = {"false", "no", "0", "否", "0.0"}
__all__ = ["LONG", "ImportResult", "OutcomeLoad", "import_outcomes", "load_outcomes", "read_any"]


@dataclass
class OutcomeLoad:
    """Usable outcome rows (customer_id, date, metric, value) and rejected rows with reasons."""

    frame: pd.DataFrame
    rejected: pd.DataFrame
    rows_read: int
    note: str


def _schemas():  # type: ignore[no-untyped-def]
    from fanzha.segments.schema import ColumnSpec, CustomerSchema

    cols = (
        ColumnSpec("customer_id", "string", required=True, nullable=False),
        ColumnSpec("date", "date", required=True, nullable=False),
        ColumnSpec("metric", "string", required=True, nullable=False),
        ColumnSpec("value", "number", required=True, nullable=False),
    )
    reading = CustomerSchema(cols)
    # The row key is what makes an import idempotent; a repeat inside the file is refused.
    checking = CustomerSchema((ColumnSpec("_key", "string", required=True), *cols), "_key")
    return reading, checking


def _values(raw: pd.Series) -> pd.Series:
    """1/0, true/false, yes/no, 是/否 as "1"/"0"; numbers as they are."""
    if raw.dtype == bool or str(raw.dtype) == "boolean":
        return raw.astype("Float64").astype(str)
    text = raw.astype("string").str.strip()
    low = text.str.lower()
    return text.mask(low.isin(_TRUE), "1").mask(low.isin(_FALSE), "0")


def load_outcomes(path: Path, rejected_path: Path | None = None) -> OutcomeLoad:
    """Read and check an outcomes file in the documented (long) format."""
    from fanzha.segments.load_summary import write_rejected
    from fanzha.segments.loader import check_rows
    from fanzha.segments.reading import read_customers

    reading, checking = _schemas()
    raw = read_customers(path, reading)
    frame = raw.frame.copy()
    for name in ("customer_id", "metric"):
        if name in frame.columns:
            frame[name] = frame[name].astype("string").str.strip()
    if "value" in frame.columns:
        frame["value"] = _values(frame["value"])
    if "date" in frame.columns:
        frame["date"] = frame["date"].astype("string")
    present = all(c in frame.columns for c in LONG)
    key = (
        frame["customer_id"].fillna("")
        + "\x1f"
        + frame["date"].fillna("")
        + "\x1f"
        + frame["metric"].fillna("")
        if present
        else ""
    )
    frame.insert(0, "_key", key)
    result = check_rows(frame, checking, raw.rows, str(path), raw.bad_lines, unit=raw.unit)
    rejected = result.rejected.drop(columns=["_key"], errors="ignore")
    if "reason" in rejected.columns:
        rejected["reason"] = (
            rejected["reason"].astype(str).str.replace("_key", KEY).str.replace("\x1f", ", ")
        )
    if rejected_path is not None:
        write_rejected(rejected, rejected_path)
    good = result.frame[LONG].copy()
    good["date"] = pd.to_datetime(good["date"]).dt.date
    good["value"] = good["value"].astype(float)
    note = _note(len(rejected), rejected, rejected_path, raw.unit)
    return OutcomeLoad(good.reset_index(drop=True), rejected, len(frame), note)


def _note(n: int, rejected: pd.DataFrame, where: Path | None, unit: str, limit: int = 5) -> str:
    if not n:
        return ""
    lines = [
        f"{n} row(s) rejected, not imported"
        + (f" (all, with reasons, in {where})" if where else "")
    ]
    for row, reason in zip(rejected["row"][:limit], rejected["reason"][:limit], strict=False):
        lines.append(f"  {unit} {row}: {reason}")
    return "\n".join(lines)


@dataclass
class ImportResult(Result):
    """What ``fanzha outcomes import`` did."""

    path: Path
    rows_read: int
    inserted: int
    existing: int
    rejected: int
    rejected_path: Path | None
    note: str

    def render(self) -> str:
        """A summary for the terminal."""
        lines = [
            f"{self.path}: {self.rows_read:,} rows read, {self.inserted:,} new, "
            f"{self.existing:,} already there (value updated if changed), {self.rejected:,} rejected"
        ]
        return "\n".join([*lines, self.note] if self.note else lines)


def import_outcomes(ws, path: Path) -> ImportResult:  # type: ignore[no-untyped-def]
    """Check ``path`` and store its rows; importing the same rows again adds nothing."""
    from fanzha.delivery.experiments import upsert_outcomes

    rejected_path = path.with_name(path.stem + ".rejected.csv")
    load = load_outcomes(path, rejected_path)
    done = upsert_outcomes(ws.engine, load.frame) if len(load.frame) else (0, 0)
    return ImportResult(
        path,
        load.rows_read,
        int(done[0]),
        int(done[1]),
        len(load.rejected),
        rejected_path if len(load.rejected) else None,
        load.note,
    )


def read_any(path: Path) -> pd.DataFrame:
    """An outcomes file of any accepted shape as long rows (date NaT when the file has none).

    Wide files: every column but customer_id and date is a metric; ``pre_<metric>`` columns
    are pre-period covariates, kept as metric ``pre_<metric>``.
    """
    head = (
        pd.read_parquet(path).head(0)
        if path.suffix.lower() == ".parquet"
        else pd.read_csv(path, nrows=0, dtype=str)
    )
    cols = set(head.columns)
    if set(LONG) <= cols:
        load = load_outcomes(path)
        if len(load.rejected):
            first = load.rejected.iloc[0]
            raise CampaignFileError(
                [Problem(str(path), int(first["row"]), 1, str(first["reason"]))]
            )
        out = load.frame.assign(date=pd.to_datetime(load.frame["date"]))
        return out
    frame = (
        pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path, dtype=str)
    )
    if "customer_id" not in cols:
        raise CampaignFileError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "missing column customer_id; expected customer_id,date,metric,value",
                )
            ]
        )
    if "outcome" in cols:  # the first shape: one row per event
        blank = frame["customer_id"].isna() | frame["outcome"].isna()
        if blank.any():
            line = int(blank.to_numpy().argmax()) + 2  # +1 header, +1 one-based
            raise CampaignFileError([Problem(str(path), line, 1, "empty customer_id or outcome")])
        return pd.DataFrame(
            {
                "customer_id": frame["customer_id"].astype(str),
                "date": pd.NaT,
                "metric": frame["outcome"].astype(str),
                "value": 1.0,
            }
        )
    dates = (
        pd.to_datetime(frame["date"], errors="coerce")
        if "date" in cols
        else pd.Series(pd.NaT, index=frame.index)
    )
    parts = []
    for name in [c for c in frame.columns if c not in ("customer_id", "date")]:
        text = _values(frame[name])
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() & text.notna() & (text != "")
        if bad.any():
            line = int(np.argmax(bad.to_numpy())) + 2
            got = frame[name][bad].iloc[0]
            raise CampaignFileError(
                [
                    Problem(
                        str(path),
                        line,
                        1,
                        f'{name}: "{got}" is not a number, 1/0, true/false or 是/否',
                    )
                ]
            )
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": frame["customer_id"].astype(str),
                    "date": dates,
                    "metric": name,
                    "value": values,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=LONG)
    return out.dropna(subset=["value"])
