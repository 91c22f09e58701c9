"""`bench/run.py enqueue`: ``enqueue`` of M messages into an empty PostgreSQL outbox, both
ways in, against a raw COPY of the same prepared rows, alternating, and its section."""

from __future__ import annotations

import platform
import statistics
import time
from datetime import UTC, datetime

from bench.run_stores import PG, database, drop, load


def bench_enqueue(rows: int, rounds: int) -> str:
    """Median seconds of ``enqueue`` both ways against a raw COPY, and the markdown section."""
    import sqlalchemy as sa
    from fanzha.delivery.outbox import COLUMNS, _csv, enqueue_in, prepare
    from fanzha.delivery.store import open_engine

    from bench.dispatch_senders import frame

    now = datetime(2027, 3, 2, tzinfo=UTC)
    messages = frame(rows)
    data = _csv(prepare(messages, now))  # the reference's rows, made before its clock starts
    name = PG.rsplit("/", 1)[1] + "_enq"
    url = database(name)
    engine = open_engine(url)
    copy_sql = (
        f"COPY messages ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, "
        "FORCE_NULL (cap_max, cap_days))"
    )

    def empty() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE messages"))
            conn.execute(sa.text("CHECKPOINT"))

    def ours(fresh: bool) -> float:
        empty()
        start = time.perf_counter()
        with engine.begin() as conn:
            result = enqueue_in(conn, messages, now=now, fresh=fresh)
        with engine.begin() as conn:  # what `enqueue` does after a large insert
            conn.exec_driver_sql("ANALYZE messages")
        seconds = time.perf_counter() - start
        assert result.inserted == rows, result
        return seconds

    def raw() -> float:
        empty()
        start = time.perf_counter()
        with engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(copy_sql) as copy:
                copy.write(data)
        return time.perf_counter() - start

    times: dict[str, list[float]] = {"direct": [], "temp": [], "raw": []}
    start_load = load()
    for _ in range(rounds):
        times["raw"].append(raw())
        times["direct"].append(ours(fresh=True))
        times["temp"].append(ours(fresh=False))
        print({k: round(v[-1], 2) for k, v in times.items()}, flush=True)
    end_load = load()
    engine.dispose()
    drop(name)
    med = {k: statistics.median(v) for k, v in times.items()}
    spread = {k: f"{min(v):.1f}–{max(v):.1f}" for k, v in times.items()}
    return f"""## run: enqueue against a raw COPY (`bench/run.py enqueue`)

{rows:,} push messages (the frame of `bench/dispatch.py`) into an empty, indexed PostgreSQL
outbox; median of {rounds} rounds (min–max), the three alternating within each round; load
average {start_load:.1f} at the start, {end_load:.1f} at the end (2 cores shared with other
sessions). `enqueue` starts from the DataFrame: defaults, checks, ids (blake2b per row), CSV
(Arrow), COPY, ANALYZE. The raw COPY gets the same rows already prepared as CSV.

| way | seconds | × raw COPY |
| --- | ---: | ---: |
| raw COPY of prepared rows (reference) | {med["raw"]:.1f} ({spread["raw"]}) | 1.00 |
| `enqueue`, first messages of a campaign (COPY straight in) | {med["direct"]:.1f} ({spread["direct"]}) | {med["direct"] / med["raw"]:.2f} |
| `enqueue` through the temp table (`INSERT … ON CONFLICT DO NOTHING`) | {med["temp"]:.1f} ({spread["temp"]}) | {med["temp"] / med["raw"]:.2f} |

The target (issue 19) is 1.5× the raw COPY. A campaign's first run, or any enqueue into
campaigns with no message yet, goes straight in (checked under the run's advisory lock; a
row that clashes all the same rolls the savepoint back and the rows go the temp-table way).
A re-run or a new version goes through the temp table, which skips what is already there.
The ids and CSV of the next 50,000 rows are made in a thread while the server loads the
previous ones. Python {platform.python_version()}, PostgreSQL on the same machine.
"""
