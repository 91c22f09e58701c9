"""Two `fanzha run` of one campaign at once on PostgreSQL take turns (issue 11 #11)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.campaigns.demo import example_campaign
from fanzha.delivery import open_engine
from fanzha.delivery.campaign_store import VersionRecord, _lock, commit_version
from fanzha.delivery.migrate import upgrade

from tests.conftest import TEST_BANK, TEST_KEYS
from tests.delivery.helpers import T0, messages

pytestmark = pytest.mark.postgres

FANZHA = str(Path(sys.executable).with_name("fanzha"))
NOW = "2027-03-01T00:00+08:00"


def _env(db_url: str, media: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FANZHA_")}
    return {
        **env,
        **TEST_KEYS,
        **TEST_BANK,
        "FANZHA_DB": db_url,
        "FANZHA_MEDIA_DIR": str(media),
        "FANZHA_RENDER_PROCESSES": "1",
    }


@pytest.mark.slow  # two whole runs racing (the lock test below stays in CI)
def test_two_concurrent_runs_both_succeed_and_the_second_finds_everything_there(
    pg_url: str, tmp_path: Path, media_dir: Path
) -> None:
    from fanzha.segments import generate_customers, write_customers

    customers = tmp_path / "customers.parquet"
    write_customers(generate_customers(400, seed=3), customers)
    env = _env(pg_url, media_dir)  # the session's warm render cache
    subprocess.run([FANZHA, "db", "upgrade"], env=env, check=True, capture_output=True)
    command = [FANZHA, "run", str(example_campaign()), "--customers", str(customers), "--now", NOW]
    procs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    lines = sorted(
        next(line for line in out.splitlines() if line.startswith("messages built"))
        for out, _ in outputs
    )
    built = int(lines[0].split()[2].rstrip(":"))
    assert built > 0
    # One run enqueued everything; the other found every message already there.
    assert f"enqueued 0, already there {built} (this version ran before" in lines[0]
    assert f"enqueued {built}, already there 0" in lines[1]
    engine = open_engine(pg_url)
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT COUNT(*) FROM messages")).scalar()
        versions = conn.execute(sa.text("SELECT COUNT(*) FROM campaign_versions")).scalar()
    engine.dispose()
    assert (total, versions) == (built, 1)


def test_a_run_waits_for_the_campaign_lock_another_run_holds(pg_url: str) -> None:
    engine = open_engine(pg_url)
    upgrade(engine)
    record = VersionRecord("c1", "v1", "name", "source")
    rows = messages(50)
    assignments = pd.DataFrame(
        {
            "campaign_id": "c1",
            "customer_id": rows["customer_id"],
            "version": "v1",
            "segment": "s",
            "holdout": False,
            "eligible": True,
            "reason": "matched:s",
            "locale": "zh-CN",
            "timezone": "Asia/Shanghai",
        }
    )
    results = []
    holder = engine.connect()
    holder.begin()
    _lock(holder, "c1")  # a run of campaign c1 is under way
    waiter = threading.Thread(
        target=lambda: results.append(commit_version(engine, record, rows, assignments, now=T0))
    )
    waiter.start()
    try:
        # The second run is seen waiting on the advisory lock, not failing or writing.
        for _ in range(200):
            with engine.connect() as conn:
                waiting = conn.execute(
                    sa.text(
                        "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    )
                ).scalar()
            if waiting:
                break
            time.sleep(0.05)
        assert waiting == 1 and not results
    finally:
        holder.rollback()
        holder.close()
    waiter.join(timeout=60)
    assert results and results[0].inserted == 50 and results[0].new_version
    again = commit_version(engine, record, rows, assignments, now=T0)
    assert (again.new_version, again.inserted, again.skipped) == (False, 0, 50)
    engine.dispose()
