"""`bench/dispatch.py`'s enqueue part: ``enqueue`` of m messages against a raw bulk insert of
the same prepared rows, and the table an earlier run recorded (kept with ``--enqueue 0``)."""

from __future__ import annotations

import time
from pathlib import Path

from fanzha.delivery import enqueue
from fanzha.delivery.outbox import COLUMNS, _csv, _sqlite_values, prepare

from bench.dispatch_senders import NOW, frame, fresh

ROOT = Path(__file__).resolve().parents[1]


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


def earlier_enqueue() -> list[str]:
    """The enqueue table of the section as it stands (kept when ``--enqueue 0``)."""
    text = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    section = text.split("<!-- dispatch:start -->")[1].split("<!-- dispatch:end -->")[0]
    lines = section.strip().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("| backend | rows"))
    # The table and the paragraph under it; the notes after them are this run's own.
    last = next(i for i, line in enumerate(lines) if line.startswith("Raw bulk insert:"))
    head = (
        "Enqueue (from an earlier run of this bench, before enqueue's COPY path; its current "
        "figures: the section `run: enqueue against a raw COPY`):"
    )
    return ["", head, "", *lines[first : last + 1]]
