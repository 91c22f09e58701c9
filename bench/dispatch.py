"""Benchmark: the dispatcher against a bare requests loop, and enqueue against a raw bulk insert.

1. Dispatch: N push messages through ``Dispatcher`` (claim with a lease, send-time rules,
   webhook adapter, outcome + events in a transaction) to the fake gateway, batch 500, next to
   a bare loop that POSTs the same batches (same JSON, signature and keys) with one requests
   Session to an identical fake gateway. Each gateway runs in its own process.
2. Enqueue: M messages through ``enqueue`` (ids, defaults, idempotent insert; COPY on
   PostgreSQL) against a raw bulk insert of the same rows (executemany / COPY of prepared rows,
   no ids computed, no conflict handling).

Writes the ``dispatch`` section of bench/RESULTS.md.
Usage: python bench/dispatch.py [--messages 200000] [--enqueue 1000000] [--pg URL]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fanzha.delivery import (  # noqa: E402
    DispatchConfig,
    Dispatcher,
    PushPayload,
    WebhookAdapter,
    batch_key,
    enqueue,
    init_db,
    open_engine,
    sign,
)
from fanzha.delivery.adapters import pooled_session  # noqa: E402
from fanzha.delivery.gateway_fake import gateway_stats  # noqa: E402
from fanzha.delivery.keys import KeyRing  # noqa: E402
from fanzha.delivery.outbox import COLUMNS, _csv, _sqlite_values, prepare  # noqa: E402

from bench.results_md import write_section  # noqa: E402

SECRET = "bench-webhook-key-Qx7Lr2mW9vTn4pZk8sYc3hJd6fBg1aVe5uNo0iRt"  # FANZHA_WEBHOOK_SECRET
BATCH = 500
NOW = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)


def frame(n: int, campaign: str = "bench") -> pd.DataFrame:
    """``n`` push messages due at NOW."""
    return pd.DataFrame(
        {
            "campaign_id": campaign,
            "version": "v1",
            "customer_id": [f"C{i:09d}" for i in range(n)],
            "wave": "2027-03-02",
            "channel": "push",
            "warning_id": "credit-repair",
            "title": "信用修复是骗局",
            "body": "征信无法花钱修复，任何要求转账“修复”的都是骗子。",
            "image_key": "a1b2c3.webp",
            "deep_link": "bank://fanzha/feed",
            "due_at": NOW,
        }
    )


class Gateway:
    """A fake gateway in its own process."""

    def __init__(self, latency_ms: float) -> None:
        with socket.socket() as probe:  # a free port for `fanzha gateway fake`
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        cmd = [
            sys.executable,
            "-m",
            "fanzha",
            "gateway",
            "fake",
            "--port",
            str(port),
            "--latency-ms",
            str(latency_ms),
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "FANZHA_WEBHOOK_SECRET": SECRET}
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                gateway_stats(self.url)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def fresh(url: str) -> sa.Engine:
    """An engine on an empty, migrated store (a new schema on PostgreSQL)."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    engine = open_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench"))
        engine = open_engine(url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dbench")
    init_db(engine)
    return engine


def bench_dispatch(url: str, n: int, latency_ms: float, workers: int) -> dict[str, float]:
    """Messages/s of the dispatcher and of the bare loop, same gateway settings."""
    engine = fresh(url)
    enqueue(engine, frame(n), now=NOW)
    with Gateway(latency_ms) as gw:
        config = DispatchConfig(
            batch_size=BATCH,
            workers=workers,
            poll_s=0.05,
            media_base_url="https://bank.example.com/v1/media/",
        )
        keys = KeyRing.parse("FANZHA_WEBHOOK_SECRET", SECRET)
        adapter = WebhookAdapter(gw.url, keys, max_batch=BATCH)
        dispatcher = Dispatcher(engine, {"push": adapter}, config, clock=lambda: NOW)
        start = time.perf_counter()
        stats = dispatcher.run(until_idle=True)
        ours = time.perf_counter() - start
        assert stats.delivered == n and gateway_stats(gw.url)["accepted"] == n, stats
    rows = prepare(frame(n), NOW)
    payloads = [
        PushPayload(
            r.id,
            r.customer_id,
            r.title,
            r.body,
            "https://bank.example.com/v1/media/" + r.image_key,
            r.deep_link,
        )
        for r in rows.itertuples(index=False)
    ]
    with Gateway(latency_ms) as gw:
        session = pooled_session()
        start = time.perf_counter()
        for i in range(0, n, BATCH):
            batch = payloads[i : i + BATCH]
            body = json.dumps(
                {"messages": [p.to_json() for p in batch]},
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Fanzha-Signature": sign(SECRET.encode(), body),
                "Idempotency-Key": batch_key(p.id for p in batch),
            }
            session.post(gw.url, data=body, headers=headers, timeout=(3.05, 30)).raise_for_status()
        bare = time.perf_counter() - start
        assert gateway_stats(gw.url)["accepted"] == n
    engine.dispose()
    return {"ours": n / ours, "bare": n / bare, "ours_s": ours, "bare_s": bare}


def bench_enqueue(url: str, m: int) -> dict[str, float]:
    """Seconds for ``enqueue`` of m rows vs a raw bulk insert of the same prepared rows."""
    messages = frame(m)
    engine = fresh(url)
    start = time.perf_counter()
    result = enqueue(engine, messages, now=NOW)
    ours = time.perf_counter() - start
    assert result.inserted == m
    start = time.perf_counter()
    again = enqueue(engine, messages, now=NOW)
    repeat = time.perf_counter() - start
    assert again.inserted == 0
    engine.dispose()
    engine = fresh(url)
    rows = prepare(messages, NOW)
    names = ", ".join(COLUMNS)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            data = _csv(rows)
            start = time.perf_counter()
            with cursor.copy(
                f"COPY messages ({names}) FROM STDIN WITH (FORMAT csv, "
                "FORCE_NULL (cap_max, cap_days))"
            ) as copy:
                copy.write(data)
        else:
            data = _sqlite_values(rows)
            marks = ", ".join("?" for _ in COLUMNS)
            start = time.perf_counter()
            cursor.executemany(f"INSERT INTO messages ({names}) VALUES ({marks})", data)
        raw.commit()
        reference = time.perf_counter() - start
    finally:
        raw.close()
    engine.dispose()
    return {"ours": ours, "repeat": repeat, "raw": reference}


def main() -> None:
    """Run both benchmarks on SQLite (and PostgreSQL when given) and record them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--enqueue", type=int, default=1_000_000)
    parser.add_argument("--pg", default=os.environ.get("FANZHA_TEST_PG"))
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--workers-sqlite", type=int, default=2)
    parser.add_argument("--workers-pg", type=int, default=8)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fanzha-bench-"))
    backends = {"SQLite": (f"sqlite:///{tmp / 'bench.db'}", args.workers_sqlite)}
    if args.pg:
        backends["PostgreSQL"] = (args.pg, args.workers_pg)
    lines = [
        "## delivery: dispatcher and enqueue",
        "",
        f"`bench/dispatch.py`, Python {platform.python_version()}, {platform.machine()}, "
        f"2 cores shared with other work (load average {os.getloadavg()[0]:.1f} at the start), "
        f"fake gateway in its own process with {args.latency_ms:g} ms injected latency, batch "
        f"{BATCH}. The dispatcher runs N worker threads in one process (each claims, applies the "
        "send-time rules, POSTs and records, so database work overlaps the HTTP calls); the "
        "bare loop is one requests Session POSTing the same signed batches in sequence.",
        "",
        "| backend | messages | workers | dispatcher msg/s | bare loop msg/s | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    enq = [
        "",
        "| backend | rows | `enqueue` s | repeat (all skipped) s | raw bulk insert s | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, (url, workers) in backends.items():
        d = bench_dispatch(url, args.messages, args.latency_ms, workers)
        print(name, "dispatch", d, flush=True)
        lines.append(
            f"| {name} | {args.messages:,} | {workers} | {d['ours']:,.0f} | {d['bare']:,.0f} | "
            f"{d['ours'] / d['bare']:.2f}× |"
        )
        e = bench_enqueue(url, args.enqueue)
        print(name, "enqueue", e, flush=True)
        enq.append(
            f"| {name} | {args.enqueue:,} | {e['ours']:.1f} | {e['repeat']:.1f} | "
            f"{e['raw']:.1f} | {e['ours'] / e['raw']:.2f}× |"
        )
    note = [
        "",
        "Raw bulk insert: executemany (SQLite) or COPY straight into the table (PostgreSQL) "
        "of rows already prepared (ids computed, no conflict handling); `enqueue` starts from "
        "the DataFrame, computes ids and skips existing keys (COPY into a temp table, then "
        "INSERT … ON CONFLICT DO NOTHING on PostgreSQL).",
    ]
    write_section("dispatch", "\n".join(lines + enq + note) + "\n")
    print(
        (ROOT / "bench" / "RESULTS.md")
        .read_text(encoding="utf-8")
        .split("<!-- dispatch:start -->")[1]
    )


if __name__ == "__main__":
    main()
