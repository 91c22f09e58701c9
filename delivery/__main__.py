"""``python -m delivery``: run a dispatcher or the fake gateway as a process (tests, benches).

The user-facing commands are ``fanzha dispatch`` and ``fanzha gateway fake`` (campaigns'
CLI); this entry point exists so tests can SIGKILL a real dispatcher process.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict

from fanzha.delivery.adapters import WebhookAdapter
from fanzha.delivery.clock import offset_clock, parse_now
from fanzha.delivery.dispatcher import DispatchConfig, Dispatcher
from fanzha.delivery.gateway_fake import FaultSpec, make_server
from fanzha.delivery.keys import KeyRing
from fanzha.delivery.ratelimit import Backoff
from fanzha.delivery.store import open_engine


def _dispatch(args: argparse.Namespace) -> int:
    engine = open_engine(args.db)
    config = DispatchConfig(
        batch_size=args.batch,
        lease_s=args.lease,
        max_attempts=args.max_attempts,
        backoff=Backoff(args.backoff_base, args.backoff_cap),
        rate_per_s=args.rate,
        workers=args.workers,
        poll_s=args.poll,
    )
    keys = KeyRing.parse("FANZHA_WEBHOOK_SECRET", args.secret)
    adapter = WebhookAdapter(args.gateway_url, keys, max_batch=args.batch)
    now = parse_now(args.now)
    dispatcher = Dispatcher(engine, {"push": adapter}, config, clock=offset_clock(now))
    stats = dispatcher.run_once(now) if args.once else dispatcher.run(until_idle=args.until_idle)
    print(json.dumps(asdict(stats)), flush=True)
    return 0


def _gateway(args: argparse.Namespace) -> int:
    faults = FaultSpec(
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        rate_429=args.rate_429,
        retry_after=args.retry_after,
        drop_rate=args.drop_rate,
        reject_rate=args.reject_rate,
        seed=args.seed,
    )
    keys = KeyRing.parse("FANZHA_WEBHOOK_SECRET", args.secret) if args.secret else None
    server = make_server(args.host, args.port, faults, keys)
    print(f"http://{args.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m delivery``."""
    top = argparse.ArgumentParser(prog="python -m delivery")
    sub = top.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dispatch", help="send due messages to a webhook gateway")
    d.add_argument("--db", required=True)
    d.add_argument("--gateway-url", required=True)
    d.add_argument("--secret", default="")
    d.add_argument("--now", default=None)
    mode = d.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true")
    mode.add_argument("--until-idle", action="store_true")
    d.add_argument("--batch", type=int, default=500)
    d.add_argument("--workers", type=int, default=1)
    d.add_argument("--lease", type=float, default=60.0)
    d.add_argument("--max-attempts", type=int, default=6)
    d.add_argument("--backoff-base", type=float, default=2.0)
    d.add_argument("--backoff-cap", type=float, default=600.0)
    d.add_argument("--rate", type=float, default=None)
    d.add_argument("--poll", type=float, default=1.0)
    d.set_defaults(func=_dispatch)
    g = sub.add_parser("gateway-fake", help="serve the fake push gateway")
    g.add_argument("--host", default="127.0.0.1")
    g.add_argument("--port", type=int, default=8088)
    g.add_argument("--secret", default=None)
    g.add_argument("--latency-ms", type=float, default=0.0)
    g.add_argument("--error-rate", type=float, default=0.0)
    g.add_argument("--rate-429", type=float, default=0.0)
    g.add_argument("--retry-after", type=float, default=1.0)
    g.add_argument("--drop-rate", type=float, default=0.0)
    g.add_argument("--reject-rate", type=float, default=0.0)
    g.add_argument("--seed", type=int, default=0)
    g.set_defaults(func=_gateway)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand."""
    logging.basicConfig(level=logging.WARNING)
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
