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
import json
import os
import subprocess
import sys
import time
from pathlib import Path

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
from bench.risk_data import (  # noqa: E402
    APP_NAME,
    bodies,
    clear_checks,
    db_url,
    decisions,
    load,
    stored,
)

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
