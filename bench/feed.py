"""Benchmark: GET /v1/feed over 1M and 10M feed items in PostgreSQL, beside a constant endpoint.

Run from the repository root:
    PYTHONPATH=. .venv/bin/python bench/feed.py --load-only   # outside the bench lock
    flock /work/bench.lock .venv/bin/python bench/feed.py --reuse [--items 1000000,10000000]
Needs PostgreSQL (FANZHA_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/test); each
size lives in its own schema (``bench_feed_1000000``, ...), one customer per 50 items. The server is uvicorn worker processes sharing the port
(bench/feed_server.py); the load generator (``wrk`` when installed, else Python; see bench/feed_load.py) is
another process: 32 keep-alive connections, each sending its next request as soon as the last
answer arrived, for a fixed time. The ceiling is a constant endpoint of the same server
(``/v1/_ceiling``, mounted only here). Each run also records the CPU the server, its database
backends, the generator and the rest of the machine spent per request. Writes the `feed`
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `bench` and the packages import when run as a script

from bench.feed_load import CpuSnapshot, Request, run_generator, wrk_available  # noqa: E402
from bench.feed_report import Setup, report  # noqa: E402
from bench.feed_server import start_server, stop_server  # noqa: E402
from bench.results_md import write_section  # noqa: E402

# One schema per size (bench_feed_1000000, ...), so 1M and 10M can both stay loaded.
SCHEMA_ENV = "FANZHA_BENCH_SCHEMA"
# Bench-only keys, the three separate rings create_app requires (never use them elsewhere).
TOKEN_KEYS = "bench:Zk3hQ9vLx2NcR7tWp4YmB8sJd1fGa6uKe0oTiVqXyHn"
BACKEND_KEYS = "bench:Lr5nW2xQk8ZpT1vMc7YbH4sJg9dFa3uNe6oRiKqXyUw"
WEBHOOK_KEYS = "bench:Pm8tX1zRk4WqN7vLc2YbJ5sHg0dFa9uMe3oTiKrXyQe"
TTL = timedelta(days=30)
APP_NAME = "fanzha_bench_feed"  # how the server's database backends are found
FEED_PATH, CEILING_PATH = "/v1/feed?limit=20", "/v1/_ceiling"


def schema_for(items: int) -> str:
    """The schema holding ``items`` feed items."""
    return f"bench_feed_{items}"


def schema() -> str:
    """The schema this process works on (the server processes inherit it from bench/feed.py)."""
    return os.environ.get(SCHEMA_ENV, schema_for(1_000_000))


def db_url() -> str:
    """The bench schema's URL (search_path set to it)."""
    base = os.environ.get("FANZHA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{schema()}&application_name={APP_NAME}"


def make_app():  # type: ignore[no-untyped-def]
    """The app factory uvicorn's workers call (``--factory``)."""
    from fanzha.delivery.api import create_app
    from fanzha.delivery.keys import KeyRing
    from fanzha.delivery.store import open_engine

    return create_app(
        open_engine(db_url()),
        token_keys=KeyRing.parse("FANZHA_SECRET", TOKEN_KEYS),
        backend_keys=KeyRing.parse("FANZHA_BACKEND_KEY", BACKEND_KEYS),
        webhook_keys=KeyRing.parse("FANZHA_WEBHOOK_SECRET", WEBHOOK_KEYS),
        fast_path=os.environ.get("FANZHA_BENCH_FAST_PATH", "1") == "1",
        media_dir=Path(os.environ.get("FANZHA_BENCH_MEDIA", "/tmp")),
        feed_ttl=TTL,
        bench_ceiling=True,
        threads=int(os.environ.get("FANZHA_BENCH_THREADS", "8")),
        feed_driver=os.environ.get("FANZHA_BENCH_DRIVER", "auto"),  # type: ignore[arg-type]
        feed_connections=int(os.environ.get("FANZHA_BENCH_CONNECTIONS", "8")),
    )


# ---------------------------------------------------------------- data


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


# ---------------------------------------------------------------- orchestration


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_requests(engine, customers: int, now: datetime) -> list[Request]:  # type: ignore[no-untyped-def]
    """The feed requests both generators send: 2,000 customers, a quarter asking for page 2."""
    from fanzha.delivery.api import list_feed, mint_token
    from fanzha.delivery.keys import KeyRing

    rng = random.Random(3)
    chosen = [f"C{c:09d}" for c in rng.sample(range(customers), min(2000, customers))]
    keys = KeyRing.parse("FANZHA_SECRET", TOKEN_KEYS)
    tokens = {c: mint_token(c, keys, timedelta(hours=2), now=now) for c in chosen}
    # The app scrolling on: the cursor its first page handed out.
    second = {c: list_feed(engine, c, now=now, ttl=TTL, limit=20).next_cursor for c in chosen}
    requests: list[Request] = []
    for _ in range(4000):
        customer = rng.choice(chosen)
        cursor = second[customer] if rng.random() < 0.25 else None
        path = FEED_PATH + (f"&cursor={cursor}" if cursor else "")
        requests.append((path, tokens[customer]))
    return requests


def database_pids() -> list[int]:
    """PostgreSQL backends serving the bench server (found by their application_name)."""
    import psycopg

    base = os.environ.get("FANZHA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    with psycopg.connect(base, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APP_NAME,)
        ).fetchall()
    return [int(r[0]) for r in rows]


def measure(generator: str, server: list[int], port: int, requests: list[Request], args) -> dict:  # type: ignore[no-untyped-def]
    """Warm up, then one measured run with the CPU every party used per request."""
    run_generator(generator, port, requests, args.warmup, args.clients)
    db_pids = database_pids()
    before = CpuSnapshot.take(server, db_pids)
    result = run_generator(generator, port, requests, args.seconds, args.clients)
    after = CpuSnapshot.take(server, db_pids)
    return result | before.per_request(after, result["requests"], result["seconds"])


def run_config(
    generator: str, workers: int, fast_path: str, feed: list[Request], args
) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def]
    """Serve with ``workers`` processes and measure ceiling then feed, ``args.rounds`` times."""
    ceiling = [(CEILING_PATH, token) for _, token in feed]
    os.environ["FANZHA_BENCH_CONNECTIONS"] = str(args.db_connections)
    os.environ["FANZHA_BENCH_FAST_PATH"] = "1" if fast_path == "on" else "0"
    port = free_port()
    procs = start_server(port, workers, args.loop)
    runs: dict[str, list[dict]] = {"feed": [], "ceiling": []}
    try:
        for _ in range(args.rounds):
            for name, requests in (("ceiling", ceiling), ("feed", feed)):
                result = measure(generator, [p.pid for p in procs], port, requests, args)
                runs[name].append(result)
                print(workers, fast_path, name, json.dumps(result), file=sys.stderr)
    finally:
        stop_server(procs)
    return runs


def main() -> None:
    """Load the data, serve it, measure feed and ceiling in alternation, record the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items", default="1000000,10000000", help="table sizes to measure, e.g. 1000000"
    )
    parser.add_argument(
        "--customers", type=int, default=None, help="default: one per 50 items (20,000 at 1M)"
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--workers", default="1", help="worker counts to measure, e.g. 2,1 (`fanzha serve`: 1)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--fast-path", default="on", help="measure with the feed's fast path on, off or on,off"
    )
    parser.add_argument("--db-connections", type=int, default=8, help="feed connections per worker")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--driver", choices=("auto", "asyncpg", "psycopg"), default="auto")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument(
        "--layout",
        choices=("covering", "heap"),
        default="covering",
        help="covering: the page from ix_feed_page_cover (migration 0003); heap: without it",
    )
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--load-only", action="store_true", help="load the data (outside the bench lock), no run"
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.items.split(",")]
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if wrk_available() else "python"
    from fanzha.delivery.api.pgasync import asyncpg_available

    driver = args.driver
    if driver == "auto":
        driver = "asyncpg" if asyncpg_available() else "psycopg"
    os.environ["FANZHA_BENCH_DRIVER"] = driver  # the server processes inherit it
    now = datetime.now(UTC)
    prepared = {n: prepare(n, args.customers or max(1, n // 50), now, args) for n in sizes}
    if args.load_only:
        return
    load_start = os.getloadavg()[0]
    configs = [
        (int(w), mode) for mode in args.fast_path.split(",") for w in args.workers.split(",")
    ]
    runs = {}
    for n, (requests, _) in prepared.items():
        os.environ[SCHEMA_ENV] = schema_for(n)  # the server processes inherit it
        for w, mode in configs:
            runs[(n, w, mode)] = run_config(generator, w, mode, requests, args)
    loads = [s for _, s in prepared.values() if s is not None]
    load_s = sum(loads) if loads else None
    text = report(args, Setup(generator, driver, load_s, args.layout, load_start), runs)
    print(text)
    if not args.no_write:
        write_section("feed", text)


def prepare(items: int, customers: int, now: datetime, args) -> tuple[list[Request], float | None]:  # type: ignore[no-untyped-def]
    """Load ``items`` into their schema (unless ``--reuse`` finds them), set the layout, and
    build the requests; returns them and the load time (None when reused)."""
    from fanzha.delivery.store import open_engine

    os.environ[SCHEMA_ENV] = schema_for(items)
    engine = open_engine(db_url())
    load_s = None
    if not (args.reuse and count_items(engine) == items):
        load_s = load(engine, items, customers, now)
        print(f"loaded {items:,} items in {load_s:.1f} s", file=sys.stderr)
    set_layout(engine, args.layout)
    requests = [] if args.load_only else bench_requests(engine, customers, now)
    engine.dispose()
    return requests, load_s


if __name__ == "__main__":
    main()
