"""Schemathesis, every check, against the feed API as a real server process, on both backends.

Issue 11 #17: ``schemathesis run --checks all`` (the current 4.x CLI) found a number taken as a
date-time, a status the schema did not document and an ``Allow`` header missing a method.
The run covers every phase (examples, coverage, fuzzing, stateful) with fixed seeds; its
output is shown when it fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fanzha.delivery.api import mint_token
from fanzha.delivery.store import init_db, open_engine

from tests.conftest import backend_url
from tests.delivery.api_process import served
from tests.delivery.feed_fixtures import BACKEND_KEY, T0, TOKEN_KEYS, add_feed_item, write_image
from tests.delivery.risk_fixtures import seed_risk_ruleset

ME = "C000000001"


def _schemathesis() -> str:
    beside = Path(sys.executable).with_name("schemathesis")
    found = str(beside) if beside.exists() else shutil.which("schemathesis")
    if not found:
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    return found


@pytest.fixture(
    params=[
        "sqlite",  # in CI on both backends, as the contract issue asks
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from backend_url(request.param, tmp_path)


def test_schemathesis_all_checks_pass_against_the_live_server(
    store_url: str, tmp_path: Path
) -> None:
    engine = open_engine(store_url)
    init_db(engine)
    media = tmp_path / "media"
    media.mkdir()
    key = write_image(media, (10, 120, 200), "card")
    for n in range(5):
        add_feed_item(engine, ME, n, created_at=T0 - timedelta(minutes=n), image_key=key)
    seed_risk_ruleset(engine, key)
    engine.dispose()
    token = mint_token(ME, TOKEN_KEYS, timedelta(days=1), now=T0)
    with served(store_url, media, tmp_path / "server.log") as base:
        run = subprocess.run(
            [
                _schemathesis(),
                "run",
                f"{base}/openapi.json",
                "--checks",
                "all",
                "-H",
                f"Authorization: Bearer {token}",
                "-H",
                f"X-Backend-Key: {BACKEND_KEY}",
                "--max-examples",
                "20",  # per operation and phase; 40 doubled the time and found nothing more
                "--seed",
                "2027",
                # One worker: with threads, CPython 3.11.7's ast module fails at random
                # ("AST constructor recursion depth mismatch", fixed in 3.11.8) inside
                # Schemathesis's coverage phase, a runtime error that is not the API's.
                "--workers",
                "1",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=600,
        )
        health = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import requests; print(requests.get('{base}/healthz').status_code)",
            ],
            capture_output=True,
            text=True,
        )
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
    assert "Operations:       11 selected / 11 total" in run.stdout  # every operation was tested
    assert health.stdout.strip() == "200"  # still healthy after the fuzzing
