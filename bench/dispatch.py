"""Benchmark: the dispatcher against a bare requests loop, and enqueue against a raw bulk insert.

1. Dispatch: N push messages through ``Dispatcher`` (claim with a lease, send-time rules,
   webhook adapter, outcome and its event in a transaction; no event for a delivery) to the fake
   gateway, batch 500, next to a bare loop that POSTs the same batches (same JSON, signature
   and keys) with one requests Session to an identical fake gateway. Every sender is a process
   of its own with a gateway of its own; 3 rounds per configuration (median and spread), and
   on PostgreSQL also 2 and 4 dispatcher processes against 2 and 4 bare loops (``--scale``).
   ``--lock /work/bench.lock`` holds the machine's bench lock during each measured round only
   (data prepared outside it).
2. Enqueue: M messages through ``enqueue`` (ids, defaults, idempotent insert; COPY on
   PostgreSQL) against a raw bulk insert of the same rows (executemany / COPY of prepared rows,
   no ids computed, no conflict handling). ``--enqueue 0`` keeps the last table.

Writes the ``dispatch`` section of bench/RESULTS.md.
Usage: python bench/dispatch.py [--messages 200000] [--enqueue 1000000] [--pg URL] [--lock FILE]
       [--latency-ms 0,30] [--scale 2,4] [--scale-latency-ms 30]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fanzha.delivery import (  # noqa: E402
    enqueue,
)
from fanzha.delivery.gateway_fake import gateway_stats  # noqa: E402

from bench.dispatch_enqueue import bench_enqueue, earlier_enqueue  # noqa: E402
from bench.dispatch_notes import NOTES  # noqa: E402
from bench.dispatch_senders import (  # noqa: E402
    BATCH,
    NOW,
    Gateway,
    frame,
    fresh,
    held,
    run_children,
)
from bench.results_md import write_section  # noqa: E402


def bench_dispatch(
    url: str,
    n: int,
    latency_ms: float,
    workers: int,
    procs: int,
    lock: str | None = None,
    rules: bool = False,
) -> dict[str, Any]:
    """One round: ``procs`` dispatcher processes, then ``procs`` bare loops, same n and gateways.

    Each process has a gateway of its own (a gateway is one Python process: shared by several
    senders it would be the bottleneck of both sides).
    """
    engine = fresh(url)  # data prepared before the lock is taken
    enqueue(engine, frame(n, rules=rules), now=NOW)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE messages")  # a settled outbox, as in service
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    with held(lock):
        load = os.getloadavg()[0]
        gateways = [Gateway(latency_ms) for _ in range(procs)]
        try:
            ours = run_children(
                [["dispatch", url, gw.url, str(workers)] for gw in gateways],
                [gw.proc.pid for gw in gateways],
            )
            sent = sum(gateway_stats(gw.url)["accepted"] for gw in gateways)
            assert sent == n, (sent, n)
        finally:
            for gw in gateways:
                gw.__exit__()
        gateways = [Gateway(latency_ms) for _ in range(procs)]
        try:
            bare = run_children(
                [["bare", gw.url, str(n), str(k), str(procs)] for k, gw in enumerate(gateways)],
                [gw.proc.pid for gw in gateways],
            )
            assert sum(gateway_stats(gw.url)["accepted"] for gw in gateways) == n
        finally:
            for gw in gateways:
                gw.__exit__()
        loads = (load, os.getloadavg()[0])
    per = 1e6 / n  # CPU seconds → µs per message
    return {
        "ours": n / ours["wall"],
        "bare": n / bare["wall"],
        "ours_s": ours["wall"],
        "bare_s": bare["wall"],
        "loads": loads,
        "cpu": {
            "dispatcher": ours["sender"] * per,
            "database": ours["db"] * per,
            "gateway": ours["gateway"] * per,
            "bare loop": bare["sender"] * per,
            "bare gateway": bare["gateway"] * per,
        },
    }


def rounds(
    url: str,
    n: int,
    latency_ms: float,
    workers: int,
    procs: int,
    count: int,
    lock: str | None,
    rules: bool = False,
) -> dict[str, Any]:
    """``count`` rounds of one configuration: median msg/s and ratio, the spread of the ratio."""
    runs = []
    for _ in range(count):
        runs.append(bench_dispatch(url, n, latency_ms, workers, procs, lock, rules))
        print(procs, workers, runs[-1], flush=True)
    ratios = sorted(r["ours"] / r["bare"] for r in runs)
    return {
        "ours": statistics.median(r["ours"] for r in runs),
        "bare": statistics.median(r["bare"] for r in runs),
        "ratio": statistics.median(ratios),
        "low": ratios[0],
        "high": ratios[-1],
        "load": (min(r["loads"][0] for r in runs), max(r["loads"][1] for r in runs)),
        "cpu": {k: statistics.median(r["cpu"][k] for r in runs) for k in runs[0]["cpu"]},
        "loads": [r["loads"] for r in runs],
    }


def main() -> None:
    """Run both benchmarks on SQLite (and PostgreSQL when given) and record them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--enqueue", type=int, default=1_000_000, help="0: keep the last table")
    parser.add_argument("--pg", default=os.environ.get("FANZHA_TEST_PG"))
    parser.add_argument(
        "--latency-ms", default="0", help="the gateway's injected latency; several: 0,30"
    )
    parser.add_argument("--workers-sqlite", type=int, default=2)
    parser.add_argument("--workers-pg", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--scale", default="2,4", help="dispatcher processes on PostgreSQL beside as many loops"
    )
    parser.add_argument(
        "--scale-latency-ms", type=float, default=None, help="--scale at this latency only"
    )
    parser.add_argument(
        "--rules-latency-ms",
        default="",
        help="also at these latencies: messages with the example campaign's quiet hours and cap",
    )
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--lock", default=None, help="hold this flock file during each measured round only"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fanzha-bench-"))
    latencies = [float(k) for k in args.latency_ms.split(",") if k]
    configs = []
    sqlite = f"sqlite:///{tmp / 'bench.db'}"
    for latency in latencies:
        configs.append(("SQLite", sqlite, args.workers_sqlite, 1, latency, False))
        if not args.pg:
            continue
        configs.append(("PostgreSQL", args.pg, args.workers_pg, 1, latency, False))
        if args.scale_latency_ms not in (None, latency):
            continue
        for procs in (int(k) for k in args.scale.split(",") if k):
            workers = max(2, args.workers_pg // procs)
            configs.append(("PostgreSQL", args.pg, workers, procs, latency, False))
    for latency in (float(k) for k in args.rules_latency_ms.split(",") if k):
        configs.append(("SQLite", sqlite, args.workers_sqlite, 1, latency, True))
        if args.pg:
            configs.append(("PostgreSQL", args.pg, args.workers_pg, 1, latency, True))
    load_start = os.getloadavg()[0]
    rows, cpu_rows = [], []
    for name, url, workers, procs, latency, rules in configs:
        r = rounds(url, args.messages, latency, workers, procs, args.rounds, args.lock, rules)
        ruled = "quiet hours, cap" if rules else "none"
        rows.append(
            f"| {name} | {ruled} | {latency:g} | {procs} | {workers} | {r['ours']:,.0f} | {r['bare']:,.0f} | "
            f"**{r['ratio']:.2f}×** ({r['low']:.2f}–{r['high']:.2f}) | "
            + " · ".join(f"{a:.1f}→{b:.1f}" for a, b in r["loads"])
            + " |"
        )
        c = r["cpu"]
        sqlite = name == "SQLite"  # its database work is inside the dispatcher process
        cpu_rows.append(
            f"| {name} | {ruled} | {latency:g} | {procs} | {c['dispatcher']:.0f} | "
            + ("(in the dispatcher)" if sqlite else f"{c['database']:.0f}")
            + f" | {c['gateway']:.0f} | {c['dispatcher'] + c['database'] + c['gateway']:.0f} | "
            f"{c['bare loop']:.0f} | {c['bare gateway']:.0f} | "
            f"{c['bare loop'] + c['bare gateway']:.0f} |"
        )
        print(rows[-1], cpu_rows[-1], flush=True)
    lines = [
        "## delivery: dispatcher and enqueue",
        "",
        f"`bench/dispatch.py`, Python {platform.python_version()}, {platform.machine()}, "
        f"2 cores shared with other work (load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end), {args.messages:,} push messages per run, "
        f"batch {BATCH}, fake gateway (`fanzha gateway fake`, one process per sender) with "
        "the injected latency of the row (`gateway ms`: 0 shows the CPU cost of each path, 30 "
        "is nearer a push provider's answer). A dispatcher process runs N worker threads "
        "(each claims with a lease, applies the send-time rules, POSTs and records the outcome in "
        "one transaction, with an event for anything but a delivery, so database work overlaps "
        "the HTTP calls); a bare loop is "
        "one requests Session POSTing the same signed batches in sequence, with nothing "
        "claimed or recorded. Processes start together; the time runs from the first start "
        f"to the last end. {args.rounds} rounds per row, each a dispatcher run then a bare "
        "run on fresh data; msg/s and ratio are medians, the spread is the lowest and highest "
        "round's ratio. Send-time rules: `none`, the messages carry no quiet hours and no cap, "
        "so no rule can hold one back and a batch is sent from the claim's rows "
        "(`delivery/plain_batch.py`); `quiet hours, cap`, each push carries the example "
        "campaign's quiet hours (21:30–08:00) and frequency cap (2 per 7 days), as `fanzha run` "
        "enqueues them, so every batch goes through the rules (recent sends counted per "
        "customer); at the bench's clock (10:00 in Shanghai) none holds a message back.",
        "",
        "| backend | send-time rules | gateway ms | processes | threads each | "
        "dispatcher msg/s | bare loops msg/s | ratio (spread) | "
        "load average per round (start→end) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        "CPU per message, µs (median of the rounds; from the processes' own counters: the "
        "dispatcher or bare-loop processes, the PostgreSQL backends of the dispatchers' "
        "connections, the gateways):",
        "",
        "| backend | send-time rules | gateway ms | processes | dispatcher | its database | "
        "gateway | dispatch path | bare loop | gateway | bare path |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *cpu_rows,
    ]
    if args.enqueue:
        enq = [
            "",
            "| backend | rows | `enqueue` s | repeat (all skipped) s | raw bulk insert s | ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, url, _, procs, latency, rules in configs:
            if procs != 1 or latency != latencies[0] or rules:
                continue
            e = bench_enqueue(url, args.enqueue)
            print(name, "enqueue", e, flush=True)
            enq.append(
                f"| {name} | {args.enqueue:,} | {e['ours']:.1f} | {e['repeat']:.1f} | "
                f"{e['raw']:.1f} | {e['ours'] / e['raw']:.2f}× |"
            )
        enq += [
            "",
            "Raw bulk insert: executemany (SQLite) or COPY straight into the table (PostgreSQL) "
            "of rows already prepared (ids computed, no conflict handling); `enqueue` starts from "
            "the DataFrame, computes ids and skips existing keys (COPY into a temp table, then "
            "INSERT … ON CONFLICT DO NOTHING on PostgreSQL).",
        ]
    else:
        enq = earlier_enqueue()
    text = "\n".join(lines + enq + NOTES) + "\n"
    print(text)
    if not args.no_write:
        write_section("dispatch", text)


if __name__ == "__main__":
    main()
