"""Benchmark: `fanzha run` streamed end to end on PostgreSQL, and enqueue against a raw COPY.

Two parts, each writing its section of bench/RESULTS.md:

- ``enqueue`` (short: run it under ``flock /work/bench.lock``): M messages through
  ``enqueue`` from a DataFrame, against a raw COPY of the same prepared rows into the same
  empty, indexed table, in the same run, alternating, median of the rounds. Two ways in:
  an empty outbox (a campaign's first messages: COPY straight into the table) and the
  temp-table way every other enqueue takes (COPY into a temp table, then
  ``INSERT … ON CONFLICT DO NOTHING``), measured by asking for it on the same empty table.
- ``run``: `fanzha run` of the example campaign on N customers as a user runs it (its own
  process; wall time and peak RSS from GNU time), against the sum of its parts measured in
  the same invocation: `fanzha segment` of the same file (a process), plus a raw COPY of the
  rows the run stored (messages, assignments, risk profiles) into empty tables of a fresh
  store. The media cache is warmed first by a run on 20,000 customers, so no card is drawn.

    flock /work/bench.lock .venv/bin/python bench/run.py enqueue [--rows 1000000]
    .venv/bin/python bench/run.py run [--customers 10000000]

``FANZHA_BENCH_PG``: a PostgreSQL server URL whose database the bench may use; it creates and
drops its own databases ``<db>_run`` and ``<db>_ref`` beside it.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `bench` and the packages import when run as a script

from bench.installs import compiled  # noqa: E402
from bench.results_md import write_section  # noqa: E402
from bench.run_enqueue import bench_enqueue  # noqa: E402
from bench.run_stores import FANZHA, PG, database, drop, load  # noqa: E402

CAMPAIGN = ROOT / "campaigns" / "examples" / "spring-2027.yaml"
DATA = ROOT / "bench" / "data"
NOW = "2027-03-01T08:00+08:00"
BANK = {
    "FANZHA_BANK_NAME": "示例银行",
    "FANZHA_BANK_NAME_EN": "Demo Bank",
    "FANZHA_BANK_PHONE": "0",
}
STORED = {  # what a run writes in bulk, with the columns to copy
    "messages": None,
    "assignments": None,
    "risk_profiles": None,
}


# ---------------------------------------------------------------- run


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, float, str]:
    """Wall seconds, peak RSS (MB), load at start and end, and stdout of a process."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        start_load, start = load(), time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", stats.name, *argv],
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{argv} failed:\n{done.stdout}\n{done.stderr}")
        peak = float(stats.read().strip().splitlines()[-1]) / 1024
    return seconds, peak, start_load, load(), done.stdout


def customers_file(rows: int) -> Path:
    """The generated customers (seed 2027), made once (bench/data is not committed)."""
    path = DATA / f"customers-{rows}.parquet"
    if not path.exists():
        from fanzha.segments import generate_customers, write_customers

        DATA.mkdir(parents=True, exist_ok=True)
        write_customers(generate_customers(rows, seed=2027), path)
    return path


def dump(source: str, work: Path) -> dict[str, int]:
    """The rows a run stored, as CSV files (one per table); rows per table."""
    import psycopg

    counts = {}
    with psycopg.connect(source) as conn, conn.cursor() as cur:
        for table in STORED:
            path = work / f"{table}.csv"
            with path.open("wb") as out, cur.copy(f"COPY {table} TO STDOUT (FORMAT csv)") as copy:
                for block in copy:
                    out.write(block)
            row = cur.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = int(row[0]) if row else 0
    return counts


def raw_copy(target: str, work: Path) -> float:
    """Seconds to COPY the dumped rows into the empty tables of ``target`` (files removed)."""
    import psycopg

    start = time.perf_counter()
    with psycopg.connect(target) as conn, conn.cursor() as cur:
        for table in STORED:
            with (work / f"{table}.csv").open("rb") as src:
                with cur.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
                    while block := src.read(1 << 20):
                        copy.write(block)
        conn.commit()
    seconds = time.perf_counter() - start
    for table in STORED:
        (work / f"{table}.csv").unlink()
    return seconds


def run_once(rows: int, url: str, media: Path) -> dict[str, float | str]:
    """`fanzha run` on ``rows`` customers into the store at ``url``."""
    env = os.environ | BANK | {"FANZHA_DB": url, "FANZHA_MEDIA_DIR": str(media)}
    argv = [FANZHA, "run", str(CAMPAIGN), "--customers", str(customers_file(rows)), "--now", NOW]
    seconds, peak, start_load, end_load, out = timed(argv, env)
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "load": f"{start_load:.1f} → {end_load:.1f}",
        "out": out,
    }


def record_scale(rows: int, run: dict[str, float | str]) -> None:
    """Keep the run among bench/scale.py's figures (the same command it measures)."""
    from bench.scale import Run, keep, merged, stored

    start, end = str(run["load"]).split(" → ")
    row = Run(
        "run, PostgreSQL store",
        rows,
        float(run["seconds"]),
        float(run["peak_mb"]),
        float(start),
        float(end),
    )
    keep(merged(stored(), [row]))


def bench_run(rows: int) -> str:
    """`fanzha run` against segment plus a raw COPY, same invocation; the markdown section."""
    base = PG.rsplit("/", 1)[1]
    work = Path(tempfile.mkdtemp(prefix="fanzha-bench-run-"))
    media = work / "media"
    warm = database(f"{base}_run")
    run_once(20_000, warm, media)  # draws every card the big run will use
    store = database(f"{base}_run")
    run = run_once(rows, store, media)
    print(run, flush=True)
    record_scale(rows, run)
    env = os.environ | BANK | {"FANZHA_DB": store}
    segment = [FANZHA, "segment", str(CAMPAIGN), "--customers", str(customers_file(rows))]
    seg_s, seg_mb, seg_l0, seg_l1, _ = timed(
        [*segment, "--out", str(work / "a.parquet"), "--as-of", "2027-03-01"], env
    )
    print("segment", seg_s, seg_mb, flush=True)
    counts = dump(store, work)
    drop(f"{base}_run")  # disk: the run's store, its dump and the reference's never all at once
    reference = database(f"{base}_ref")
    copy_l0 = load()
    copy_s = raw_copy(reference, work)
    copy_l1 = load()
    print("copy", copy_s, counts, flush=True)
    drop(f"{base}_ref")
    parts = seg_s + copy_s
    return f"""## run: `fanzha run` end to end (`bench/run.py run`)

`fanzha run` of the example campaign (`campaigns/examples/spring-2027.yaml`, `--now
{NOW}`: the first week's waves) on {rows:,} generated customers (Parquet, seed 2027) into
an empty PostgreSQL store on the same machine, as a user runs it: its own process, wall time
and peak RSS from GNU time. Customers go through in chunks of 200,000 (`runner.CHUNK_ROWS`).
The parts are measured in the same invocation, one after the other: `fanzha segment` of
the same file (its own process), and a raw COPY of the rows the run stored into the empty,
indexed tables of a fresh store. Python {platform.python_version()}, 2 cores shared with
other sessions.

| what | rows | wall s | peak RSS MB | load avg start → end |
| --- | ---: | ---: | ---: | --- |
| `fanzha run` | {rows:,} customers | {run["seconds"]:.1f} | {run["peak_mb"]:,.0f} | {run["load"]} |
| `fanzha segment` (part) | {rows:,} customers | {seg_s:.1f} | {seg_mb:,.0f} | {seg_l0:.1f} → {seg_l1:.1f} |
| raw COPY of the stored rows (part) | {counts["messages"]:,} messages, {counts["assignments"]:,} assignments, {counts["risk_profiles"]:,} risk profiles | {copy_s:.1f} | | {copy_l0:.1f} → {copy_l1:.1f} |
| **run / (segment + COPY)** | | **{run["seconds"] / parts:.2f}** | | |

Target (issue 19): peak RSS under 2 GB at 10M customers.
"""


def main() -> None:
    """Run one part and write its section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["enqueue", "run"])
    parser.add_argument("--rows", type=int, default=1_000_000, help="messages (enqueue)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (enqueue)")
    parser.add_argument("--customers", type=int, default=10_000_000, help="customers (run)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    compiled(FANZHA)
    if args.part == "enqueue":
        text = bench_enqueue(args.rows, args.rounds)
    else:
        text = bench_run(args.customers)
    print(text)
    if not args.no_write:
        write_section(f"run-{args.part}", text)


if __name__ == "__main__":
    main()
