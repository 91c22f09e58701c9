"""The feed API as a real server process, started the way ``fanzha serve`` starts it.

``python -m tests.delivery.api_process`` reads the store URL, the media folder, the port and
the three keys from the environment, seeds nothing, and runs ``delivery.api.serve``: uvicorn
with the production configuration (logging, head limit, no banner). ``served`` starts it
and yields its base URL and the file its output goes to.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def key_env() -> dict[str, str]:
    """The three key variables, as a bank sets them (test keys; the token ring rotated)."""
    from tests.delivery.feed_fixtures import BACKEND_KEYS, TOKEN_KEYS, WEBHOOK_KEYS

    def text(ring) -> str:  # type: ignore[no-untyped-def]
        return ",".join(f"{k}:{v}" for k, v in ring.keys)

    return {
        "FANZHA_SECRET": text(TOKEN_KEYS),
        "FANZHA_BACKEND_KEY": text(BACKEND_KEYS),
        "FANZHA_WEBHOOK_SECRET": text(WEBHOOK_KEYS),
    }


@contextmanager
def served(db_url: str, media_dir: Path, log: Path) -> Iterator[str]:
    """Run the server process over ``db_url``; yields its base URL; output goes to ``log``."""
    port = free_port()
    env = {
        **os.environ,
        **key_env(),
        "PYTHONPATH": str(ROOT),
        "FANZHA_TEST_SERVE_DB": db_url,
        "FANZHA_TEST_SERVE_MEDIA": str(media_dir),
        "FANZHA_TEST_SERVE_PORT": str(port),
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.delivery.api_process"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: {log.read_text(errors='replace')}")
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _risk_index(engine):  # type: ignore[no-untyped-def]
    """The risk index the composition root would build (rules read with the default schema)."""
    from fanzha.campaigns.risk_check import holdout_of
    from fanzha.campaigns.risk_rules import compile_rule
    from fanzha.delivery.risk_live import LiveRiskIndex
    from fanzha.segments import default_schema

    schema = default_schema()
    return LiveRiskIndex(engine, lambda text: compile_rule(text, schema), holdout_of)


def main() -> None:
    """Serve the store named by the environment (the child process of ``served``)."""
    from fanzha.delivery.api import create_app, serve
    from fanzha.delivery.keys import KeyRing
    from fanzha.delivery.store import init_db, open_engine

    engine = open_engine(os.environ["FANZHA_TEST_SERVE_DB"])
    init_db(engine)
    app = create_app(
        engine,
        token_keys=KeyRing.parse("FANZHA_SECRET", os.environ["FANZHA_SECRET"]),
        backend_keys=KeyRing.parse("FANZHA_BACKEND_KEY", os.environ["FANZHA_BACKEND_KEY"]),
        webhook_keys=KeyRing.parse("FANZHA_WEBHOOK_SECRET", os.environ["FANZHA_WEBHOOK_SECRET"]),
        media_dir=Path(os.environ["FANZHA_TEST_SERVE_MEDIA"]),
        feed_ttl=timedelta(days=30),
        risk_index=_risk_index(engine),
    )
    serve(app, "127.0.0.1", int(os.environ["FANZHA_TEST_SERVE_PORT"]))


if __name__ == "__main__":
    main()
