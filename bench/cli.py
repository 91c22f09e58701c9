"""Benchmark: the command line as a user runs it — whole processes, wall time, median of N.

Four figures, each a fresh process started from the shell's point of view:

- ``fanzha validate`` of the example campaign (target < 0.6 s);
- ``fanzha token`` for a customer the store knows (target < 0.4 s);
- one ``fanzha render`` of a strip (target < 0.8 s);
- ``fanzha segment`` against DuckDB doing the same work as a whole process — read the
  Parquet file, evaluate the example's audience rule, its three segment rules and the 5%
  holdout, write the assignments as Parquet — at 3M and 10M customers (target ≤ 1.3×).

Rounds alternate the sides, so both see the same machine load. ``--fanzha`` times another
installation's console script (e.g. the main branch's) beside this one, for before/after.

    .venv/bin/python bench/cli.py [--rounds 5] [--rows 3000000,10000000] [--fanzha PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `bench` and the packages import when run as a script

from bench.cli_notes import NOTES  # noqa: E402
from bench.installs import compiled  # noqa: E402
from bench.results_md import write_section  # noqa: E402
from bench.segments import CAMPAIGN, HOLDOUT_PCT, ensure_data  # noqa: E402

EXAMPLE = ROOT / "campaigns" / "examples" / "spring-2027.yaml"
CUSTOMER = "C000000042"
TARGETS = {"validate": 0.6, "token": 0.4, "render": 0.8}
BANK = {
    "FANZHA_BANK_NAME": "示例银行",
    "FANZHA_BANK_NAME_EN": "Demo Bank",
    "FANZHA_BANK_PHONE": "00000",
}

# The same work as `fanzha segment` on the example campaign, as one DuckDB statement; no
# opt-outs on either side (the bench store has none).
DUCKDB_SCRIPT = """
import sys, duckdb
data, out = sys.argv[1], sys.argv[2]
duckdb.sql('''
COPY (
  WITH base AS (
    SELECT customer_id,
      coalesce(consent_education, false) AS consent,
      coalesce(months_in_city < 36 AND consent_education, false) AS aud,
      CASE WHEN coalesce(age >= 55, false) THEN 'elderly'
           WHEN coalesce(has_business_license OR occupation IN ('self_employed', 'shop_owner'), false)
             THEN 'founders'
           WHEN coalesce(18 <= age AND age <= 30 AND months_employed < 24, false) THEN 'young_workers'
           ELSE '' END AS seg,
      (hash('{campaign}' || chr(31) || customer_id) % 10000) < {cut} AS h
    FROM read_parquet(''' + repr(data) + ''')
  ), e AS (SELECT *, consent AND aud AS elig FROM base)
  SELECT customer_id,
    CASE WHEN elig THEN seg ELSE '' END AS segment,
    elig AND h AS holdout,
    elig AS eligible,
    CASE WHEN NOT consent THEN 'no_consent' WHEN NOT aud THEN 'audience_rule'
         WHEN h THEN 'holdout' WHEN seg = '' THEN 'no_segment' ELSE 'matched:' || seg END AS reason
  FROM e
) TO ''' + repr(out) + ''' (FORMAT parquet)''')
""".replace("{campaign}", CAMPAIGN).replace("{cut}", str(int(HOLDOUT_PCT * 100)))


def timed(cmd: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one process, from start to exit; it must succeed."""
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return elapsed


def known_store(folder: Path, fanzha: str, env: dict[str, str]) -> str:
    """A SQLite store where CUSTOMER is assigned by a campaign (so `token` accepts it)."""
    import sqlalchemy as sa
    from fanzha.delivery.models import Assignment, CampaignVersion

    url = f"sqlite:///{folder / 'store.db'}"
    subprocess.run([fanzha, "--db", url, "db", "upgrade"], env=env, check=True, capture_output=True)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(CampaignVersion.__table__).values(
                campaign_id=CAMPAIGN,
                version="v1",
                name="bench",
                source="",
                active=True,
                created_at=sa.func.current_timestamp(),
            )
        )
        conn.execute(
            sa.insert(Assignment.__table__).values(
                campaign_id=CAMPAIGN,
                customer_id=CUSTOMER,
                version="v1",
                segment="elderly",
                holdout=False,
                eligible=True,
                reason="",
                locale="zh-CN",
                timezone="Asia/Shanghai",
            )
        )
    return url


def command_lines(fanzha: str, folder: Path, url: str, run: str) -> dict[str, list[str]]:
    """The three quick commands, exactly as a user types them (each run renders into a new
    folder)."""
    return {
        "validate": [fanzha, "validate", str(EXAMPLE)],
        "token": [fanzha, "--db", url, "token", CUSTOMER],
        "render": [
            fanzha,
            "render",
            "credit-repair",
            "--format",
            "strip",
            "--out",
            str(folder / f"render-{run}" / "strip.webp"),
        ],
    }


def quick_commands(
    installs: dict[str, str], rounds: int, env: dict[str, str]
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Median seconds per command per installation (rounds alternate the installations),
    and the median of each command's first runs, each with a new, empty cache folder
    (FANZHA_CACHE_DIR), as on a new machine.

    Every render writes into a new, empty folder: the render cache never answers. The
    derived-data cache (``fanzha._cache``: YAML data, lint results, words, font facts) is
    warm in the rounds, as on a user's second command; the first runs show it cold.
    """
    times: dict[str, dict[str, list[float]]] = {name: {} for name in installs}
    firsts: dict[str, dict[str, list[float]]] = {name: {} for name in installs}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = known_store(folder, list(installs.values())[-1], env)  # this branch's schema
        for n in range(rounds):
            for name, fanzha in installs.items():
                for command, cmd in command_lines(fanzha, folder, url, f"cold-{name}-{n}").items():
                    empty = {**env, "FANZHA_CACHE_DIR": str(folder / f"cache-{name}-{command}-{n}")}
                    firsts[name].setdefault(command, []).append(timed(cmd, empty))
        cold = {n: {c: statistics.median(v) for c, v in t.items()} for n, t in firsts.items()}
        warm = {
            name: {**env, "FANZHA_CACHE_DIR": str(folder / f"cache-{name}")} for name in installs
        }
        for name, fanzha in installs.items():  # fill each installation's cache, unmeasured
            for cmd in command_lines(fanzha, folder, url, "fill").values():
                timed(cmd, warm[name])
        for n in range(rounds):
            for name, fanzha in installs.items():
                for command, cmd in command_lines(fanzha, folder, url, f"{name}-{n}").items():
                    times[name].setdefault(command, []).append(timed(cmd, warm[name]))
    medians = {n: {c: statistics.median(v) for c, v in t.items()} for n, t in times.items()}
    return medians, cold


def segment_runs(
    installs: dict[str, str], rows: int, rounds: int, env: dict[str, str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Median whole-process seconds of DuckDB and of each installation's `fanzha segment`
    on one file (each round runs DuckDB, then every installation; the derived-data cache
    warm, as on a user's second run), and each installation's first run with an empty
    cache folder."""
    data = ensure_data(rows)
    times: dict[str, list[float]] = {"duckdb": [], **{name: [] for name in installs}}
    first: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        # No store: no stored opt-outs, as on the DuckDB side.
        seg_env = {**env, "FANZHA_DB": f"sqlite:///{out / 'none.db'}"}
        dk = [sys.executable, "-c", DUCKDB_SCRIPT, str(data), str(out / "duckdb.parquet")]
        args = ["segment", str(EXAMPLE), "--customers", str(data)]
        args += ["--out", str(out / "fanzha.parquet"), "--as-of", "2027-03-01"]
        commands = {name: [fanzha, *args] for name, fanzha in installs.items()}
        for name, fz in commands.items():
            empty = {**seg_env, "FANZHA_CACHE_DIR": str(out / f"cache-{name}")}
            first[name] = timed(fz, empty)
            timed(fz, seg_env)  # fills the shared cache, unmeasured
        for _ in range(rounds):
            times["duckdb"].append(timed(dk, env))
            for name, fz in commands.items():
                times[name].append(timed(fz, seg_env))
    return {side: statistics.median(v) for side, v in times.items()}, first


def load_note() -> str:
    """The machine's load while measuring: figures on a shared machine move with it."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} cores"


def report(
    quick: dict[str, dict[str, float]],
    cold: dict[str, dict[str, float]],
    segs: dict[int, dict[str, float]],
    seg_first: dict[int, dict[str, float]],
    rounds: int,
    loads: list[str],
) -> str:
    """The RESULTS.md section."""
    names = list(quick)
    lines = [
        "## CLI as a user runs it (`bench/cli.py`)",
        "",
        f"Whole processes, wall time, median of {rounds}; sides alternate within each round. "
        f"Measured under {'; then '.join(loads)}.",
        "",
        "| command | "
        + " | ".join(f"{n}" for n in names)
        + " | "
        + " | ".join(f"{n}, first run (empty cache)" for n in names)
        + " | target |",
        "| --- | " + " | ".join("---:" for _ in range(2 * len(names))) + " | ---: |",
    ]
    for command, target in TARGETS.items():
        cells = [f"{quick[n][command]:.2f} s" for n in names]
        cells += [f"{cold[n][command]:.2f} s" for n in names]
        lines.append(f"| `fanzha {command}` | {' | '.join(cells)} | < {target} s |")
    if segs:
        lines += [
            "",
            "| customers | DuckDB (same work, whole process) | "
            + " | ".join(f"`fanzha segment` ({n})" for n in names)
            + " | "
            + " | ".join(f"{n}, first run (empty cache)" for n in names)
            + " | target |",
            "| ---: | ---: | " + " | ".join("---:" for _ in range(2 * len(names))) + " | ---: |",
        ]
        for rows, s in segs.items():
            cells = [f"{s[n]:.2f} s ({s[n] / s['duckdb']:.2f}×)" for n in names]
            cells += [f"{seg_first[rows][n]:.2f} s" for n in names]
            lines.append(f"| {rows:,} | {s['duckdb']:.2f} s | {' | '.join(cells)} | ≤ 1.3× |")
    return "\n".join(lines + NOTES)


def main() -> None:
    """Measure, print and record."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--rows", default="3000000,10000000", help="customer counts for segment ('' skips)"
    )
    parser.add_argument(
        "--fanzha", default=None, help="another installation's fanzha, timed as 'before'"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave RESULTS.md alone"
    )
    args = parser.parse_args()
    this = str(Path(sys.executable).with_name("fanzha"))
    installs = {"before": args.fanzha, "this branch": this} if args.fanzha else {"fanzha": this}
    for fanzha in installs.values():
        compiled(fanzha)
    env = {**os.environ, **BANK}
    env.pop("FANZHA_FONT", None)
    from fanzha.campaigns.keygen import new_keys

    env.update(new_keys())
    loads = [load_note()]
    quick, cold = quick_commands(installs, args.rounds, env)
    for name, figures in quick.items():
        print(name, {k: round(v, 3) for k, v in figures.items()}, "first runs:", cold[name])
    segs, seg_first = {}, {}
    with tempfile.TemporaryDirectory() as cache:
        seg_env = {**env, "FANZHA_CACHE_DIR": cache}
        for rows in [int(r) for r in args.rows.split(",") if r]:
            segs[rows], seg_first[rows] = segment_runs(installs, rows, args.rounds, seg_env)
            print(rows, {k: round(v, 2) for k, v in segs[rows].items()}, seg_first[rows])
    loads.append(load_note())
    text = report(quick, cold, segs, seg_first, args.rounds, loads)
    print(text)
    if not args.no_write:
        write_section("cli", text)


if __name__ == "__main__":
    main()
