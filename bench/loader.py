"""Benchmark: loading customers with every check, against a bare read of the same file.

Each side runs in its own interpreter, rounds alternate, the median is reported:

- ``load parquet`` — ``load_customers`` on the generated Parquet file (every column
  typed and checked) against PyArrow reading the same columns into pandas;
- ``load csv`` — the same file as CSV (every field text, checked) against PyArrow's CSV
  reader with its own type inference;
- ``segment`` — ``fanzha segment`` on the example campaign as a whole process, against
  a ``python -c`` DuckDB process doing the same rules over the same file (the query of
  ``bench/segments.py``).

    .venv/bin/python bench/loader.py [--rows 3000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `bench` imports when run as a script

from bench.results_md import write_section  # noqa: E402

DATA = ROOT / "bench" / "data"
CAMPAIGN = ROOT / "campaigns" / "examples" / "spring-2027.yaml"

FANZHA_LOAD = """
import sys, time
t = time.perf_counter()
from fanzha.segments import load_customers
r = load_customers(sys.argv[1])
print(time.perf_counter() - t, r.summary.rows_loaded)
"""
BARE_PARQUET = """
import sys, time
t = time.perf_counter()
import pyarrow as pa, pyarrow.parquet as pq
schema = pq.read_schema(sys.argv[1])
coded = [f.name for f in schema if pa.types.is_string(f.type) and f.name != "customer_id"]
table = pq.read_table(sys.argv[1], read_dictionary=coded)
frame = table.to_pandas(split_blocks=True, self_destruct=True)
print(time.perf_counter() - t, len(frame))
"""
BARE_CSV = """
import sys, time
t = time.perf_counter()
import pyarrow.csv as pacsv
frame = pacsv.read_csv(sys.argv[1]).to_pandas()
print(time.perf_counter() - t, len(frame))
"""
DUCKDB_SEGMENT = """
import sys
sys.path.insert(0, {root!r})
from bench.segments import DUCKDB_SQL, CAMPAIGN, HOLDOUT_PCT
import duckdb
con = duckdb.connect()
con.execute("CREATE TABLE opted (id VARCHAR)")
con.execute(DUCKDB_SQL.format(campaign=CAMPAIGN, cut=int(HOLDOUT_PCT * 100),
                              data=sys.argv[1], out=sys.argv[2]))
"""


def ensure_data(rows: int) -> tuple[Path, Path]:
    """The generated customers as Parquet and CSV, created once (bench/data is gitignored)."""
    parquet, csv = DATA / f"customers-{rows}.parquet", DATA / f"customers-{rows}.csv"
    if not parquet.exists() or not csv.exists():
        from fanzha.segments import generate_customers, write_customers

        DATA.mkdir(parents=True, exist_ok=True)
        frame = generate_customers(rows, seed=1)
        write_customers(frame, parquet)
        write_customers(frame, csv)
    return parquet, csv


def timed(cmd: list[str]) -> float:
    """Wall seconds of one whole process."""
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def inner(code: str, *args: str) -> float:
    """Seconds the snippet reports for its own work (interpreter start-up excluded)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return float(done.stdout.split()[0])


def main() -> None:
    """Run the rounds, print and record the medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-record", action="store_true", help="Do not write RESULTS.md.")
    args = parser.parse_args()
    parquet, csv = ensure_data(args.rows)
    out = DATA / "loader-assignments.parquet"
    fanzha = str(Path(sys.executable).with_name("fanzha"))
    segment_args = ["--customers", str(parquet), "--out", str(out), "--as-of", "2027-03-01"]
    duck_args = [str(parquet), str(out.with_suffix(".duckdb.parquet"))]
    pairs = {
        "load parquet": (
            lambda: inner(FANZHA_LOAD, str(parquet)),
            lambda: inner(BARE_PARQUET, str(parquet)),
        ),
        "load csv": (
            lambda: inner(FANZHA_LOAD, str(csv)),
            lambda: inner(BARE_CSV, str(csv)),
        ),
        "segment (whole process)": (
            lambda: timed([fanzha, "segment", str(CAMPAIGN), *segment_args]),
            lambda: timed(
                [sys.executable, "-c", DUCKDB_SEGMENT.format(root=str(ROOT)), *duck_args]
            ),
        ),
    }
    load_start = os.getloadavg()[0]
    lines = [
        f"{args.rows:,} generated customers, median of {args.rounds} alternating rounds.",
        "",
        "| step | fanzha s | reference s | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, (ours, reference) in pairs.items():
        mine, theirs = [], []
        for _ in range(args.rounds):
            theirs.append(reference())
            mine.append(ours())
        a, b = statistics.median(mine), statistics.median(theirs)
        ratio = statistics.median(m / t for m, t in zip(mine, theirs, strict=True))
        print(f"{name:>24}: fanzha {a:.2f}s, reference {b:.2f}s, ratio {ratio:.2f}")
        lines.append(f"| {name} | {a:.2f} | {b:.2f} | {ratio:.2f}× |")
    lines += [
        "",
        f"Load average (1 min) {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        f"({os.cpu_count()} cores).",
        "",
        "References: PyArrow reading the same Parquet columns (text dictionary-coded) into "
        "pandas without a consolidation copy; PyArrow's CSV reader with type inference; a DuckDB process running the "
        "segment query of `bench/segments.py` (no opt-outs) over the same Parquet file.",
    ]
    if not args.no_record:
        write_section("loader", "## Customer loader\n\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
