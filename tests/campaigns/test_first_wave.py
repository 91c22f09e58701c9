"""When nothing is due, plan and run say what the first send is and when (issue 13)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fanzha.campaigns import planner
from fanzha.campaigns.demo import example_campaign
from fanzha.campaigns.workspace import Workspace

from tests.campaigns.conftest import make_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def small_customers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fanzha.segments import generate_customers, write_customers

    path = tmp_path_factory.mktemp("few") / "customers.parquet"
    write_customers(generate_customers(300, seed=5), path)
    return path


@pytest.fixture
def plain_ws(tmp_path: Path) -> Workspace:
    return Workspace(make_settings(db_url=f"sqlite:///{tmp_path / 'none.db'}"))


def plan_at(ws: Workspace, customers: Path, when: datetime) -> planner.Plan:
    return planner.plan_campaign(ws, example_campaign(), customers, when)


def test_before_the_start_the_plan_names_the_first_wave_and_when_to_run(
    plain_ws: Workspace, small_customers: Path
) -> None:
    plan = plan_at(plain_ws, small_customers, datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))
    text = plan.render()
    assert "Traceback" not in text and plan.pushes == 0
    # The example's first send is the founders' Monday 12:15, in the campaign's zone.
    assert "first wave 2027-03-01 12:15 Asia/Shanghai (segment founders)" in text
    assert "nothing due before 2026-12-07 10:00 Asia/Shanghai (the 7-day horizon" in text
    assert "plan again from 2027-02-22 12:15 Asia/Shanghai on, or give --now" in text
    assert plan.to_dict()["nothing_due"].startswith("first wave 2027-03-01 12:15")


def test_after_the_end_the_plan_says_the_campaign_ended(
    plain_ws: Workspace, small_customers: Path
) -> None:
    plan = plan_at(plain_ws, small_customers, datetime(2027, 6, 1, 9, 0, tzinfo=SHANGHAI))
    assert plan.nothing_due == "nothing due: the campaign ended on 2027-04-30"


def test_a_week_with_sends_has_no_nothing_due_line(
    plain_ws: Workspace, small_customers: Path
) -> None:
    plan = plan_at(plain_ws, small_customers, datetime(2027, 3, 1, 8, 0, tzinfo=SHANGHAI))
    assert plan.pushes > 0 and plan.nothing_due == ""
