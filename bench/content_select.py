"""Benchmark: warning selection on 1M assignments vs plain pandas merges of the same size.

Run from the repository root: PYTHONPATH=. .venv/bin/python bench/content_select.py [--n 1000000]
Writes the `content` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `bench` and the packages import when run as a script

from fanzha.content import load_library, select_warnings  # noqa: E402

from bench.results_md import write_section  # noqa: E402

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
SEGMENTS = {
    "elderly": ["impersonating-authorities", "elderly-investment"],
    "founders": ["fake-business-deal", "fake-investment"],
    "young_workers": ["credit-repair", "fake-loan", "task-rebate"],
}


def assignments(n: int, seed: int = 1) -> pd.DataFrame:
    """Synthetic assignments: three segments, 10% `en`, 1% `zh-HK` (no translation: fallback)."""
    rng = np.random.default_rng(seed)
    draw = rng.random(n)
    return pd.DataFrame(
        {
            "customer_id": pd.array([f"C{i:09d}" for i in range(n)], dtype="str"),
            "segment": rng.choice(list(SEGMENTS), n),
            "locale": np.select([draw < 0.1, draw < 0.11], ["en", "zh-HK"], "zh-CN"),
        }
    )


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of `runs` wall-clock timings, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def reference_merge(frame: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Plain pandas: merge every row onto the small segment->warning table, keep one per customer."""
    merged = frame.merge(table, on="segment", how="left")
    return merged.groupby("customer_id", sort=False).first()


def reference_history(frame: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Plain pandas: merge the history onto the assignments and count sends per customer."""
    merged = frame.merge(history, on="customer_id", how="left")
    return merged.groupby(["customer_id", "warning_id"], sort=False).size()


def main() -> None:
    """Time selection with and without history against the references; record the result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    library = load_library()
    frame = assignments(args.n)
    first = select_warnings(frame, SEGMENTS, library, wave_index=0, now=NOW - timedelta(days=7))
    history = first[["customer_id", "warning_id", "variant"]].assign(
        sent_at=NOW - timedelta(days=7)
    )
    table = pd.DataFrame(
        [(s, w) for s, ws in SEGMENTS.items() for w in ws], columns=["segment", "warning_id"]
    )

    plain = best_of(
        args.runs, lambda: select_warnings(frame, SEGMENTS, library, wave_index=1, now=NOW)
    )
    with_history = best_of(
        args.runs,
        lambda: select_warnings(frame, SEGMENTS, library, wave_index=1, history=history, now=NOW),
    )
    ref_merge = best_of(args.runs, lambda: reference_merge(frame, table))
    ref_history = best_of(args.runs, lambda: reference_history(frame, history))
    picks = select_warnings(frame, SEGMENTS, library, wave_index=1, history=history, now=NOW)
    repeats = int((picks["warning_id"].to_numpy() == first["warning_id"].to_numpy()).sum())

    lines = [
        "## content: warning selection",
        "",
        f"`bench/content_select.py`, {args.n:,} assignments (3 segments, 2–3 warnings each, "
        f"10% `en`, 1% `zh-HK` which has no translation), bundled library ({len(library)} warning files), best of {args.runs}, "
        f"Python {platform.python_version()}, pandas {pd.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work (load average {os.getloadavg()[0]:.1f} "
        "at the end), so absolute times are noisy; the ratios are from the same run.",
        "",
        "| work | seconds | vs reference |",
        "| --- | ---: | ---: |",
        f"| `select_warnings`, no history | {plain:.2f} | {plain / ref_merge:.1f}× merge |",
        f"| `select_warnings`, {len(history):,} history rows | {with_history:.2f} | "
        f"{with_history / ref_history:.1f}× history merge |",
        f"| reference: merge 1 row per customer onto segment→warning table + groupby | "
        f"{ref_merge:.2f} | 1.0× |",
        f"| reference: merge history onto assignments + groupby | {ref_history:.2f} | 1.0× |",
        "",
        f"Second wave with the first wave as history: {repeats:,} repeats within the 28-day "
        f"window (every segment has an alternative, so 0 is correct); "
        f"{int(picks['locale_fallback'].sum()):,} customers got the fallback locale.",
    ]
    write_section("content", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
