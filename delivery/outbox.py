"""The outbox: stable message ids and idempotent bulk enqueue (COPY on PostgreSQL)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery.clock import to_db, utcnow
from fanzha.delivery.errors import StoreError
from fanzha.delivery.models import CHANNELS, OPEN_STATES, PENDING, Message, table_of
from sqlalchemy.engine import Connection, Engine

KEY = ["campaign_id", "customer_id", "wave", "channel"]  # one live message per key
ID_FIELDS = ["campaign_id", "version", "customer_id", "wave", "channel"]
_PERSON = b"fanzha.message"
_SEP = "\x1f"
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
_CHUNK = 200_000
_ANALYZE_AFTER = 10_000


@dataclass(frozen=True)
class EnqueueResult:
    """How many messages were new and how many already existed (or repeated in the input)."""

    inserted: int
    skipped: int


def message_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable 32-hex-digit ids: blake2b-128 of the id fields (specified in docs/CONTRACTS.md).

    id = hex(blake2b(campaign_id US version US customer_id US wave US channel, as UTF-8,
    digest_size=16, person=b"fanzha.message")), US being the unit separator U+001F. The
    version is part of it because a new version's message for a wave replaces the old one's
    (which stays, superseded); pandas' own hashes are not promised stable across releases.
    """
    columns = [frame[c].astype(str).tolist() for c in ID_FIELDS]
    base = hashlib.blake2b(digest_size=16, person=_PERSON)
    ids = []
    # One pass in plain Python (pandas' str.cat is several times slower); copying a keyed
    # state is faster than building one per id.
    for fields in zip(*columns, strict=True):
        state = base.copy()
        state.update(_SEP.join(fields).encode("utf-8"))
        ids.append(state.hexdigest())
    return pd.Series(ids, index=frame.index, name="id", dtype=object)


def prepare(messages: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """The rows to insert: defaults filled, ids computed, repeats of a key dropped."""
    return with_ids(checked(messages, now))


def checked(messages: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """``prepare`` without the ids (computed per piece while the database loads)."""
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
    frame["state"], frame["attempts"] = PENDING, 0
    frame["created_at"] = frame["updated_at"] = pd.Timestamp(to_db(now))
    for column in NULLABLE:
        frame[column] = frame[column].astype("Int64")
    return frame


def with_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """Checked rows with their ids, in the outbox's column order."""
    return frame.assign(id=message_ids(frame))[COLUMNS]


def enqueue(
    engine: Engine, messages: pd.DataFrame, *, now: datetime | None = None
) -> EnqueueResult:
    """Add messages to the outbox; a key that is already there is skipped (idempotent)."""
    try:
        with engine.begin() as conn:
            result = enqueue_in(conn, messages, now=now or utcnow())
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"enqueue failed: {exc}") from exc
    analyze_if_large(engine, result.inserted)
    return result


def enqueue_in(
    conn: Connection, messages: pd.DataFrame, *, now: datetime, fresh: bool | None = None
) -> EnqueueResult:
    """``enqueue`` inside the caller's transaction (nothing is committed here).

    ``fresh``: the caller knows that none of these campaigns had a message before this
    transaction (it holds their lock), so on PostgreSQL the rows are COPYed straight into the
    outbox; unknown (None), the store is asked. A clash still skips the row either way.
    """
    if messages.empty:
        return EnqueueResult(inserted=0, skipped=0)
    if conn.dialect.name == "postgresql":
        from fanzha.delivery.pg_copy import insert_skipping

        rows = checked(messages, now)
        if fresh is None:
            fresh = not has_messages(conn, rows["campaign_id"].unique().tolist())
        inserted = insert_skipping(
            conn,
            Message.__tablename__,
            rows,
            with_ids,
            times=["due_at", "created_at", "updated_at"],
            null_columns=NULLABLE,
            direct=fresh,
        )
    else:
        inserted = _insert_sqlite(conn, prepare(messages, now))
    return EnqueueResult(inserted=inserted, skipped=len(messages) - inserted)


def has_messages(conn: Connection, campaign_ids: list[str]) -> bool:
    """Whether any of these campaigns has a message in the outbox (any state)."""
    table = table_of(Message)
    query = sa.select(table.c.id).where(table.c.campaign_id.in_(campaign_ids)).limit(1)
    return conn.execute(query).first() is not None


def analyze_if_large(engine: Engine, inserted: int) -> None:
    """Fresh planner statistics on PostgreSQL after a large enqueue."""
    if engine.dialect.name != "postgresql" or inserted < _ANALYZE_AFTER:
        return
    # Without them the planner still thinks the outbox is empty and sorts the whole backlog
    # on every claim instead of walking the (state, due_at) index.
    with engine.begin() as conn:
        conn.exec_driver_sql(f"ANALYZE {Message.__tablename__}")


def _sqlite_values(rows: pd.DataFrame) -> list[tuple[object, ...]]:
    # SQLAlchemy stores SQLite datetimes as this text; raw inserts must match it to compare.
    out = rows.copy()
    for column in ("due_at", "created_at", "updated_at"):
        out[column] = out[column].dt.tz_convert(None).dt.strftime("%Y-%m-%d %H:%M:%S.%f")
    out = out.astype(object).where(out.notna(), None)
    return list(out.itertuples(index=False, name=None))


def _insert_sqlite(conn: Connection, rows: pd.DataFrame) -> int:
    names = ", ".join(COLUMNS)
    marks = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT OR IGNORE INTO {Message.__tablename__} ({names}) VALUES ({marks})"  # noqa: S608
    driver = conn.connection.driver_connection
    before = driver.total_changes  # type: ignore[union-attr]  # sqlite3.Connection
    for start in range(0, len(rows), _CHUNK):
        conn.exec_driver_sql(sql, _sqlite_values(rows.iloc[start : start + _CHUNK]))  # executemany
    return int(driver.total_changes - before)  # type: ignore[union-attr]


def open_messages(engine: Engine, campaign_id: str | None = None) -> int:
    """How many messages are still pending (leased or not) or held (for one campaign or all)."""
    table = table_of(Message)
    query = (
        sa.select(sa.func.count()).select_from(table).where(table.c.state.in_(sorted(OPEN_STATES)))
    )
    if campaign_id is not None:
        query = query.where(table.c.campaign_id == campaign_id)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _csv(rows: pd.DataFrame) -> bytes:
    """Prepared rows as COPY's CSV (what ``bench/dispatch.py`` COPYs raw)."""
    from fanzha.delivery.pg_copy import csv_bytes

    return csv_bytes(rows, ["due_at", "created_at", "updated_at"])
