"""The whole risk-prompt path over real HTTP: run, `fanzha serve`, checks, outcomes, report.

Done-when of issue 16: an elderly, a young and a held-out customer are checked against the
served API of a campaign that ran; their outcomes are posted; the report counts them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import requests
from fanzha.campaigns import runner
from fanzha.campaigns.report import write_report
from fanzha.campaigns.workspace import Workspace
from sqlalchemy import text

from tests.campaigns.conftest import START
from tests.campaigns.test_risk_api import KEY, TRANSFER
from tests.conftest import TEST_BANK, TEST_KEYS
from tests.delivery.api_process import free_port


@contextmanager
def fanzha_serve(ws: Workspace, log: Path) -> Iterator[str]:
    """`fanzha serve` as an operator starts it, over the workspace's store and media."""
    port = free_port()
    env = {
        **os.environ,
        **TEST_KEYS,
        **TEST_BANK,
        "FANZHA_DB": ws.settings.db_url,
        "FANZHA_MEDIA_DIR": str(ws.settings.media_dir),
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "fanzha", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "fanzha serve did not start"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def people(ws: Workspace) -> pd.DataFrame:
    with ws.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT customer_id, segment, holdout FROM assignments WHERE eligible")
        ).all()
    return pd.DataFrame(rows, columns=["customer_id", "segment", "holdout"])


def first(frame: pd.DataFrame, segment: str, holdout: bool) -> str:
    match = frame[(frame["segment"] == segment) & (frame["holdout"].astype(bool) == holdout)]
    return str(match["customer_id"].sort_values().iloc[0])


@pytest.mark.slow  # a campaign run, a server and a report over HTTP: ./dev test --all
def test_run_serve_check_outcomes_report(
    ws: Workspace, campaign_file: Path, customers_file: Path, tmp_path: Path
) -> None:
    runner.run_campaign(ws, campaign_file, customers_file, START)
    who = people(ws)
    elderly, young = first(who, "elderly", False), first(who, "young_workers", False)
    held = first(who, "elderly", True)
    with fanzha_serve(ws, tmp_path / "serve.log") as base:

        def check(check_id: str, customer: str) -> dict:  # type: ignore[type-arg]
            body = {"check_id": check_id, "customer_id": customer, **TRANSFER}
            answer = requests.post(f"{base}/v1/risk-check", json=body, headers=KEY, timeout=10)
            assert answer.status_code == 200, answer.text
            return answer.json()  # type: ignore[no-any-return]

        def outcome(check_id: str, **fields: object) -> dict:  # type: ignore[type-arg]
            url = f"{base}/v1/risk-check/{check_id}/outcome"
            answer = requests.post(url, json=fields, headers=KEY, timeout=10)
            assert answer.status_code == 200, answer.text
            return answer.json()  # type: ignore[no-any-return]

        old = check("e2e-1", elderly)
        assert (old["reason"], old["holdout"]) == ("prompt", False)
        assert (old["prompt"]["warning_id"], old["prompt"]["variant"]) == (
            "impersonating-authorities",
            "a",  # the story written for the elderly
        )
        assert (old["prompt"]["pause_seconds"], old["prompt"]["large_text"]) == (30, True)
        image = requests.get(base + old["prompt"]["image_url"], timeout=10)
        assert image.status_code == 200 and image.headers["content-type"] == "image/webp"
        yng = check("e2e-2", young)
        assert (yng["prompt"]["warning_id"], yng["prompt"]["pause_seconds"]) == (
            "fake-investment",
            15,
        )
        out = check("e2e-3", held)
        assert (out["reason"], out["holdout"], out["prompt"]) == ("holdout", True, None)
        assert check("e2e-1", elderly) == old  # idempotent by check_id

        outcome("e2e-1", action="cancelled")
        outcome("e2e-1", transfer="abandoned")
        outcome("e2e-2", action="continued", transfer="completed")
        assert outcome("e2e-2", fraud_reported=True)["action"] == "continued"  # days later
        outcome("e2e-3", transfer="completed", fraud_reported=True)  # held out: the comparison
    index = write_report(ws, "spring-2027-new-citizens", None, tmp_path / "report")
    page = index.read_text(encoding="utf-8")
    assert "交易时的风险提示" in page and "报告被骗" in page  # in the campaign's language
    table = pd.read_csv(tmp_path / "report" / "risk_prompts.csv").set_index(["by", "value"])
    elder = table.loc[("segment", "elderly")]
    assert (elder["checks"], elder["shown"], elder["holdout"]) == (2, 1, 1)
    assert (elder["cancelled_or_called"], elder["abandoned"], elder["fraud_reported"]) == (1, 1, 0)
    assert (elder["holdout_abandoned"], elder["holdout_fraud_reported"]) == (0, 1)
    assert elder["abandoned_difference"] == pytest.approx(1.0)
    youth = table.loc[("segment", "young_workers")]
    assert (youth["shown"], youth["abandoned"], youth["fraud_reported"]) == (1, 0, 1)
    everyone = table.loc[("all", "all")]
    assert (everyone["checks"], everyone["shown"], everyone["holdout"]) == (3, 2, 1)
    rules = table.loc["rule"]
    assert rules["shown"].sum() == 2 and rules["holdout"].sum() == 1
