"""Benchmark: POST /v1/risk-check over 1,000,000 customers in PostgreSQL, beside a constant endpoint.

Run from the repository root:
    PYTHONPATH=. .venv/bin/python bench/risk.py [--customers 1000000] [--workers 1] [--reuse]
Needs PostgreSQL (FANZHA_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/test); the data
lives in its own schema, ``bench_risk``: one active ruleset (the example campaign's three risk
prompts) and a profile per customer, as ``fanzha run`` writes them. The server is uvicorn
worker processes (``--workers``; ``fanzha serve`` runs one) over the app ``fanzha serve``
builds, with the index loaded at start-up; ``wrk`` sends POSTs with a new ``check_id`` each
(every request decides and inserts one check) over 32 keep-alive connections, then the same
server's constant endpoint (``/v1/_ceiling``) is measured the same way. Writes the ``risk``
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import io
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.feed import (  # noqa: E402
    BACKEND_KEYS,
    TOKEN_KEYS,
    WEBHOOK_KEYS,
    database_pids,
    free_port,
)
from bench.feed_load import WRK_DONE, CpuSnapshot, run_wrk  # noqa: E402
from bench.feed_server import reuseport_socket, stop_server  # noqa: E402
from bench.results_md import write_section  # noqa: E402

SCHEMA = "bench_risk"
APP_NAME = "fanzha_bench_risk"  # how the server's database backends are found
CAMPAIGN = "spring-2027-new-citizens"
RULES = [
    ('kind == "transfer" and screen_sharing', "fake-customer-service", 20),
    (
        'kind == "transfer" and payee_new and amount >= 5000 and segment == "elderly"',
        "impersonating-authorities",
        30,
    ),
    (
        'kind == "transfer" and payee_new and payee_type == "personal" and amount >= 20000',
        "fake-investment",
        15,
    ),
]
SEGMENTS = ["elderly", "founders", "young_workers", ""]

# Each wrk thread posts checks with ids of its own; the bodies rotate through a prepared list.
# (``key``, the backend key, is set in front of it; feed_load's done() prints the figures.)
WRK_SCRIPT = (
    r"""
local bodies, n, i, sent = {}, 0, 0, 0
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
init = function(args)
  for line in io.lines(args[1]) do
    n = n + 1
    bodies[n] = line
  end
  run = args[2]
  i = ((tid or 1) * 7919) % n
end
request = function()
  i = i % n + 1
  sent = sent + 1
  local body = string.format('{"check_id": "%s-%d-%d", %s', run, tid or 0, sent, bodies[i])
  return wrk.format("POST", "/v1/risk-check",
    {["Host"] = "bench", ["Content-Type"] = "application/json", ["X-Backend-Key"] = key}, body)
end
"""
    + WRK_DONE
)


def db_url() -> str:
    """The bench schema's URL (search_path set to it)."""
    base = os.environ.get("FANZHA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{SCHEMA}&application_name={APP_NAME}"


def make_app():  # type: ignore[no-untyped-def]
    """The app factory the workers call: ``fanzha serve``'s app plus the ceiling endpoint."""
    from fanzha.campaigns.risk_check import holdout_of
    from fanzha.campaigns.risk_rules import compile_rule
    from fanzha.delivery.api import create_app
    from fanzha.delivery.keys import KeyRing
    from fanzha.delivery.risk_live import LiveRiskIndex
    from fanzha.delivery.store import open_engine
    from fanzha.segments import default_schema

    engine = open_engine(db_url())
    schema = default_schema()
    live = LiveRiskIndex(engine, lambda text: compile_rule(text, schema), holdout_of)
    return create_app(
        engine,
        token_keys=KeyRing.parse("FANZHA_SECRET", TOKEN_KEYS),
        backend_keys=KeyRing.parse("FANZHA_BACKEND_KEY", BACKEND_KEYS),
        webhook_keys=KeyRing.parse("FANZHA_WEBHOOK_SECRET", WEBHOOK_KEYS),
        media_dir=Path("/tmp"),
        feed_ttl=pd.Timedelta(days=30).to_pytimedelta(),
        bench_ceiling=True,
        risk_index=live,
    )


def profiles(n: int, seed: int = 5) -> pd.DataFrame:
    """``n`` customers: segment mix of the example campaign, 5% held out, some large text."""
    rng = np.random.default_rng(seed)
    segment = np.array(SEGMENTS)[rng.choice(4, n, p=[0.2, 0.15, 0.4, 0.25])]
    return pd.DataFrame(
        {
            "campaign_id": CAMPAIGN,
            "customer_id": pd.Series(np.arange(n)).map("C{:09d}".format),
            "segment": segment,
            "holdout": rng.random(n) < 0.05,
            "locale": np.where(rng.random(n) < 0.9, "zh-CN", "en"),
            "large_text": (segment == "elderly") | (rng.random(n) < 0.05),
            "withheld": False,
            "facts": "",
        }
    )


def prompts() -> dict[str, dict[str, object]]:
    """A prepared prompt per (warning, segment, locale, mode), as ``fanzha run`` stores them."""
    out = {}
    for _, warning, _ in RULES:
        for seg in SEGMENTS:
            for loc in ("zh-CN", "en"):
                for large in (0, 1):
                    out[f"{warning}|{seg}|{loc}|{large}"] = {
                        "warning_id": warning,
                        "variant": "a",
                        "locale": loc,
                        "title": "警察不会在电话里办案",
                        "body": "挂断电话，自己拨打110核实",
                        "questions": ["对方是不是说过：“把钱转到安全账户”？"] * 3,
                        "image_key": f"{abs(hash((warning, seg, loc, large))):032x}"[:32] + ".webp",
                        "alt_text": "漫画",
                        "large_text": bool(large),
                    }
    return out


PREFERENCE_COLUMNS = (
    "customer_id",
    "push_opt_out",
    "personalization_opt_out",
    "all_opt_out",
    "updated_at",
    "risk_prompts_off",
)


def preference_rows(n: int) -> list[tuple[object, ...]]:
    """Every 10th customer has set preferences; every 100th turned risk prompts off."""
    now = datetime.now(UTC)
    return [(f"C{i:09d}", False, False, False, now, i % 100 == 0) for i in range(0, n, 10)]


def load(n: int) -> float:
    """Create the schema and fill it (profiles by COPY); seconds taken."""
    import sqlalchemy as sa
    from fanzha.content import risk_labels
    from fanzha.delivery.risk_store import save_ruleset
    from fanzha.delivery.store import init_db, open_engine

    start = time.perf_counter()
    engine = open_engine(db_url())
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    init_db(engine)
    rules = [
        {"index": i, "when": w, "warning": warning, "pause_seconds": p}
        for i, (w, warning, p) in enumerate(RULES, start=1)
    ]
    empty = profiles(0).drop(columns=["campaign_id"])
    save_ruleset(
        engine,
        campaign_id=CAMPAIGN,
        version="bench",
        locale="zh-CN",
        holdout_pct=5.0,
        rules=rules,
        prompts=prompts(),
        labels={loc: risk_labels(loc) for loc in ("zh-CN", "en")},
        columns=[],
        profiles=empty,
        now=datetime.now(UTC),
    )
    frame = profiles(n)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for lo in range(0, n, 250_000):
            buf = io.StringIO()
            frame.iloc[lo : lo + 250_000].to_csv(buf, index=False, header=False)
            sql = (
                f"COPY risk_profiles ({', '.join(frame.columns)}) FROM STDIN "
                "WITH (FORMAT csv, FORCE_NOT_NULL (segment, facts))"
            )
            with cursor.copy(sql) as copy:
                copy.write(buf.getvalue())
        with cursor.copy(f"COPY preferences ({', '.join(PREFERENCE_COLUMNS)}) FROM STDIN") as copy:
            for row in preference_rows(n):
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE risk_profiles, preferences"))
    engine.dispose()
    return time.perf_counter() - start


def bodies(n: int, count: int = 5000, seed: int = 9) -> list[str]:
    """Request bodies after the check id: a mix of transfers, payees, loans and logins."""
    rng = np.random.default_rng(seed)
    kinds = ["transfer"] * 6 + ["payee_added", "loan_drawdown", "app_login_new_device"]
    out = []
    for _ in range(count):
        event = {
            "customer_id": f"C{int(rng.integers(0, n)):09d}",
            "kind": kinds[int(rng.integers(0, len(kinds)))],
            "amount": float(rng.choice([200, 3000, 8000, 50000])),
            "currency": "CNY",
            "payee_new": bool(rng.random() < 0.5),
            "payee_type": "personal" if rng.random() < 0.7 else "business",
            "payee_flagged": False,
            "screen_sharing": bool(rng.random() < 0.05),
            "on_call": bool(rng.random() < 0.1),
            "occurred_at": "2027-03-02T10:00:00+08:00",
        }
        out.append(json.dumps(event, ensure_ascii=False)[1:])  # the script prefixes the id
    return out


def run_risk(port: int, lines: list[str], seconds: float, clients: int, run: str) -> dict:
    """wrk posting checks (ids ``run``-thread-n) for ``seconds``; ``feed_load.run_wrk``'s figures."""
    key = BACKEND_KEYS.split(":", 1)[1]
    script = f'key = "{key}"\n' + WRK_SCRIPT
    return run_wrk(port, [], seconds, clients, script=script, lines=lines, args=[run])


def start(port: int, workers: int) -> tuple[list[subprocess.Popen], float]:
    """Workers on ``port``; returns once /healthz answers (the index loads first) and the time."""
    from bench.feed_server import _answers

    env = os.environ | {"PYTHONPATH": str(ROOT)}
    began = time.perf_counter()
    procs = [
        subprocess.Popen([sys.executable, __file__, "--serve-worker", str(port)], env=env, cwd=ROOT)
        for _ in range(workers)
    ]
    while time.perf_counter() - began < 600:
        if any(p.poll() is not None for p in procs):
            break
        if _answers(port):
            ready = time.perf_counter() - began
            time.sleep(2.0 + ready)  # the other workers load as long
            return procs, ready
        time.sleep(0.5)
    stop_server(procs)
    raise RuntimeError("the bench server did not start")


def serve_worker(port: int) -> None:
    """One uvicorn worker over ``make_app`` on its own SO_REUSEPORT socket."""
    import uvicorn

    config = uvicorn.Config(
        "bench.risk:make_app",
        factory=True,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )
    uvicorn.Server(config).run(sockets=[reuseport_socket(port)])


def measured(run, server: list[int]) -> dict:  # type: ignore[no-untyped-def]
    """One run of ``run()`` with the CPU each party used per request."""
    db = database_pids(APP_NAME)
    before = CpuSnapshot.take(server, db)
    result = run()
    after = CpuSnapshot.take(server, db)
    return result | before.per_request(after, result["requests"], result.get("seconds", 10))


def stored(n: int) -> bool:
    """Whether the bench schema holds exactly ``n`` profiles (so --reuse may keep them)."""
    import sqlalchemy as sa
    from fanzha.delivery.store import open_engine

    engine = open_engine(db_url())
    try:
        with engine.connect() as conn:
            # (naming every column: a schema from an older migration is loaded again)
            query = "SELECT count(*) FROM risk_profiles WHERE withheld OR NOT withheld"
            prefs = (
                "SELECT count(*) FROM preferences WHERE risk_prompts_off OR NOT risk_prompts_off"
            )
            return bool(
                conn.execute(sa.text(query)).scalar() == n
                and conn.execute(sa.text(prefs)).scalar() == len(range(0, n, 10))
            )
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def clear_checks() -> None:
    """Forget the checks of earlier runs (each run's decision mix is its own)."""
    import sqlalchemy as sa
    from fanzha.delivery.store import open_engine

    engine = open_engine(db_url())
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE risk_checks"))
    engine.dispose()


def decisions() -> dict[str, int]:
    """Checks recorded in the bench schema, by decision."""
    import sqlalchemy as sa
    from fanzha.delivery.store import open_engine

    engine = open_engine(db_url())
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT reason, count(*) FROM risk_checks GROUP BY reason"))
        out = {str(r[0]): int(r[1]) for r in rows}
    engine.dispose()
    return out


def main() -> None:
    """Load, serve, measure risk checks and the ceiling in alternation, record the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=1, help="server processes (serve: 1)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--light-clients", type=int, default=4, help="connections, light load")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--lock", help="a file to flock around the measurement (not the load or the start-up)"
    )
    parser.add_argument("--serve-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_worker:
        serve_worker(args.serve_worker)
        return
    load_s = None if args.reuse and stored(args.customers) else load(args.customers)
    clear_checks()
    lines = bodies(args.customers)
    port = free_port()
    procs, ready_s = start(port, args.workers)
    ceiling = [("/v1/_ceiling", "x")]
    runs: dict[str, list[dict]] = {"risk": [], "ceiling": [], "light": []}
    pids = [p.pid for p in procs]
    stack = contextlib.ExitStack()
    try:
        if args.lock:  # one measurement on the machine at a time; held until the file closes
            held = stack.enter_context(open(args.lock, "a"))
            fcntl.flock(held, fcntl.LOCK_EX)
        loads = [os.getloadavg()[0]]
        stamp = f"{int(time.time())}"
        run_risk(port, lines, args.warmup, args.clients, f"w{stamp}")
        run_wrk(port, ceiling, args.warmup, args.clients)
        for k in range(args.rounds):
            runs["ceiling"].append(
                measured(lambda: run_wrk(port, ceiling, args.seconds, args.clients), pids)
            )
            runs["risk"].append(
                measured(
                    lambda k=k: run_risk(port, lines, args.seconds, args.clients, f"r{stamp}{k}"),
                    pids,
                )
            )
            # What one bank's transfer screens ask at a time: a few checks in flight.
            runs["light"].append(
                run_risk(port, lines, args.seconds, args.light_clients, f"l{stamp}{k}")
            )
            print(k, *(json.dumps(runs[n][-1]) for n in runs), file=sys.stderr)
        loads.append(os.getloadavg()[0])
    finally:
        stop_server(procs)
        stack.close()
    text = report(args, load_s, ready_s, runs, decisions(), loads)
    print(text)
    if not args.no_write:
        write_section("risk", text)


def report(args, load_s, ready_s, runs, seen, loads) -> str:  # type: ignore[no-untyped-def]
    """The RESULTS.md section: per round, and the median round's ratio."""
    rows = []
    triples = zip(runs["ceiling"], runs["risk"], runs["light"], strict=True)
    for k, (c, r, lo) in enumerate(triples, start=1):
        rows.append(
            f"| {k} | {c['rps']:,.0f} | {r['rps']:,.0f} | {r['rps'] / c['rps']:.0%} "
            f"| {c['p99_ms']:.1f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} "
            f"| {c['server_cpu_us']:.0f} | {r['server_cpu_us']:.0f} | {r['db_cpu_us']:.0f} "
            f"| {r['idle_pct']:.0f}% "
            f"| {lo['rps']:,.0f} | {lo['p50_ms']:.1f} | {lo['p99_ms']:.1f} | {lo['errors']} |"
        )
    light = sorted(lo["p99_ms"] for lo in runs["light"])
    ratios = sorted(r["rps"] / c["rps"] for c, r in zip(runs["ceiling"], runs["risk"], strict=True))
    p99 = sorted(r["p99_ms"] for r in runs["risk"])
    total = sum(seen.values()) or 1
    mix = ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(seen.items()))
    loaded = f"load {load_s:.0f} s" if load_s is not None else "loaded by an earlier run"
    return "\n".join(
        [
            "## risk: `POST /v1/risk-check` (`bench/risk.py`)",
            "",
            f"{args.customers:,} customer profiles and the example campaign's three risk prompts in "
            f"PostgreSQL ({loaded}); {args.workers} server process(es), as `fanzha serve` runs; "
            f"the index loaded in {ready_s:.0f} s at start-up. wrk, {args.clients} keep-alive "
            f"connections, {args.seconds:g} s per run; every request is a new check_id (one "
            "decision in memory; its preference lookup and insert in the statement the server "
            "runs for the checks in flight, answered once stored). 10% of customers have "
            "preferences, 1% turned risk prompts off. Ceiling: the same server's constant "
            "endpoint (a FastAPI route), measured just before each risk run. Machine: 2 cores "
            "shared with the generator, PostgreSQL and other work; load average "
            f"{loads[0]:.1f} at the start of the measurement, {loads[-1]:.1f} at its end.",
            "",
            f"Light load: the same checks over {args.light_clients} connections. CPU columns: "
            "microseconds per request of the server process (ceiling, risk) and of its "
            "PostgreSQL backends (risk); idle: the machine's idle share during the risk run.",
            "",
            "| round | ceiling req/s | risk req/s | ratio | ceiling p99 ms | p50 ms | p99 ms | errors "
            "| ceiling server µs | risk server µs | risk PG µs | idle "
            "| light req/s | light p50 ms | light p99 ms | light errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"Median ratio {ratios[len(ratios) // 2]:.0%} (spread {ratios[0]:.0%}–{ratios[-1]:.0%}; "
            "target ≥ 50%). p99 at "
            f"{args.clients} connections: median {p99[len(p99) // 2]:.1f} ms, worst "
            f"{p99[-1]:.1f} ms; at {args.light_clients} connections: median "
            f"{light[len(light) // 2]:.1f} ms, worst {light[-1]:.1f} ms (target < 20 ms). "
            f"Decisions recorded: {mix}.",
        ]
    )


if __name__ == "__main__":
    main()
