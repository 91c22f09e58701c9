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
import json
import os
import random
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `bench` and the packages import when run as a script

from bench.feed_data import SCHEMA_ENV, count_items, load, schema, schema_for, set_layout  # noqa: E402
from bench.feed_load import CpuSnapshot, Request, run_generator, wrk_available  # noqa: E402
from bench.feed_report import Setup, report  # noqa: E402
from bench.feed_server import start_server, stop_server  # noqa: E402
from bench.results_md import write_section  # noqa: E402

# Bench-only keys, the three separate rings create_app requires (never use them elsewhere).
TOKEN_KEYS = "bench:Zk3hQ9vLx2NcR7tWp4YmB8sJd1fGa6uKe0oTiVqXyHn"
BACKEND_KEYS = "bench:Lr5nW2xQk8ZpT1vMc7YbH4sJg9dFa3uNe6oRiKqXyUw"
WEBHOOK_KEYS = "bench:Pm8tX1zRk4WqN7vLc2YbJ5sHg0dFa9uMe3oTiKrXyQe"
TTL = timedelta(days=30)
APP_NAME = "fanzha_bench_feed"  # how the server's database backends are found
FEED_PATH, CEILING_PATH = "/v1/feed?limit=20", "/v1/_ceiling"


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


def database_pids(app_name: str = APP_NAME) -> list[int]:
    """PostgreSQL backends serving a bench server (found by their application_name)."""
    import psycopg

    base = os.environ.get("FANZHA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    with psycopg.connect(base, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app_name,)
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
