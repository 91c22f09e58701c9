"""The whole path through real processes: fanzha run, a fake gateway, dispatch, serve, token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from fanzha.campaigns.demo import example_campaign

from tests.conftest import TEST_BANK, TEST_KEYS

pytestmark = pytest.mark.slow  # real processes, thousands of customers

FANZHA = [sys.executable, "-m", "fanzha"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def fanzha(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FANZHA, *args], env=env, capture_output=True, text=True, timeout=300)


def test_run_dispatch_serve_through_processes(
    tmp_path: Path, customers_file: Path, media_dir: Path
) -> None:
    gw_port, api_port = free_port(), free_port()
    env = {
        **os.environ,
        "FANZHA_DB": f"sqlite:///{tmp_path / 'store.db'}",
        "FANZHA_MEDIA_DIR": str(media_dir),  # the session's render cache: content-addressed
        "FANZHA_GATEWAY_URL": f"http://127.0.0.1:{gw_port}/",
        **TEST_KEYS,
        **TEST_BANK,
    }
    gateway = subprocess.Popen(
        [*FANZHA, "gateway", "fake", "--port", str(gw_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = None
    try:
        wait_http(f"http://127.0.0.1:{gw_port}/_ids")
        store = fanzha(["db", "upgrade"], env)
        assert store.returncode == 0, store.stderr
        ran = fanzha(
            [
                "run",
                str(example_campaign()),
                "--customers",
                str(customers_file),
                "--now",
                "2027-03-01T00:00+08:00",
            ],
            env,
        )
        assert ran.returncode == 0, ran.stderr
        assert "enqueued" in ran.stdout
        sent = fanzha(
            ["dispatch", "--once", "--now", "2027-03-01T13:00+08:00"], env
        )  # after the 12:15 founders wave
        assert sent.returncode == 0, sent.stderr
        assert "delivered" in sent.stdout
        from fanzha.delivery import gateway_ids

        accepted = gateway_ids(f"http://127.0.0.1:{gw_port}/")
        assert len(accepted) > 0 and len(accepted) == len(set(accepted))

        server = subprocess.Popen(
            [*FANZHA, "serve", "--port", str(api_port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_http(f"http://127.0.0.1:{api_port}/healthz")
        import sqlite3

        with sqlite3.connect(tmp_path / "store.db") as conn:
            customer = conn.execute("SELECT customer_id FROM feed_items LIMIT 1").fetchone()[0]
        token = fanzha(["token", customer], env)
        assert token.returncode == 0 and token.stdout.count("\n") == 1
        feed = requests.get(
            f"http://127.0.0.1:{api_port}/v1/feed",
            headers={"Authorization": f"Bearer {token.stdout.strip()}"},
            timeout=10,
        )
        assert feed.status_code == 200
        body = feed.json()
        assert body["unread"] >= 1 and body["items"]
        image = requests.get(
            f"http://127.0.0.1:{api_port}{body['items'][0]['image_url']}", timeout=10
        )
        assert image.status_code == 200 and image.headers["content-type"].startswith("image/")
        anonymous = requests.get(f"http://127.0.0.1:{api_port}/v1/feed", timeout=10)
        assert anonymous.status_code == 401
    finally:
        for proc in (gateway, server):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)


def test_dispatch_without_a_gateway_delivers_the_feed_and_exits_0(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FANZHA_GATEWAY_URL"}
    env.update(TEST_KEYS, FANZHA_DB=f"sqlite:///{tmp_path / 'x.db'}")
    assert fanzha(["db", "upgrade"], env).returncode == 0
    result = fanzha(["dispatch", "--once"], env)
    assert result.returncode == 0, result.stderr
    assert "FANZHA_GATEWAY_URL" not in result.stderr  # no push waits, so nothing to warn of
    assert "Traceback" not in result.stderr
