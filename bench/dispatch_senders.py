"""The senders of bench/dispatch.py, each a process of its own: dispatchers and bare loops.

``run_children`` starts them, lets each set up (data, connections), releases them together and
collects their wall time and CPU, with that of their PostgreSQL backends and gateways. Run as a
script, this module is one child (``dispatch URL GATEWAY WORKERS`` or ``bare GATEWAY N PART
PARTS``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fanzha.delivery import (  # noqa: E402
    DispatchConfig,
    Dispatcher,
    PushPayload,
    WebhookAdapter,
    batch_key,
    init_db,
    open_engine,
    sign,
)
from fanzha.delivery.adapters import pooled_session  # noqa: E402
from fanzha.delivery.gateway_fake import gateway_stats  # noqa: E402
from fanzha.delivery.keys import KeyRing  # noqa: E402
from fanzha.delivery.outbox import prepare  # noqa: E402

from bench.feed_load import process_cpu  # noqa: E402

SECRET = "bench-webhook-key-Qx7Lr2mW9vTn4pZk8sYc3hJd6fBg1aVe5uNo0iRt"  # FANZHA_WEBHOOK_SECRET
BATCH = 500
NOW = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)


# The example campaign's send-time rules (campaigns/examples/spring-2027.yaml): at NOW (10:00
# in Shanghai) none holds a message back, but the dispatcher must evaluate every one of them.
RULES = {"quiet_hours": "21:30-08:00", "cap_max": 2, "cap_days": 7}


def frame(n: int, campaign: str = "bench", rules: bool = False) -> pd.DataFrame:
    """``n`` push messages due at NOW (with ``rules``, carrying the example's quiet hours and
    frequency cap)."""
    return pd.DataFrame(
        {
            **(RULES if rules else {}),
            "campaign_id": campaign,
            "version": "v1",
            "customer_id": [f"C{i:09d}" for i in range(n)],
            "wave": "2027-03-02",
            "channel": "push",
            "warning_id": "credit-repair",
            "title": "信用修复是骗局",
            "body": "征信无法花钱修复，任何要求转账“修复”的都是骗子。",
            "image_key": "a1b2c3.webp",
            "deep_link": "bank://fanzha/feed",
            "due_at": NOW,
        }
    )


def fresh(url: str) -> sa.Engine:
    """An engine on an empty, migrated store (a new schema on PostgreSQL)."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    engine = open_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench"))
        engine = open_engine(url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dbench")
    init_db(engine)
    return engine


class Gateway:
    """A fake gateway in its own process."""

    def __init__(self, latency_ms: float) -> None:
        with socket.socket() as probe:  # a free port for `fanzha gateway fake`
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        cmd = [
            sys.executable,
            "-m",
            "fanzha",
            "gateway",
            "fake",
            "--port",
            str(port),
            "--latency-ms",
            str(latency_ms),
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "FANZHA_WEBHOOK_SECRET": SECRET}
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                gateway_stats(self.url)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "FANZHA_WEBHOOK_SECRET": SECRET}


def child_dispatch(url: str, gateway: str, workers: int) -> dict[str, float]:
    """One dispatcher process: sends everything due, then reports its start, end and count."""
    engine = open_engine(url)
    config = DispatchConfig(
        batch_size=BATCH,
        workers=workers,
        poll_s=0.05,
        media_base_url="https://bank.example.com/v1/media/",
    )
    keys = KeyRing.parse("FANZHA_WEBHOOK_SECRET", SECRET)
    adapter = WebhookAdapter(gateway, keys, max_batch=BATCH)
    dispatcher = Dispatcher(engine, {"push": adapter}, config, clock=lambda: NOW)
    backends = _backends(engine, workers + 1)  # every worker's connection, and pending_due's
    _ready()
    start, cpu, db = time.time(), time.process_time(), process_cpu(backends)
    stats = dispatcher.run(until_idle=True)
    return {
        "start": start,
        "end": time.time(),
        "sent": stats.delivered,
        "cpu": time.process_time() - cpu,
        "db": process_cpu(backends) - db,
    }


def _backends(engine: sa.Engine, count: int) -> list[int]:
    """Open ``count`` pooled connections and return their PostgreSQL backends' pids."""
    if engine.dialect.name != "postgresql":
        return []
    conns = [engine.connect() for _ in range(count)]
    try:
        return [int(c.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()) for c in conns]
    finally:
        for conn in conns:
            conn.close()  # back to the pool, which keeps them open for the workers


def child_bare(gateway: str, n: int, part: int, parts: int) -> dict[str, float]:
    """One bare loop: POSTs its share of the same signed batches with one requests Session."""
    rows = prepare(frame(n), NOW)
    payloads = [
        PushPayload(
            r.id,
            r.customer_id,
            r.title,
            r.body,
            "https://bank.example.com/v1/media/" + r.image_key,
            r.deep_link,
        )
        for r in rows.itertuples(index=False)
    ]
    batches = [payloads[i : i + BATCH] for i in range(0, n, BATCH)][part::parts]
    session = pooled_session()
    _ready()
    start, cpu = time.time(), time.process_time()
    for batch in batches:
        body = json.dumps(
            {"messages": [p.to_json() for p in batch]},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Fanzha-Signature": sign(SECRET.encode(), body),
            "Idempotency-Key": batch_key(p.id for p in batch),
        }
        session.post(gateway, data=body, headers=headers, timeout=(3.05, 30)).raise_for_status()
    return {
        "start": start,
        "end": time.time(),
        "sent": sum(len(b) for b in batches),
        "cpu": time.process_time() - cpu,
        "db": 0.0,
    }


def _ready() -> None:
    """Tell the parent this child is set up, and wait for its go (all children start together)."""
    print("ready", flush=True)
    sys.stdin.readline()


def run_children(commands: list[list[str]], gateways: list[int]) -> dict[str, float]:
    """Start the children, release them together; the wall time until the last ended, and the
    CPU seconds of the senders, their database backends and the ``gateways`` (pids)."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), *cmd],
            cwd=ROOT,
            env=_child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for cmd in commands
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        served = process_cpu(gateways)
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, _ = proc.communicate(timeout=600)
            assert proc.returncode == 0, out
            results.append(json.loads(out.strip().splitlines()[-1]))
        served = process_cpu(gateways) - served
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return {
        "wall": max(r["end"] for r in results) - min(r["start"] for r in results),
        "sender": sum(r["cpu"] for r in results),
        "db": sum(r["db"] for r in results),
        "gateway": served,
    }


@contextlib.contextmanager
def held(lock: str | None) -> Iterator[None]:
    """The machine-wide bench lock (``flock``) around one measured round, when given."""
    if not lock:
        yield
        return
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def child_main() -> None:
    """One child of ``run_children`` (``dispatch …`` or ``bare …``)."""
    kind, *rest = sys.argv[1:]
    if kind == "dispatch":
        url, gateway, workers = rest
        result = child_dispatch(url, gateway, int(workers))
    else:
        gateway, n, part, parts = rest
        result = child_bare(gateway, int(n), int(part), int(parts))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    child_main()
