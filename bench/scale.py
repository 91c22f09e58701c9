"""Benchmark: how `fanzha segment` and `fanzha run` grow with customers — time and peak memory.

Each size runs, as a user runs them, in their own process (peak RSS is the process's own,
from GNU time):
  - `fanzha segment` with the pandas engine (Parquet streamed by row group);
  - `fanzha segment --engine dask` (local threads; partitions of whole row groups);
  - the reference: pyarrow reading the same columns and writing as many output rows,
    the I/O a segment run cannot avoid (same run, same file);
  - `fanzha run` (``--ways run``) into an empty PostgreSQL store (``FANZHA_BENCH_PG``, as
    `bench/run.py`), the media cache warmed first.
Measurements are kept in bench/scale.json; ``--ways`` re-measures some ways and keeps the
others' last figures (each row says when it was recorded).
With ``--table-rows N`` the customers are also COPYed into a PostgreSQL table and
segmented where they live (`--customers URL#bench_scale.customers`), against reading
that table whole into pandas (what the old `--engine sql` path did). Plots time and
peak memory against customers into bench/scale.png; writes the `scale` section of
bench/RESULTS.md. The load average is recorded at the start and end of each run.

    PYTHONPATH=. .venv/bin/python bench/scale.py [--sizes 1000000,3000000,10000000]
        [--table-rows 1000000] [--ways segment,run]
"""

from __future__ import annotations

import argparse
import json
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
from bench.scale_report import NOTES, Run, plot, table  # noqa: E402

DATA = ROOT / "bench" / "data"
CAMPAIGN = ROOT / "campaigns" / "examples" / "spring-2027.yaml"
FANZHA = str(Path(sys.executable).with_name("fanzha"))  # compiled in main()
STORE = ROOT / "bench" / "scale.json"
AS_OF = "2027-03-01"
NOW = "2027-03-01T08:00+08:00"  # as bench/run.py
PG = os.environ.get("FANZHA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
READ_COLUMNS = [  # what the example campaign's rules and every check read
    "customer_id",
    "age",
    "months_in_city",
    "hukou_local",
    "occupation",
    "has_business_license",
    "months_employed",
    "app_user",
    "consent_education",
    "locale",
    "timezone",
    "community",
    "large_text",
    "first_loan_at",
]
REFERENCE = """
import sys, pyarrow as pa, pyarrow.parquet as pq, pyarrow.compute as pc
src, out, cols = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
f = pq.ParquetFile(src)
w = None
for i in range(f.num_row_groups):
    t = f.read_row_group(i, columns=cols)
    n = t.num_rows
    o = pa.table({"customer_id": t["customer_id"], "segment": pa.nulls(n, pa.string()),
                  "holdout": pa.array([False] * n), "eligible": t["consent_education"],
                  "reason": pa.nulls(n, pa.string())})
    w = w or pq.ParquetWriter(out, o.schema)
    w.write_table(o)
w.close()
"""
WHOLE_TABLE = """
import sys, pandas as pd, sqlalchemy as sa
e = sa.create_engine(sys.argv[1])
frame = pd.read_sql_table("customers", e, schema="bench_scale")
print(len(frame))
"""


def measure(what: str, customers: int, argv: list[str], env: dict[str, str]) -> Run:
    """Run ``argv`` under GNU time; its wall seconds and peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        load_start = os.getloadavg()[0]
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", stats.name, *argv],
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        load_end = os.getloadavg()[0]
        if done.returncode != 0:
            raise SystemExit(f"{what} failed:\n{done.stdout}\n{done.stderr}")
        peak_kb = float(stats.read().strip().splitlines()[-1])
    run = Run(what, customers, seconds, peak_kb / 1024, load_start, load_end)
    print(f"{what} {customers:,}: {seconds:.1f} s, {run.peak_mb:,.0f} MB", file=sys.stderr)
    return run


def ensure_data(rows: int) -> Path:
    """The generated customer file, created once (bench/data is gitignored)."""
    path = DATA / f"customers-{rows}.parquet"
    if not path.exists():
        from fanzha.segments import generate_customers, write_customers

        DATA.mkdir(parents=True, exist_ok=True)
        write_customers(generate_customers(rows, seed=2027), path)
    return path


def load_table(path: Path, rows: int) -> str:
    """COPY the file's customers into ``bench_scale.customers``; the SQLAlchemy URL."""
    import pandas as pd
    import psycopg
    import pyarrow.parquet as pq

    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS bench_scale CASCADE")
        conn.execute("CREATE SCHEMA bench_scale")
        conn.execute(
            "CREATE TABLE bench_scale.customers (customer_id text PRIMARY KEY, age bigint,"
            " months_in_city bigint, hukou_local boolean, occupation text,"
            " has_business_license boolean, months_employed bigint, app_user boolean,"
            " consent_education boolean, locale text, timezone text, community text,"
            " large_text boolean, first_loan_at timestamp)"
        )
        parquet = pq.ParquetFile(path)
        copied = 0
        copy_sql = (
            f"COPY bench_scale.customers ({', '.join(READ_COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
        )
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for batch in parquet.iter_batches(batch_size=100_000, columns=READ_COLUMNS):
                frame = batch.to_pandas(types_mapper=pd.ArrowDtype).head(rows - copied)
                copy.write(frame.to_csv(header=False, index=False))
                copied += len(frame)
                if copied >= rows:
                    break
        conn.execute("ANALYZE bench_scale.customers")
    return PG.replace("postgresql://", "postgresql+psycopg://", 1)


def measure_segments(
    sizes: list[int], segment: list[str], env: dict[str, str], work: Path, table_rows: int
) -> list[Run]:
    """`fanzha segment` both engines and the reference per size (and a table, if asked)."""
    runs = [measure("startup (fanzha segment --help)", 1, [*segment, "--help"], env)]
    for n in sizes:
        src = str(ensure_data(n))
        out = str(work / "a.parquet")
        reference = [sys.executable, "-c", REFERENCE, src, out, ",".join(READ_COLUMNS)]
        runs.append(measure("reference (pyarrow I/O)", n, reference, env))
        pandas = [*segment, "--customers", src, "--out", out]
        runs.append(measure("segment, pandas", n, pandas, env))
        dask = [*segment, "--engine", "dask", "--customers", src, "--out", out]
        runs.append(measure("segment, dask", n, dask, env))
    if table_rows:
        url = load_table(ensure_data(max(sizes)), table_rows)
        where = f"{url}#bench_scale.customers"
        whole = [sys.executable, "-c", WHOLE_TABLE, url]
        runs.append(measure("table, read whole into pandas", table_rows, whole, env))
        pushdown = [*segment, "--customers", where, "--out", str(work / "t.parquet")]
        runs.append(measure("segment, PostgreSQL table (pushdown)", table_rows, pushdown, env))
    return runs


def measure_runs(sizes: list[int]) -> list[Run]:
    """`fanzha run` per size into a fresh PostgreSQL store (bench/run.py's helpers)."""
    from bench.run import PG as RUN_PG
    from bench.run import database, drop, run_once

    base = RUN_PG.rsplit("/", 1)[1] + "_scale"
    media = Path(tempfile.mkdtemp(prefix="fanzha-scale-media-"))
    run_once(20_000, database(base), media)  # draws every card the big runs will use
    runs = []
    for n in sizes:
        done = run_once(n, database(base), media)
        start, end = str(done["load"]).split(" → ")
        runs.append(
            Run(
                "run, PostgreSQL store",
                n,
                float(done["seconds"]),
                float(done["peak_mb"]),
                float(start),
                float(end),
            )
        )
        print(f"run {n:,}: {done['seconds']:.1f} s, {done['peak_mb']:,.0f} MB", file=sys.stderr)
    drop(base)
    return runs


def stored() -> list[Run]:
    """The runs recorded so far."""
    if not STORE.exists():
        return []
    return [Run(**item) for item in json.loads(STORE.read_text(encoding="utf-8"))]


def keep(runs: list[Run]) -> None:
    """Record the runs (bench/scale.json)."""
    items = [r.__dict__ for r in runs]
    STORE.write_text(json.dumps(items, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def merged(old: list[Run], new: list[Run]) -> list[Run]:
    """``old`` with the ways and sizes measured again replaced by ``new``, in a stable order."""
    fresh = {(r.what, r.customers) for r in new}
    runs = [r for r in old if (r.what, r.customers) not in fresh] + new
    order = {w: i for i, w in enumerate(dict.fromkeys(r.what for r in runs))}
    return sorted(
        runs,
        key=lambda r: (
            r.what.startswith("table") or r.what.startswith("segment, PostgreSQL"),
            r.what.startswith("run"),
            r.customers,
            order[r.what],
        ),
    )


def main() -> None:
    """Generate, measure every size and way, plot, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,3000000,10000000")
    parser.add_argument("--table-rows", type=int, default=0, help="also a PostgreSQL table")
    parser.add_argument(
        "--ways", default="segment,run", help="what to measure again (none: only the report)"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    compiled(FANZHA)
    sizes = [int(s) for s in args.sizes.split(",")]
    ways = set(args.ways.split(","))
    work = Path(tempfile.mkdtemp(prefix="fanzha-scale-"))
    env = os.environ | {"FANZHA_DB": f"sqlite:///{work / 'store.db'}"}
    segment = [FANZHA, "segment", str(CAMPAIGN), "--as-of", AS_OF]
    new: list[Run] = []
    if "segment" in ways:
        new += measure_segments(sizes, segment, env, work, args.table_rows)
    if "run" in ways:
        new += measure_runs(sizes)
    runs = merged(stored(), new)
    keep(runs)
    start = next(r for r in runs if r.what.startswith("startup"))
    runs = [r for r in runs if not r.what.startswith("startup")]
    plot(runs)
    text = f"""## scale: `fanzha segment` and `fanzha run` from 1M to {max(r.customers for r in runs) / 1e6:g}M customers (`bench/scale.py`)

Each run is its own process as a user runs it; wall time and peak RSS from GNU time.
Customers from `fanzha customers generate` (seed 2027), the example campaign
(`campaigns/examples/spring-2027.yaml`, three segments, 5% holdout), Parquet out. The
reference reads the same columns and writes as many rows (the I/O floor). `run` enqueues
the first week (`--now {NOW}`) into an empty PostgreSQL store (see `bench/run.py`). Python
{platform.python_version()}, {platform.machine()}, 2 cores shared with other sessions.

![time and peak memory against customers](scale.png)

{table(runs)}

Fixed cost in every `fanzha` run: starting the command (`fanzha segment --help`) took
{start.seconds:.1f} s and {start.peak_mb:,.0f} MB here (load average {start.load_start:.1f}).

{NOTES}
"""
    print(text)
    if not args.no_write:
        write_section("scale", text)


if __name__ == "__main__":
    main()
