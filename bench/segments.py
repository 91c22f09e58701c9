"""Benchmark: segment 10 million customers from Parquet — fanzha against DuckDB, same run.

Both sides read the same Parquet file, apply the three DESIGN.md segments (first match
wins), consent, the opt-out list, the audience rule and a 5% holdout, and write
``customer_id, segment, holdout, eligible, reason`` to Parquet. Each side runs in its own
subprocess (so its peak RSS is its own); rounds alternate and the median is reported.
DuckDB uses its built-in ``hash()`` for the holdout (fanzha's splitmix-based hash is not
expressible in its SQL); every other column must agree row for row, which is checked.

    .venv/bin/python bench/segments.py [--rows 10000000] [--rounds 5]

This times the library call inside a process. What a user waits for — `fanzha segment` as
a whole process, imports and campaign checks included, against a DuckDB process doing the
same work — is measured beside it by ``bench/cli.py``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `bench` and the packages import when run as a script

from bench.results_md import write_section  # noqa: E402

DATA = ROOT / "bench" / "data"
CAMPAIGN = "spring-2027"
WHERE = "months_in_city < 36 and consent_education"
SEGMENTS = [
    ("elderly", "age >= 55"),
    ("founders", 'has_business_license or occupation in ["self_employed", "shop_owner"]'),
    ("young_workers", "18 <= age <= 30 and months_employed < 24"),
]
HOLDOUT_PCT = 5.0
AS_OF = "2027-03-01"


def opted_out_ids(rows: int) -> list[str]:
    """Every 10,000th customer has opted out (1,000 ids for 10 million customers)."""
    return [f"C{i:09d}" for i in range(1, rows + 1, 10_000)]


def ensure_data(rows: int) -> Path:
    """The generated customer file, created once (bench/data is gitignored)."""
    path = DATA / f"customers-{rows}.parquet"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from fanzha.segments import generate_customers, write_customers

        DATA.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_customers(generate_customers(rows, seed=2027), path)
        print(f"generated {rows:,} customers in {time.perf_counter() - started:.1f}s -> {path}")
    return path


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_fanzha(data: Path, out: Path, rows: int) -> tuple[float, float]:
    """fanzha: load (validated, only the needed columns), assign, write."""
    sys.path.insert(0, str(ROOT))
    from fanzha.segments import AudienceSpec, SegmentSpec
    from fanzha.segments.run import segment_file

    audience = AudienceSpec(CAMPAIGN, WHERE, HOLDOUT_PCT)
    segments = [SegmentSpec(i, r) for i, r in SEGMENTS]
    opted = opted_out_ids(rows)
    started, cpu = time.perf_counter(), cpu_seconds()
    segment_file(data, out, audience, segments, as_of=AS_OF, opted_out=opted)
    return time.perf_counter() - started, cpu_seconds() - cpu


DUCKDB_SQL = """
COPY (
  WITH base AS (
    SELECT customer_id,
      coalesce(consent_education, false) AS consent,
      customer_id IN (SELECT id FROM opted) AS opted,
      coalesce(months_in_city < 36 AND consent_education, false) AS aud,
      CASE WHEN coalesce(age >= 55, false) THEN 'elderly'
           WHEN coalesce(has_business_license OR occupation IN ('self_employed', 'shop_owner'), false)
             THEN 'founders'
           WHEN coalesce(18 <= age AND age <= 30 AND months_employed < 24, false) THEN 'young_workers'
           ELSE '' END AS seg,
      (hash('{campaign}' || chr(31) || customer_id) % 10000) < {cut} AS h
    FROM read_parquet('{data}')
  ), e AS (SELECT *, consent AND NOT opted AND aud AS elig FROM base)
  SELECT customer_id,
    CASE WHEN elig THEN seg ELSE '' END AS segment,
    elig AND h AS holdout,
    elig AS eligible,
    CASE WHEN NOT consent THEN 'no_consent' WHEN opted THEN 'opted_out'
         WHEN NOT aud THEN 'audience_rule' WHEN h THEN 'holdout'
         WHEN seg = '' THEN 'no_segment' ELSE 'matched:' || seg END AS reason
  FROM e
) TO '{out}' (FORMAT parquet)
"""


def run_duckdb(data: Path, out: Path, rows: int) -> tuple[float, float]:
    """DuckDB: the same rules as SQL over the same file, written the same way."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    opted = pa.table({"id": opted_out_ids(rows)})
    con.register("opted", opted)
    sql = DUCKDB_SQL.format(campaign=CAMPAIGN, cut=int(HOLDOUT_PCT * 100), data=data, out=out)
    started, cpu = time.perf_counter(), cpu_seconds()
    con.execute(sql)
    return time.perf_counter() - started, cpu_seconds() - cpu


def child(side: str, data: Path, out: Path, rows: int) -> None:
    """Subprocess entry: run one side, print seconds and peak RSS as JSON."""
    seconds, cpu = (run_fanzha if side == "fanzha" else run_duckdb)(data, out, rows)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb}))


def measure(side: str, data: Path, out: Path, rows: int) -> dict[str, float]:
    """One round of one side in a fresh interpreter."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        side,
        "--data",
        str(data),
        "--out",
        str(out),
        "--rows",
        str(rows),
    ]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_agreement(fanzha_out: Path, duck_out: Path) -> str:
    """Join both outputs on customer_id: segment and eligible must agree on every row.

    (DuckDB writes rows in no fixed order; holdout hashes differ by design.)
    """
    import duckdb

    con = duckdb.connect()
    diff, total, held, eligible = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE f.segment IS DISTINCT FROM d.segment
                                   OR f.eligible IS DISTINCT FROM d.eligible),
               count(*), count(*) FILTER (WHERE f.holdout), count(*) FILTER (WHERE f.eligible)
        FROM read_parquet('{fanzha_out}') f FULL JOIN read_parquet('{duck_out}') d USING (customer_id)
        """
    ).fetchone()
    verdict = "identical" if diff == 0 else f"DIFFERENT on {diff:,} rows"
    return (
        f"segment and eligible {verdict} across all {total:,} customers; "
        f"fanzha holdout {held / eligible * 100:.2f}% of eligible"
    )


def main() -> None:
    """Run the rounds, check agreement, print and record the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", choices=["fanzha", "duckdb"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.out, args.rows)
        return
    data = ensure_data(args.rows)
    outs = {
        "fanzha": DATA / "assignments-fanzha.parquet",
        "duckdb": DATA / "assignments-duckdb.parquet",
    }
    runs: dict[str, list[dict[str, float]]] = {"fanzha": [], "duckdb": []}
    for _ in range(args.rounds):
        for side in ("duckdb", "fanzha"):
            runs[side].append(measure(side, data, outs[side], args.rows))
            print(
                f"{side:>7}: {runs[side][-1]['seconds']:.2f}s, peak {runs[side][-1]['peak_mb']:.0f} MB"
            )
    secs = {s: statistics.median(r["seconds"] for r in runs[s]) for s in runs}
    best = {s: min(r["seconds"] for r in runs[s]) for s in runs}
    cpu = {s: statistics.median(r["cpu"] for r in runs[s]) for s in runs}
    paired = statistics.median(
        f["seconds"] / d["seconds"] for f, d in zip(runs["fanzha"], runs["duckdb"], strict=True)
    )
    peak = {s: max(r["peak_mb"] for r in runs[s]) for s in runs}
    agreement = check_agreement(outs["fanzha"], outs["duckdb"])
    ratio = secs["fanzha"] / secs["duckdb"]
    import duckdb
    import pandas
    import pyarrow

    text = f"""## segments — 10M customers, Parquet → assignments (`bench/segments.py`)

Work: read {args.rows:,} generated customers from Parquet, consent + opt-out ({len(opted_out_ids(args.rows)):,} ids)
+ audience `{WHERE}` + {HOLDOUT_PCT:g}% holdout, three DESIGN.md segments (first match wins),
write `customer_id, segment, holdout, eligible, reason` to Parquet. fanzha also validates every
loaded row (types, ranges, missing/duplicate ids). Median of {args.rounds} rounds, each side in its own
process; peak = max RSS of that process. Machine: 2 shared cores.

fanzha streams the file by row group (1M rows), two chunks at a time on a thread pool, and
writes in file order; DuckDB runs with its default threads (both cores).

| engine | median wall (s) | best wall (s) | median CPU (s) | rows/s (median wall) | peak memory (MB) |
| --- | ---: | ---: | ---: | ---: | ---: |
| fanzha (pandas engine) | {secs["fanzha"]:.2f} | {best["fanzha"]:.2f} | {cpu["fanzha"]:.2f} | {args.rows / secs["fanzha"]:,.0f} | {peak["fanzha"]:.0f} |
| DuckDB {duckdb.__version__} (SQL) | {secs["duckdb"]:.2f} | {best["duckdb"]:.2f} | {cpu["duckdb"]:.2f} | {args.rows / secs["duckdb"]:,.0f} | {peak["duckdb"]:.0f} |

fanzha / DuckDB time ratio: **{ratio:.2f}x** on median wall time; {paired:.2f}x median of per-round
ratios; {best["fanzha"] / best["duckdb"]:.2f}x on best runs; {cpu["fanzha"] / cpu["duckdb"]:.2f}x on CPU time
(target ≤ 1.5x; peak target < 3 GB). Other helpers' jobs share the 2 cores, so wall times are noisy;
CPU time is the least disturbed measure of the work each side does.
Agreement: {agreement}.
Versions: pandas {pandas.__version__}, pyarrow {pyarrow.__version__}. Recorded {time.strftime("%Y-%m-%d")}.
"""
    print(text)
    write_section("segments", text)


if __name__ == "__main__":
    main()
