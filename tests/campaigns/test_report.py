"""``fanzha report``: funnel numbers agree with the store; uplift CSV and HTML open in a browser."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from fanzha.campaigns import dispatching, runner
from fanzha.campaigns.errors import CampaignNotFound
from fanzha.campaigns.report import write_report
from fanzha.campaigns.workspace import Workspace
from sqlalchemy import text

from tests.campaigns.conftest import START

pytestmark = pytest.mark.slow  # a run, a dispatch and a report


def test_report_funnel_and_uplift(
    ws: Workspace, campaign_file: Path, customers_file: Path, tmp_path: Path
) -> None:
    from fanzha.delivery import FakeGateway

    runner.run_campaign(ws, campaign_file, customers_file, START)
    with FakeGateway() as gateway:
        adapter = dispatching.push_adapter(Workspace(ws.settings.replace(gateway_url=gateway.url)))
        dispatching.drain(ws, START + timedelta(days=7), adapter)
    with ws.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE feed_items SET read_at = created_at WHERE customer_id IN (SELECT customer_id FROM feed_items ORDER BY customer_id LIMIT 10)"
            )
        )
        arms = pd.read_sql(
            text("SELECT customer_id, holdout FROM assignments WHERE eligible AND segment <> ''"),
            conn,
        )
    # Outcomes: every 4th contacted customer and every 8th held-out one reported a scam.
    contacted = arms.loc[~arms["holdout"].astype(bool), "customer_id"].sort_values().iloc[::4]
    held = arms.loc[arms["holdout"].astype(bool), "customer_id"].sort_values().iloc[::8]
    outcomes = tmp_path / "outcomes.csv"
    pd.DataFrame({"customer_id": [*contacted, *held], "outcome": "scam_report"}).to_csv(
        outcomes, index=False
    )

    index = write_report(ws, "spring-2027-new-citizens", outcomes, tmp_path / "report")
    funnel = pd.read_csv(tmp_path / "report" / "funnel.csv")
    with ws.engine.connect() as conn:
        delivered = conn.execute(
            text("SELECT COUNT(*) FROM messages WHERE channel = 'push' AND state = 'delivered'")
        ).scalar()
    assert funnel["delivered"].sum() == delivered > 0
    # Read from the messages: delivered ones have no delivery event of their own.
    with ws.engine.connect() as conn:
        kinds = {r[0] for r in conn.execute(text("SELECT DISTINCT kind FROM delivery_events"))}
    assert "delivered" not in kinds
    assert funnel["read"].sum() >= 1
    uplift = pd.read_csv(tmp_path / "report" / "uplift.csv")
    assert set(uplift["segment"]) == {"elderly", "founders", "young_workers"}
    assert uplift["k_contacted"].sum() == len(contacted)
    assert uplift["k_holdout"].sum() == len(held)
    assert (uplift["n_holdout"] > 0).all()
    assert (uplift["ci_low"] <= uplift["difference"]).all() and (
        uplift["difference"] <= uplift["ci_high"]
    ).all()
    page = index.read_text(encoding="utf-8")
    assert "<html lang='zh-CN'>" in page and "2027 春季新市民反诈宣传" in page
    # the legacy outcomes are secondary: the pre-declared primary outcome has none
    assert "次要结局" in page and "scam_report" in page

    from tests.campaigns.test_browser import open_page

    if ws.settings.db_url.startswith("sqlite"):
        total, loaded, errors = open_page(index, tmp_path / "report.png")
        assert total == loaded >= 3 and errors == []


def test_report_of_unknown_campaign_is_a_clear_error(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(CampaignNotFound, match="no campaign"):
        write_report(ws, "no-such-campaign", None, tmp_path)


def test_bad_outcomes_file_names_its_line(tmp_path: Path) -> None:
    from fanzha.campaigns.errors import CampaignFileError
    from fanzha.campaigns.report import read_outcomes

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("customer,result\nC1,scam_report\n", encoding="utf-8")
    with pytest.raises(CampaignFileError, match="missing column"):
        read_outcomes(wrong)
    blank = tmp_path / "blank.csv"
    blank.write_text("customer_id,outcome\nC1,scam_report\nC2,\n", encoding="utf-8")
    with pytest.raises(CampaignFileError) as info:
        read_outcomes(blank)
    assert (info.value.problems[0].line, info.value.problems[0].message) == (
        3,
        "empty customer_id or outcome",
    )


@pytest.mark.slow  # a run and two reports
def test_report_speaks_the_campaigns_language_and_answers_did_it_work(
    ws: Workspace, campaign_file: Path, customers_file: Path, tmp_path: Path
) -> None:
    from fanzha.campaigns.outcomes import import_outcomes

    runner.run_campaign(ws, campaign_file, customers_file, START)
    bare = write_report(ws, "spring-2027-new-citizens", None, tmp_path / "bare")
    page = bare.read_text(encoding="utf-8")
    assert "<html lang='zh-CN'>" in page and "<h1>2027 春季新市民反诈宣传</h1>" in page
    assert "客户漏斗（按人计）" in page and "消息漏斗（按条计）" in page
    assert "尚无结局数据" in page and "fanzha outcomes import FILE" in page
    customers = pd.read_csv(tmp_path / "bare" / "customers.csv")
    # people and messages are counted apart: no stage of customers exceeds the one before
    assert (customers["contacted"] + customers["held_out"] == customers["eligible"]).all()
    assert (customers["scheduled"] <= customers["contacted"]).all()
    with ws.engine.connect() as conn:
        groups = pd.read_sql(
            text(
                "SELECT customer_id, segment, holdout FROM assignments WHERE eligible AND segment <> ''"
            ),
            conn,
        )
    assert customers["eligible"].sum() == len(groups)

    # Outcomes: held-out customers report fraud three times as often; a pre-period row each.
    held = groups["holdout"].astype(bool)
    ids = groups["customer_id"].sort_values()
    reported = [*ids[~held.loc[ids.index]].iloc[::20], *ids[held.loc[ids.index]].iloc[::7]]
    rows = [(c, "2027-03-10", "fraud_reported", "是") for c in reported]
    rows += [(c, "2027-01-05", "fraud_reported", "1") for c in ids.iloc[::5]]
    rows += [(c, "2027-03-12", "complaint", "true") for c in ids.iloc[::97]]
    path = tmp_path / "outcomes.csv"
    pd.DataFrame(rows, columns=["customer_id", "date", "metric", "value"]).to_csv(path, index=False)
    assert import_outcomes(ws, path).rejected == 0

    index = write_report(ws, "spring-2027-new-citizens", None, tmp_path / "full")
    page = index.read_text(encoding="utf-8")
    for heading in (
        "样本比例检查（SRM）",
        "主要结局（意向性分析）",
        "CUPED 调整",
        "分客群效果（Benjamini–Hochberg 校正）",
        "最小可检测效应与功效",
        "护栏指标",
        "实验: story-test-elderly",
        "权重变更记录",
    ):
        assert heading in page, heading
    assert "随时有效区间（mSPRT" in page and "<span class='tag'>随时有效</span>" in page
    # the statistics' method names are in the campaign's language too
    from fanzha.campaigns.report_labels import METHODS_ZH

    assert "Newcombe 混合得分区间（1998，方法 10）" in page
    assert not [name for name in METHODS_ZH if name in page]
    # the elderly holdout is a handful of people: the warning says what would suffice
    assert "⚠ elderly：留出组" in page and "才能达到 0.8" in page
    uplift = pd.read_csv(tmp_path / "full" / "uplift.csv")
    primary = uplift[uplift["outcome"] == "fraud_reported"]
    assert primary["k_contacted"].sum() + primary["k_holdout"].sum() == len(reported)
    assert (tmp_path / "full" / "segments.png").stat().st_size > 5_000

    from tests.campaigns.test_browser import open_page

    if ws.settings.db_url.startswith("sqlite"):
        total, loaded, errors = open_page(index, tmp_path / "report.png")
        assert total == loaded >= 4 and errors == []
