"""The data of bench/feed.py: feed items generated in chunks, loaded by COPY, one schema per size."""

from __future__ import annotations

import io
import os
import sys
import time
from datetime import datetime

import numpy as np
import pandas as pd

# One schema per size (bench_feed_1000000, ...), so 1M and 10M can both stay loaded.
SCHEMA_ENV = "FANZHA_BENCH_SCHEMA"


def schema_for(items: int) -> str:
    """The schema holding ``items`` feed items."""
    return f"bench_feed_{items}"


def schema() -> str:
    """The schema this process works on (the server processes inherit it from bench/feed.py)."""
    return os.environ.get(SCHEMA_ENV, schema_for(1_000_000))


def items_frame(
    n: int, customers: int, now: datetime, seed: int = 7, start: int = 0
) -> pd.DataFrame:
    """``n`` feed items (ids from ``start``) over ``customers``, the last 20 days; some read,
    dismissed, recalled."""
    rng = np.random.default_rng([seed, start])
    idx = np.arange(start, start + n)
    customer = rng.integers(0, customers, n)
    age_s = rng.integers(0, 20 * 86400, n)
    created = pd.Series(pd.Timestamp(now) - pd.to_timedelta(age_s, unit="s"))
    draw = rng.random(n)
    read = (created + pd.Timedelta(hours=2)).where(draw < 0.35)
    dismissed = (created + pd.Timedelta(hours=3)).where(draw > 0.95)
    recalled = (created + pd.Timedelta(days=1)).where(rng.random(n) < 0.01)
    warnings = np.array(["fake-loan", "credit-repair", "task-rebate", "impersonating-authorities"])
    warning = warnings[rng.integers(0, len(warnings), n)]
    ids = pd.Series(idx).map("{:032x}".format)
    return pd.DataFrame(
        {
            "id": ids,
            "message_id": "m" + ids.str.slice(1),
            "customer_id": pd.Series(customer).map("C{:09d}".format),
            "campaign_id": "spring-2027",
            "warning_id": warning,
            "variant": "a",
            "title": "警察不会在电话里办案",
            "body": "公检法机关不会通过电话办案，更不会要求转账到“安全账户”。挂断电话，拨打110核实。",
            "image_key": pd.Series(rng.integers(0, 64, n)).map("{:032x}.webp".format),
            "alt_text": "四格漫画：骗子冒充警察来电，老人挂断电话并拨打110核实。",
            "created_at": created,
            "read_at": read,
            "dismissed_at": dismissed,
            "expires_at": pd.Series(pd.NaT, index=created.index, dtype=created.dtype),
            "recalled_at": recalled,
        }
    )


def load(engine, n: int, customers: int, now: datetime) -> float:  # type: ignore[no-untyped-def]
    """Fill the schema with ``n`` items by COPY, the indexes built after; returns seconds taken.

    COPY into a table that already has the covering index ran at ~200,000 rows a minute (each
    item's text is written twice, into random leaf pages); so the secondary indexes are
    dropped, the rows copied (FREEZE: written all-visible, nothing left for VACUUM to do) in
    chunks generated on the fly, and the indexes built again from their own definitions.
    """
    import sqlalchemy as sa
    from fanzha.delivery.store import init_db

    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema()} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema()}"))
    init_db(engine)
    with engine.begin() as conn:
        indexes = conn.execute(
            sa.text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'feed_items'"
                " AND i.schemaname = current_schema() AND i.indexname NOT IN"
                " (SELECT conname FROM pg_constraint WHERE conrelid = 'feed_items'::regclass)"
            )
        ).all()
        for name, _ in indexes:
            conn.execute(sa.text(f'DROP INDEX "{name}"'))
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        _same_niceness(cursor)
        cursor.execute("TRUNCATE feed_items")  # same transaction as the COPY: FREEZE allowed
        chunk = 250_000
        for lo in range(0, n, chunk):
            frame = items_frame(min(chunk, n - lo), customers, now, start=lo)
            buf = io.StringIO()
            frame.to_csv(buf, index=False, header=False, date_format="%Y-%m-%d %H:%M:%S.%f+00")
            sql = (
                f"COPY feed_items ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, FREEZE)"
            )
            with cursor.copy(sql) as copy:
                copy.write(buf.getvalue())
            print(f"copied {lo + len(frame):,} items", file=sys.stderr, flush=True)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        _same_niceness(conn.connection.cursor())
        conn.execute(sa.text("SET maintenance_work_mem = '512MB'"))
        for name, definition in indexes:
            conn.execute(sa.text(definition))
            print(f"built {name}", file=sys.stderr, flush=True)
        # What autovacuum does to a settled table: statistics, and the visibility map that
        # lets the unread count be answered from the index alone.
        conn.execute(sa.text("VACUUM ANALYZE feed_items"))
    return time.perf_counter() - start


def _same_niceness(cursor) -> None:  # type: ignore[no-untyped-def]
    """Give the PostgreSQL backend behind ``cursor`` this process's niceness (a load run under
    ``nice`` should not take the CPU from measurements through its backend)."""
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    if mine <= 0:
        return
    cursor.execute("SELECT pg_backend_pid()")
    try:
        os.setpriority(os.PRIO_PROCESS, int(cursor.fetchone()[0]), mine)
    except OSError:  # another user's process (PostgreSQL on another host or account)
        pass


def set_layout(engine, layout: str) -> None:  # type: ignore[no-untyped-def]
    """``covering``: the page indexes of migration 0003 (created if missing); ``heap``: dropped.

    ``heap`` is the reference layout of before 0003: a page then reads its rows from the heap.
    """
    import importlib

    import sqlalchemy as sa

    m = importlib.import_module("fanzha.delivery.migrations.versions.0005_k_feed_covering")
    size, cover = m.SIZE, m.COVER_BYTES
    statements = (
        [
            "CREATE INDEX IF NOT EXISTS ix_feed_page_cover ON feed_items (customer_id, created_at, id)"
            f" INCLUDE ({', '.join(m.PAGE_COLUMNS)}) WHERE {m.VISIBLE} AND {size} <= {cover}",
            "CREATE INDEX IF NOT EXISTS ix_feed_page_oversize ON feed_items"
            f" (customer_id, created_at, id) WHERE {m.VISIBLE} AND {size} > {cover}",
            "VACUUM ANALYZE feed_items",
        ]
        if layout == "covering"
        else [
            "DROP INDEX IF EXISTS ix_feed_page_cover",
            "DROP INDEX IF EXISTS ix_feed_page_oversize",
            "ANALYZE feed_items",
        ]
    )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for sql in statements:
            conn.execute(sa.text(sql))


def count_items(engine) -> int:  # type: ignore[no-untyped-def]
    """Rows already in the bench schema (0 when it does not exist)."""
    import sqlalchemy as sa

    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM feed_items")).scalar_one())
    except sa.exc.SQLAlchemyError:
        return 0
