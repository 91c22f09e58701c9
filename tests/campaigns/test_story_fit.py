"""The right story for the right reader, over the example campaign (issue 15's done-when)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from fanzha.campaigns import runner
from fanzha.campaigns.demo import example_campaign
from fanzha.campaigns.planner import plan_campaign
from fanzha.campaigns.workspace import Workspace
from ruamel.yaml import YAML

from tests.campaigns.conftest import make_settings

START = datetime(2027, 3, 1, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def workspace(tmp_path: Path, days: int) -> Workspace:
    settings = make_settings(
        db_url=f"sqlite:///{tmp_path / 'fanzha.db'}",
        media_dir=tmp_path / "media",
        horizon=timedelta(days=days),
        render_processes=1,
    )
    return Workspace(settings)


def written_for(ws: Workspace, warning_id: str, variant: str) -> list[str]:
    return ws.library.get(warning_id, "zh-CN").variant(variant).segments


def test_every_listed_warning_has_two_stories_for_its_segment(tmp_path: Path) -> None:
    ws = workspace(tmp_path, 7)
    campaign = ws.campaign(example_campaign())
    for segment in campaign.segments:
        for warning_id in segment.warnings:
            variants = ws.library.get(warning_id, "zh-CN").model.variants
            ours = [v.id for v in variants if segment.id in v.segments]
            assert len(ours) >= 2, (segment.id, warning_id, ours)


@pytest.mark.slow
def test_all_messages_carry_a_story_written_for_the_readers_segment(tmp_path: Path) -> None:
    from fanzha.segments import generate_customers, write_customers

    customers = tmp_path / "customers.parquet"
    write_customers(generate_customers(30_000, seed=7), customers)
    ws = workspace(tmp_path, 14)  # two weeks: four waves or more for every segment
    campaign = ws.campaign(example_campaign())
    _aud, _people, picks = runner.build(ws, campaign, customers, START, use_store=False)
    personal = picks[picks["segment"] != ""]
    assert (personal.groupby("segment")["wave"].nunique() >= 4).all()
    assert set(personal["segment"]) == {"elderly", "founders", "young_workers"}
    stories = personal[["segment", "warning_id", "variant"]].drop_duplicates()
    fits = [
        row.segment in written_for(ws, row.warning_id, row.variant) for row in stories.itertuples()
    ]
    assert all(fits), stories[[not f for f in fits]]
    assert not personal["story_fallback"].any()
    # and readers get more than one story of a warning across the waves
    assert (stories.groupby(["segment", "warning_id"]).size() >= 2).all()


def test_the_plan_says_where_no_story_fits(tmp_path: Path) -> None:
    from fanzha.segments import generate_customers, write_customers

    customers = tmp_path / "customers.parquet"
    write_customers(generate_customers(2_000, seed=3), customers)
    yaml = YAML()
    spec = yaml.load(example_campaign().read_text("utf-8"))
    spec["segments"][1]["warnings"] = ["rental-deposit"]  # no rental story for founders
    campaign_path = tmp_path / "campaign.yaml"
    with campaign_path.open("w", encoding="utf-8") as out:
        yaml.dump(spec, out)
    ws = workspace(tmp_path, 7)
    plan = plan_campaign(ws, campaign_path, customers, START)
    assert set(plan.story_fallbacks) == {"founders / rental-deposit"}
    founders = sum(i["customers"] for i in plan.content["founders"])
    assert plan.story_fallbacks["founders / rental-deposit"] == founders > 0
    assert (
        f"{founders} sends of founders / rental-deposit carry a story not written for that "
        "segment (none is)"
    ) in plan.render()
    assert pd.Series(plan.to_dict()["story_fallbacks"]).sum() == founders
