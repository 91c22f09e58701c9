"""The outbox: stable message ids and idempotent bulk enqueue (COPY on PostgreSQL)."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa
from fanzha.delivery.clock import to_db, utcnow
from fanzha.delivery.errors import StoreError
from fanzha.delivery.models import CHANNELS, OPEN_STATES, PENDING, Message
from sqlalchemy.engine import Engine

KEY = ["campaign_id", "customer_id", "wave", "channel"]
REQUIRED = ["campaign_id", "version", "customer_id", "wave", "channel", "warning_id", "due_at"]
DEFAULTS: dict[str, object] = {
    "segment": "",
    "variant": "a",
    "locale": "zh-CN",
    "title": "",
    "body": "",
    "image_key": "",
    "alt_text": "",
    "deep_link": "",
    "timezone": "Asia/Shanghai",
    "quiet_hours": "",
    "cap_max": None,
    "cap_days": None,
    "experiment_id": "",
    "arm": "",
}
COLUMNS = [*REQUIRED, *DEFAULTS, "id", "state", "attempts", "created_at", "updated_at"]
NULLABLE = ["cap_max", "cap_days"]
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_CHUNK = 200_000
_ANALYZE_AFTER = 10_000


@dataclass(frozen=True)
class EnqueueResult:
    """How many messages were new and how many already existed (or repeated in the input)."""

    inserted: int
    skipped: int


def message_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable 32-hex-digit ids from the unique key (campaign, customer, wave, channel)."""
    keys = frame[KEY].astype(str)
    # Two independent 64-bit SipHashes make a 128-bit id, computed without a Python loop.
    halves = [
        pd.util.hash_pandas_object(keys, index=False, hash_key=k).to_numpy(dtype=np.uint64)
        for k in ("fanzha-outbox-k1", "fanzha-outbox-k2")
    ]
    raw = np.stack(halves, axis=1).astype(">u8").view(np.uint8).reshape(len(frame), 16)
    nibbles = np.empty((len(frame), 32), dtype=np.uint8)
    nibbles[:, 0::2], nibbles[:, 1::2] = _HEX[raw >> 4], _HEX[raw & 0x0F]
    text = nibbles.view("S32").ravel().astype(str)
    return pd.Series(text, index=frame.index, name="id")


def prepare(messages: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """The rows to insert: defaults filled, ids computed, repeats of a key dropped."""
    missing = [c for c in REQUIRED if c not in messages.columns]
    if missing:
        raise ValueError(f"messages lack column(s): {', '.join(missing)}")
    frame = messages.reset_index(drop=True)
    for column, default in DEFAULTS.items():
        if column not in frame.columns:
            frame[column] = default
        elif default is not None:  # a frame stitched from several sources may have gaps
            frame[column] = frame[column].fillna(default)
    empty = [c for c in REQUIRED if frame[c].isna().any()]
    if empty:
        # INSERT OR IGNORE would silently drop such rows; refuse them instead.
        raise ValueError(f"messages with no value in: {', '.join(empty)}")
    bad = ~frame["channel"].isin(CHANNELS)
    if bad.any():
        raise ValueError(f"unknown channel(s): {sorted(frame.loc[bad, 'channel'].unique())}")
    frame["due_at"] = pd.to_datetime(frame["due_at"], utc=True, format="ISO8601")
    frame = frame.drop_duplicates(KEY, keep="first").reset_index(drop=True)
    frame["id"] = message_ids(frame)
    frame["state"], frame["attempts"] = PENDING, 0
    frame["created_at"] = frame["updated_at"] = pd.Timestamp(to_db(now))
    for column in NULLABLE:
        frame[column] = frame[column].astype("Int64")
    return frame[COLUMNS]


def enqueue(
    engine: Engine, messages: pd.DataFrame, *, now: datetime | None = None
) -> EnqueueResult:
    """Add messages to the outbox; a key that is already there is skipped (idempotent)."""
    rows = prepare(messages, now or utcnow())
    try:
        if engine.dialect.name == "postgresql":
            inserted = _copy_postgres(engine, rows)
        else:
            inserted = _insert_sqlite(engine, rows)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"enqueue failed: {exc}") from exc
    return EnqueueResult(inserted=inserted, skipped=len(messages) - inserted)


def _sqlite_values(rows: pd.DataFrame) -> list[tuple[object, ...]]:
    # SQLAlchemy stores SQLite datetimes as this text; raw inserts must match it to compare.
    out = rows.copy()
    for column in ("due_at", "created_at", "updated_at"):
        out[column] = out[column].dt.tz_convert(None).dt.strftime("%Y-%m-%d %H:%M:%S.%f")
    out = out.astype(object).where(out.notna(), None)
    return list(out.itertuples(index=False, name=None))


def _insert_sqlite(engine: Engine, rows: pd.DataFrame) -> int:
    names = ", ".join(COLUMNS)
    marks = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT OR IGNORE INTO {Message.__tablename__} ({names}) VALUES ({marks})"  # noqa: S608
    raw = engine.raw_connection()
    try:
        before = raw.driver_connection.total_changes
        cursor = raw.cursor()
        for start in range(0, len(rows), _CHUNK):
            cursor.executemany(sql, _sqlite_values(rows.iloc[start : start + _CHUNK]))
        raw.commit()
        return raw.driver_connection.total_changes - before
    finally:
        raw.close()


def _csv(rows: pd.DataFrame) -> str:
    out = rows.copy()
    for column in ("due_at", "created_at", "updated_at"):
        out[column] = out[column].dt.strftime("%Y-%m-%d %H:%M:%S.%f+00")
    return out.to_csv(index=False, header=False, quoting=csv.QUOTE_ALL, na_rep="")


def _copy_postgres(engine: Engine, rows: pd.DataFrame) -> int:
    table = Message.__tablename__
    temp = f"_enqueue_{uuid.uuid4().hex[:8]}"
    names = ", ".join(COLUMNS)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"CREATE TEMP TABLE {temp} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
        copy_sql = f"COPY {temp} ({names}) FROM STDIN WITH (FORMAT csv, FORCE_NULL ({', '.join(NULLABLE)}))"
        for start in range(0, len(rows), _CHUNK):
            with cursor.copy(copy_sql) as copy:
                copy.write(_csv(rows.iloc[start : start + _CHUNK]))
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {temp} ON CONFLICT DO NOTHING"  # noqa: S608
        )
        inserted = cursor.rowcount
        raw.commit()
        if inserted >= _ANALYZE_AFTER:
            # Fresh statistics, or the planner still thinks the outbox is empty and sorts the
            # whole backlog on every claim instead of walking the (state, due_at) index.
            cursor.execute(f"ANALYZE {table}")
            raw.commit()
        return int(inserted)
    finally:
        raw.close()


def open_messages(engine: Engine, campaign_id: str | None = None) -> int:
    """How many messages are still pending, claimed or held (for one campaign or all)."""
    table = Message.__table__
    query = (
        sa.select(sa.func.count()).select_from(table).where(table.c.state.in_(sorted(OPEN_STATES)))
    )
    if campaign_id is not None:
        query = query.where(table.c.campaign_id == campaign_id)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
