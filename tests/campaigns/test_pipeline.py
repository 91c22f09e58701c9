"""fanzha run / plan / triggers on both store backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from fanzha.campaigns import dispatching, planner, runner, triggers
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import Workspace
from sqlalchemy import text

from tests.campaigns.conftest import START

pytestmark = pytest.mark.slow  # whole runs on thousands of customers


def message_frame(ws: Workspace) -> pd.DataFrame:
    with ws.engine.connect() as conn:
        return pd.read_sql(text("SELECT * FROM messages"), conn)


def test_run_twice_adds_nothing(ws: Workspace, campaign_file: Path, customers_file: Path) -> None:
    first = runner.run_campaign(ws, campaign_file, customers_file, START)
    assert first.new_version and first.inserted > 0
    assert first.inserted == first.messages
    again = runner.run_campaign(ws, campaign_file, customers_file, START)
    assert not again.new_version
    assert again.inserted == 0 and again.skipped == first.messages
    assert len(message_frame(ws)) == first.inserted


def test_holdout_and_ineligible_customers_are_never_contacted(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    runner.run_campaign(ws, campaign_file, customers_file, START)
    with ws.engine.connect() as conn:
        a = pd.read_sql(
            text("SELECT customer_id, holdout, eligible, segment FROM assignments"), conn
        )
    contacted = set(message_frame(ws)["customer_id"])
    held = set(a.loc[a["holdout"].astype(bool), "customer_id"])
    ineligible = set(a.loc[~a["eligible"].astype(bool), "customer_id"])
    assert held and ineligible
    assert not contacted & held
    assert not contacted & ineligible


def test_sends_fall_outside_quiet_hours_in_local_time(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    runner.run_campaign(ws, campaign_file, customers_file, START)
    with ws.engine.connect() as conn:
        rows = pd.read_sql(
            text(
                "SELECT m.due_at, a.timezone FROM messages m JOIN assignments a ON a.customer_id = m.customer_id WHERE m.channel = 'push'"
            ),
            conn,
        )
    assert len(rows) > 0
    for zone, group in rows.groupby("timezone"):
        local = pd.to_datetime(group["due_at"], utc=True).dt.tz_convert(zone)
        minutes = local.dt.hour * 60 + local.dt.minute
        assert not ((minutes >= 21 * 60 + 30) | (minutes < 8 * 60)).any(), zone


def test_changed_file_is_a_new_version_replacing_pending_messages(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    first = runner.run_campaign(ws, campaign_file, customers_file, START)
    campaign_file.write_text(
        campaign_file.read_text(encoding="utf-8").replace('at: "09:30"', 'at: "10:00"'),
        encoding="utf-8",
    )
    second = runner.run_campaign(ws, campaign_file, customers_file, START)
    assert second.new_version and second.version != first.version
    assert second.superseded == first.inserted == second.replaced
    frame = message_frame(ws)
    live = frame[frame["state"] != "superseded"]
    assert set(live["version"]) == {second.version}
    assert set(frame.loc[frame["state"] == "superseded", "version"]) == {first.version}
    elderly = live[(live["segment"] == "elderly") & (live["channel"] == "push")]
    local = pd.to_datetime(elderly["due_at"], utc=True).dt.tz_convert("Asia/Shanghai")
    assert (local.dt.strftime("%H:%M") >= "10:00").all()


def test_plan_counts_and_touches_nothing(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    plan = planner.plan_campaign(ws, campaign_file, customers_file, START)
    data = plan.to_dict()
    counts = data["counts"]
    assert counts["customers"] == 3000
    assert counts["eligible"] + sum(counts["excluded"].values()) == 3000
    assert set(counts["matched"]) == {"elderly", "founders", "young_workers"}
    assert set(plan.content) == {"elderly", "founders", "young_workers"}
    assert plan.first_sends["elderly"].startswith("Tue 2027-03-02 09:30")
    assert plan.pushes > 0 and plan.cap_suppressed >= 0
    with ws.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM messages")).scalar() == 0
    assert "dry run" in plan.render()


def test_first_loan_brings_the_cooling_off_notice_once(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    from fanzha.delivery import FakeGateway, record_event

    runner.run_campaign(ws, campaign_file, customers_file, START)
    with ws.engine.connect() as conn:
        customer = conn.execute(
            text(
                "SELECT customer_id FROM assignments WHERE eligible AND NOT holdout ORDER BY customer_id LIMIT 1"
            )
        ).scalar()
    at = START + timedelta(days=1, hours=11)  # 11:00 local: outside quiet hours
    assert record_event(
        ws.engine,
        event_id="loan-1",
        customer_id=customer,
        kind="first_loan",
        occurred_at=at,
        now=at,
    )
    assert not record_event(
        ws.engine,
        event_id="loan-1",
        customer_id=customer,
        kind="first_loan",
        occurred_at=at,
        now=at,
    )
    result = triggers.process_events(ws, at)
    # push + feed now, and push + feed of the reminder two days before the window closes
    assert result.events == 1 and result.messages == 4
    with FakeGateway() as gateway:
        adapter = dispatching.push_adapter(Workspace(settings=_with_gateway(ws, gateway.url)))
        dispatching.drain(ws, at + timedelta(minutes=11), adapter)
        dispatching.drain(ws, at + timedelta(minutes=30), adapter)
        ids = gateway.accepted_ids()
    frame = message_frame(ws)
    notice = frame[(frame["customer_id"] == customer) & (frame["wave"] == "event:loan-1")]
    assert notice["warning_id"].unique().tolist() == ["loan-cooling-off"]
    assert set(notice["channel"]) == {"push", "feed"}
    push_id = notice.loc[notice["channel"] == "push", "id"].item()
    assert list(ids).count(push_id) == 1
    with ws.engine.connect() as conn:
        feed = conn.execute(
            text(
                "SELECT COUNT(*) FROM feed_items WHERE customer_id = :c AND warning_id = 'loan-cooling-off'"
            ),
            {"c": customer},
        ).scalar()
    assert feed == 1


def _with_gateway(ws: Workspace, url: str) -> Settings:
    return ws.settings.replace(gateway_url=url)


def test_expired_content_is_refused(
    ws: Workspace, campaign_file: Path, customers_file: Path, tmp_path: Path
) -> None:
    import shutil

    from fanzha.campaigns.errors import CampaignFileError
    from fanzha.content import BUNDLED

    library = tmp_path / "library"
    shutil.copytree(BUNDLED, library)
    target = library / "zh-CN" / "credit-repair.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("expires: 2027-12-31", "expires: 2026-12-31"),
        encoding="utf-8",
    )
    local = Workspace(ws.settings.replace(content_paths=(library,)))
    with pytest.raises(CampaignFileError) as info:
        runner.run_campaign(local, campaign_file, customers_file, START)
    assert any("credit-repair" in p.file and "expired" in p.message for p in info.value.problems)
    assert message_frame(local).empty


def test_personalization_opt_out_gets_generic_warnings_and_opt_out_gets_nothing(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    from fanzha.delivery import set_preferences

    runner.run_campaign(ws, campaign_file, customers_file, START)
    frame = message_frame(ws)
    people = sorted(frame.loc[frame["segment"] == "young_workers", "customer_id"].unique())
    generic_one, gone = people[0], people[1]
    set_preferences(
        ws.engine,
        generic_one,
        push_opt_out=False,
        personalization_opt_out=True,
        all_opt_out=False,
        now=START,
    )
    set_preferences(
        ws.engine,
        gone,
        push_opt_out=False,
        personalization_opt_out=False,
        all_opt_out=True,
        now=START,
    )
    frame = message_frame(ws)
    assert set(frame.loc[frame["customer_id"].isin([generic_one, gone]), "state"]) == {"cancelled"}

    later = START + timedelta(days=7)  # the next week's waves
    runner.run_campaign(ws, campaign_file, customers_file, later)
    frame = message_frame(ws)
    fresh = frame[(frame["customer_id"] == generic_one) & (frame["state"] == "pending")]
    assert not fresh.empty
    assert set(fresh["segment"]) == {""}  # not personalized
    assert set(fresh["warning_id"]) <= set(ws.generic_ids(later.date()))
    assert frame[(frame["customer_id"] == gone) & (frame["state"] == "pending")].empty


def test_recall_command_withdraws_a_warning(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    from click.testing import CliRunner
    from fanzha.campaigns.cli import cli

    runner.run_campaign(ws, campaign_file, customers_file, START)
    env = {"FANZHA_DB": ws.settings.db_url}
    result = CliRunner().invoke(
        cli, ["recall", "credit-repair", "--now", "2027-03-01T00:00+08:00"], env=env
    )
    assert result.exit_code == 0, result.output
    frame = message_frame(Workspace(ws.settings))
    recalled = frame[frame["warning_id"] == "credit-repair"]
    assert not recalled.empty and set(recalled["state"]) == {"cancelled"}
    assert "pending" in set(frame.loc[frame["warning_id"] != "credit-repair", "state"])
    typo = CliRunner().invoke(cli, ["recall", "credit-repare"], env=env)
    assert typo.exit_code == 1 and 'did you mean "credit-repair"' in typo.output
