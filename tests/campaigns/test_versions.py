"""A new campaign version never loses a message (issue 11 #5), on both store backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from fanzha.campaigns import runner, triggers
from fanzha.campaigns.workspace import Workspace
from sqlalchemy import text

from tests.campaigns.conftest import START

KEY = ["customer_id", "wave", "channel"]


def frame(ws: Workspace, sql: str) -> pd.DataFrame:
    with ws.engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


def rename(path: Path, name: str) -> None:
    source = path.read_text(encoding="utf-8")
    old = next(line for line in source.splitlines() if line.startswith("name:"))
    path.write_text(source.replace(old, f"name: {name}"), encoding="utf-8")


@pytest.mark.slow  # whole runs on thousands of customers (the store property runs in CI)
def test_renaming_after_an_undispatched_week_keeps_every_due_message_once(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    first = runner.run_campaign(ws, campaign_file, customers_file, START)
    assert first.inserted > 0
    later = START + timedelta(days=5)  # nothing dispatched meanwhile: a backlog is overdue
    before = frame(ws, "SELECT id, customer_id, wave, channel, due_at, state FROM messages")
    overdue = before[pd.to_datetime(before["due_at"], utc=True) < later]
    assert len(overdue) > 0 and set(before["state"]) == {"pending"}

    rename(campaign_file, "2027 春季新市民反诈宣传（改名）")
    second = runner.run_campaign(ws, campaign_file, customers_file, later)
    assert second.new_version and second.version != first.version
    assert second.superseded == first.inserted == second.replaced

    after = frame(ws, "SELECT id, version, customer_id, wave, channel, state FROM messages")
    live = after[after["state"] != "superseded"]
    # Every message the first run enqueued still has exactly one live successor...
    assert not live.duplicated(KEY).any()
    owed = before[KEY].merge(live[KEY], on=KEY, how="left", indicator=True)
    assert (owed["_merge"] == "both").all()
    # ...the overdue backlog included, under the new version and still pending.
    backlog = overdue[KEY].merge(live, on=KEY)
    assert len(backlog) == len(overdue)
    assert set(backlog["version"]) == {second.version} and set(backlog["state"]) == {"pending"}
    # Nothing was deleted: the old rows are there, superseded, each with its event.
    old = after[after["version"] == first.version]
    assert len(old) == len(before) and set(old["state"]) == {"superseded"}
    events = frame(ws, "SELECT message_id, kind, detail FROM delivery_events")
    marked = events[events["kind"] == "superseded"]
    assert sorted(marked["message_id"]) == sorted(old["id"])
    assert marked["detail"].str.contains(second.version).all()

    # The same new version again adds nothing; the old file again brings its messages back.
    again = runner.run_campaign(ws, campaign_file, customers_file, later)
    assert not again.new_version and again.inserted == 0 and again.superseded == 0
    rename(campaign_file, "2027 春季新市民反诈宣传")
    back = runner.run_campaign(ws, campaign_file, customers_file, later)
    assert back.version == first.version and back.new_version
    final = frame(ws, "SELECT customer_id, wave, channel, version, state FROM messages")
    live = final[final["state"] != "superseded"]
    assert not live.duplicated(KEY).any()
    assert (
        before[KEY].merge(live[KEY], on=KEY, how="left", indicator=True)["_merge"] == "both"
    ).all()
    assert set(live["version"]) == {first.version}


def test_a_new_version_keeps_trigger_messages_and_tried_messages(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    from fanzha.delivery import record_event

    runner.run_campaign(ws, campaign_file, customers_file, START)
    customer = frame(
        ws,
        "SELECT customer_id FROM assignments WHERE eligible AND NOT holdout AND segment <> '' "
        "ORDER BY customer_id LIMIT 1",
    )["customer_id"].item()
    at = START + timedelta(days=1, hours=11)
    record_event(
        ws.engine,
        event_id="loan-9",
        customer_id=customer,
        kind="first_loan",
        occurred_at=at,
        now=at,
    )
    # the notice (push and feed) and, five days on, the cooling-off reminder (push and feed)
    assert triggers.process_events(ws, at).messages == 4
    # One message was tried once and is waiting for a retry: a gateway may have seen its id.
    with ws.engine.begin() as conn:
        tried = conn.execute(
            text("SELECT id FROM messages WHERE wave NOT LIKE 'event:%' ORDER BY id LIMIT 1")
        ).scalar()
        conn.execute(text("UPDATE messages SET attempts = 1 WHERE id = :i"), {"i": tried})

    rename(campaign_file, "another name")
    second = runner.run_campaign(ws, campaign_file, customers_file, at)
    rows = frame(ws, "SELECT id, version, wave, state FROM messages")
    notices = rows[rows["wave"] == "event:loan-9"]
    assert len(notices) == 2 and set(notices["state"]) == {"pending"}
    assert second.version not in set(notices["version"])
    reminders = rows[rows["wave"].str.endswith(":loan-9") & (rows["wave"] != "event:loan-9")]
    assert len(reminders) == 2 and set(reminders["state"]) == {"pending"}
    assert rows.loc[rows["id"] == tried, "state"].item() == "pending"


def test_a_run_with_no_usable_customers_changes_nothing(
    ws: Workspace, campaign_file: Path, customers_file: Path, tmp_path: Path
) -> None:
    from fanzha.campaigns.errors import InputError

    first = runner.run_campaign(ws, campaign_file, customers_file, START)
    empty = tmp_path / "empty.parquet"
    pd.read_parquet(customers_file).iloc[:0].to_parquet(empty)
    rename(campaign_file, "a new name")
    with pytest.raises(InputError, match="no usable customer rows: nothing was run"):
        runner.run_campaign(ws, campaign_file, empty, START)
    states = frame(ws, "SELECT state, COUNT(*) AS n FROM messages GROUP BY state")
    assert states.set_index("state")["n"].to_dict() == {"pending": first.inserted}
    assert frame(ws, "SELECT COUNT(*) AS n FROM assignments")["n"].item() == 3000
