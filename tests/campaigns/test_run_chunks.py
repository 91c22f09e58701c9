"""A run in small chunks of customers leaves the store as one chunk of the whole file does."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fanzha.campaigns import runner
from fanzha.campaigns.workspace import Workspace
from sqlalchemy import text

from tests.campaigns.conftest import START

pytestmark = pytest.mark.slow  # four whole runs on each backend

WHOLE = 10**9
# Rows of each table that a run writes, in a stable order (created/updated times are `now`).
TABLES = {
    "messages": "id",
    "assignments": "campaign_id, customer_id",
    "delivery_events": "message_id, kind",
    "campaign_versions": "campaign_id, version",
    "risk_profiles": "campaign_id, customer_id",
    "risk_rulesets": "campaign_id",
}


@pytest.fixture(scope="module", params=["parquet", "csv"])
def customers_with_bad_rows(tmp_path_factory: pytest.TempPathFactory, request: Any) -> Path:
    """1,200 customers in id order, five of them with an age out of range (rejected).

    Parquet is read in chunks; CSV is loaded whole and then cut into chunks.
    """
    from fanzha.segments import generate_customers, write_customers

    frame = generate_customers(1200, seed=5)
    frame.loc[[3, 250, 251, 700, 1199], "age"] = -4
    path = tmp_path_factory.mktemp("chunks") / f"customers.{request.param}"
    write_customers(frame, path)
    return path


@pytest.fixture
def staged(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every chunk a run stages (proof that it ran in chunks)."""
    from fanzha.campaigns.run_stage import Stage

    sizes: list[int] = []
    add = Stage.add

    def counting(self: Stage, picks: pd.DataFrame, assignments: pd.DataFrame) -> None:
        sizes.append(len(assignments))
        add(self, picks, assignments)

    monkeypatch.setattr(Stage, "add", counting)
    return sizes


def contents(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a run writes, table by table (event ids and times left out: serial, now)."""
    out = {}
    with ws.engine.connect() as conn:
        for table, order in TABLES.items():
            frame = pd.read_sql(text(f"SELECT * FROM {table} ORDER BY {order}"), conn)
            frame = frame.drop(columns=[c for c in ("id",) if table == "delivery_events"])
            out[table] = [tuple(map(str, row)) for row in frame.itertuples(index=False)]
    return out


def clear(ws: Workspace) -> None:
    """Empty every table (the runs compared must start from the same store)."""
    from sqlmodel import SQLModel

    with ws.engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


def summary(result: runner.RunResult) -> dict[str, Any]:
    """What the run reports, less what names a temporary path."""
    keep = dict(result.__dict__)
    keep.pop("rejected_path")
    return keep


def two_versions(ws: Workspace, campaign: Path, customers: Path, rows: int) -> list[Any]:
    """Run a version, then a renamed one a day later (it supersedes): results and contents."""
    first = runner.run_campaign(ws, campaign, customers, START, chunk_rows=rows)
    after_first = contents(ws)
    source = campaign.read_text(encoding="utf-8")
    campaign.write_text(source.replace("name: ", "name: v2 ", 1), encoding="utf-8")
    later = START + timedelta(days=1, hours=9)
    second = runner.run_campaign(ws, campaign, customers, later, chunk_rows=rows)
    campaign.write_text(source, encoding="utf-8")
    return [summary(first), after_first, summary(second), contents(ws)]


def test_a_run_in_chunks_stores_what_one_chunk_stores(
    ws: Workspace, campaign_file: Path, customers_with_bad_rows: Path, staged: list[int]
) -> None:
    whole = two_versions(ws, campaign_file, customers_with_bad_rows, WHOLE)
    assert staged == [1195, 1195]  # one chunk per run
    clear(ws)
    staged.clear()
    chunked = two_versions(ws, campaign_file, customers_with_bad_rows, 97)
    assert len(staged) == 2 * 13 and sum(staged) == 2 * 1195  # 97 rows read at a time
    assert whole[0]["counts"]["rejected_rows"] == 5
    assert whole[2]["superseded"] > 0 and whole[3]["delivery_events"]  # the second supersedes
    for part_whole, part_chunked in zip(whole, chunked, strict=True):
        assert part_chunked == part_whole
