"""What `bench/scale.py` records: a measured run, the table and plot of RESULTS.md, and the
notes on where growth is not linear."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

PLOT = Path(__file__).resolve().parent / "scale.png"

NOTES = """Where growth is not linear, and why (from the run recorded on 2026-11-30, load
average 9–15 from other sessions throughout, so single figures move by ±30%):
- **Time grows less than linearly from 1M to 10M** (pandas engine 11.1 → 15.0 → 20.9 s,
  i.e. 11.1 → 2.1 s per million): a fixed cost dominates at 1M. Extrapolated to zero
  customers the pandas line starts near 9–10 s (starting Python, importing pandas,
  pyarrow and fanzha, reading the campaign and the content library, on a loaded machine),
  the reference's near 5.5 s; above that, the per-row work is linear within the noise
  (marginal cost 0.8–2 s per million customers on 2 busy cores; the reference 0.7–1 s).
- **Peak memory is bounded, not proportional**: 355 → 504 → 675 MB for 10× the customers,
  because rows stream by row group (1M rows) and only two are in flight. What still grows
  is the same for the reference, which holds no rows at all (345 → 581 MB): Arrow's memory
  pool keeps freed buffers for reuse, and the Parquet writer keeps each row group's
  metadata; it is not the data.
- **Dask engine** (local threads): 1.25–1.36× the pandas engine's time at every size, for its
  second read of the id column (duplicate ids across partitions) and task overhead; a
  first version took 441 s at 10M because `np.unique` on uint64 hashes uses a hash table
  that was 10× slower than sorting (fixed: sort and compare neighbours). A 1M-row file
  has one row group, so one partition: no parallelism below 2 row groups.
- **PostgreSQL table (pushdown)**: peak RSS 286 MB against 1,410 MB for reading the same
  1M-row table whole into pandas: the table is never held by fanzha. It took longer
  (48.6 s against 34.3 s) because PostgreSQL evaluates the rules on the same 2 shared
  cores and a server-side cursor sends 100,000-row chunks one at a time.

`fanzha run` (PostgreSQL store; measured on 2026-11-30 after the streaming change, load
average 8–12; the 1M and 3M runs ran beside the 10M run of `bench/run.py`, so their times
are high by up to 2×):
- **Time** 64 s at 1M, 249 s at 3M (beside the 10M run of `bench/run.py`, which roughly
  halved its share of the 2 cores), 718 s at 10M: 64 → 83 → 72 s per million. Per customer
  the Python side is linear (chunks of 200,000, each the same work). What grows faster is
  PostgreSQL's share: the outbox's indexes (random hex ids, the live key by customer, the
  claim index) outgrow its 128 MB of shared buffers, so each insert touches index pages at
  random, and with `max_wal_size` 1 GB the load checkpoints every few seconds and writes
  full pages again. The raw COPY of the 10M run's rows (11.2M messages, 10M assignments,
  10M risk profiles) took 411 s (`bench/run.py`; 607 s in an earlier, busier run), against
  11.5 s for 1M messages into an empty outbox: about 3× more per message.
- **Peak memory** 915 → 937 → 1,909 MB. Up to 3M it is one chunk's work (200,000 customers,
  pieces of 25,000 picks), the same at any size. At 10M the rate spread dominates: it sorts
  every push (11.2M) at once, about 30 bytes of keys each plus pandas temporaries in
  `spread_for_rate` (~100 bytes a push at the peak). Under the 2 GB target, with little
  margin; an in-place NumPy spread would take it to ~40 bytes a push (not done).
- Before the fix of `campaign_store._activate` (psycopg reports `rowcount` −1 for `INSERT …
  ON CONFLICT`, so every new version looked for rows to revive), the 10M run took 1,110 s.
"""


@dataclass
class Run:
    """One measured process: what, how many customers, seconds, peak RSS, load average."""

    what: str
    customers: int
    seconds: float
    peak_mb: float
    load_start: float
    load_end: float
    recorded: str = dt.date.today().isoformat()


def plot(runs: list[Run]) -> None:
    """Time and peak memory against customers, one line per way of running."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
    for what in dict.fromkeys(r.what for r in runs if not r.what.startswith("startup")):
        mine = sorted((r for r in runs if r.what == what), key=lambda r: r.customers)
        xs = [r.customers / 1e6 for r in mine]
        left.plot(xs, [r.seconds for r in mine], marker="o", label=what)
        right.plot(xs, [r.peak_mb for r in mine], marker="o", label=what)
    left.set(xlabel="customers (millions)", ylabel="wall time (s)", title="Time")
    right.set(xlabel="customers (millions)", ylabel="peak RSS (MB)", title="Peak memory")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
    left.legend(fontsize=8)
    fig.suptitle("fanzha segment and run: growth with customers (one process each)")
    fig.tight_layout()
    fig.savefig(PLOT)


def table(runs: list[Run]) -> str:
    """The markdown rows: time, memory, per-million cost and the load average."""
    ref = {r.customers: r for r in runs if r.what == "reference (pyarrow I/O)"}
    whole = next((r for r in runs if r.what.startswith("table, read whole")), None)
    lines = [
        "| run | customers | wall s | s per million | × reference | peak RSS MB | load avg start → end | recorded |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in runs:
        if r.what.startswith("startup"):
            continue
        base = whole if r.what.startswith("segment, PostgreSQL") else ref.get(r.customers)
        ratio = f"{r.seconds / base.seconds:.2f}" if base and r.what.startswith("segment") else ""
        lines.append(
            f"| {r.what} | {r.customers:,} | {r.seconds:.1f} | {r.seconds / (r.customers / 1e6):.2f} |"
            f" {ratio} | {r.peak_mb:,.0f} | {r.load_start:.1f} → {r.load_end:.1f} | {r.recorded} |"
        )
    return "\n".join(lines)
