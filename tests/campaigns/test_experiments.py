"""Experiments in campaign files, arms on messages, the global control group, outcomes import."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fanzha.campaigns import runner
from fanzha.campaigns.cross_checks import LoadContext
from fanzha.campaigns.errors import CampaignFileError
from fanzha.campaigns.loader import load_campaign_text
from fanzha.campaigns.workspace import Workspace
from sqlalchemy import text

from tests.campaigns.conftest import START

BASE = """\
campaign: x
name: x
starts: 2027-03-01
ends: 2027-04-30
segments:
  - id: elderly
    label: e
    rule: age >= 55
    warnings: [impersonating-bank]
    send: {days: [tue], at: "09:30"}
"""


def _problems(extra: str) -> list[tuple[int, int, str]]:
    with pytest.raises(CampaignFileError) as err:
        load_campaign_text(BASE + extra, "c.yaml", LoadContext())
    return [(p.line, p.column, p.message) for p in err.value.problems]


def test_experiment_mistakes_are_reported_at_their_line_and_column() -> None:
    found = _problems(
        "experiments:\n"
        "  - id: t1\n"
        "    segment: eldery\n"
        "    arms: {a: 50%, b: 40%}\n"
        "    metric: raed\n"
        "    flor: 10%\n"
    )
    assert found == [
        (13, 14, 'the experiment names unknown segment "eldery" (did you mean "elderly"?)'),
        (14, 11, "the arms' shares add up to 90%, not 100%"),
        (
            15,
            13,
            'unknown metric "raed"; expected risk_prompt_cancel, read, fraud_reported or '
            'custom:<column> (did you mean "read"?)',
        ),
        (16, 5, 'unknown key "flor" (did you mean "floor"?)'),
    ]


def test_a_bandit_without_a_margin_is_refused() -> None:
    found = _problems(
        "experiments:\n  - id: t1\n    segment: elderly\n    arms: {a: 50%, b: 50%}\n"
        "    metric: read\n    mode: bandit\n"
    )
    assert len(found) == 1 and 'a bandit needs "margin" > 0' in found[0][2]


def test_experiment_and_outcome_reach_the_campaign() -> None:
    campaign = load_campaign_text(
        BASE
        + "outcome: {primary: 'custom:cancelled', window: 4w, base_rate: 0.1%}\n"
        + "experiments:\n  - id: t1\n    segment: elderly\n    arms: {a: 70%, b: 30%}\n"
        + "    metric: fraud_reported\n    mode: bandit\n    margin: 0.5%\n",
        "c.yaml",
        LoadContext(),
    )
    (exp,) = campaign.experiments
    assert exp.arms == (("a", 0.7), ("b", 0.3))
    assert exp.margin == pytest.approx(0.005) and exp.floor == pytest.approx(0.1)
    assert exp.higher_is_better is False  # fewer fraud reports is the better arm
    assert campaign.outcome.primary == "custom:cancelled"
    assert campaign.outcome.window.days == 28 and campaign.outcome.base_rate == pytest.approx(0.001)


@pytest.mark.slow  # a run renders cards
def test_run_records_the_arm_on_every_message_and_keeps_the_control_group_out(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    control_ws = Workspace(ws.settings.replace(control_pct=10.0))
    runner.run_campaign(control_ws, campaign_file, customers_file, START)
    with ws.engine.connect() as conn:
        msgs = pd.read_sql(
            text("SELECT customer_id, segment, warning_id, experiment_id, arm FROM messages"), conn
        )
        assigned = pd.read_sql(
            text("SELECT customer_id, holdout, eligible, reason FROM assignments"), conn
        )
    elderly = msgs[msgs["segment"] == "elderly"]
    assert len(elderly) > 0
    assert (elderly["experiment_id"] == "story-test-elderly").all()
    # story arms: each arm's customers get that arm's warning only
    assert (elderly["warning_id"] == elderly["arm"]).all()
    assert set(elderly["arm"]) == {"impersonating-authorities", "impersonating-bank"}
    assert (msgs.loc[msgs["segment"] != "elderly", "arm"] == "").all()
    # one arm per customer
    assert elderly.groupby("customer_id")["arm"].nunique().max() == 1
    # global control: ineligible with its reason, no message, never in a holdout
    members = assigned[assigned["reason"] == "global_control"]
    eligible = assigned[assigned["eligible"].astype(bool)]
    assert 0.07 < len(members) / (len(members) + len(eligible)) < 0.13
    assert not members["holdout"].astype(bool).any()
    assert not set(members["customer_id"]) & set(msgs["customer_id"])
    assert 0.02 < eligible["holdout"].astype(bool).mean() < 0.08  # 5% of the non-members


@pytest.mark.slow  # plans the example campaign
def test_plan_prints_each_arms_sample_and_each_segments_mde(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> None:
    from fanzha.campaigns.planner import plan_campaign

    plan = plan_campaign(ws, campaign_file, customers_file, START)
    arms = {a["arm"]: a["customers"] for a in plan.design["arms"]}  # type: ignore[index]
    assert set(arms) == {"impersonating-authorities", "impersonating-bank"}
    contacted_elderly = plan.counts["matched"]["elderly"]  # type: ignore[index]
    assert sum(arms.values()) == contacted_elderly
    rows = {s["segment"]: s for s in plan.design["segments"]}  # type: ignore[index]
    assert set(rows) == {"elderly", "founders", "young_workers"}
    # 0.5% base rate, 5% holdout, a 20% drop: these few thousand customers cannot see it,
    # and the plan says how many would be needed
    assert rows["elderly"]["customers_needed"] > 100_000
    shown = plan.render()
    assert "impersonating-bank" in shown and "customers needed at this holdout" in shown


def test_outcomes_import_is_idempotent_reads_yes_no_and_sets_bad_rows_aside(
    ws: Workspace, tmp_path: Path
) -> None:
    from fanzha.campaigns.outcomes import import_outcomes
    from fanzha.delivery.experiments import read_outcomes

    path = tmp_path / "outcomes.csv"
    path.write_text(
        "customer_id,date,metric,value\n"
        "C1,2027-03-05,fraud_reported,1\n"
        "C2,2027-03-05,fraud_reported,是\n"
        "C3,2027-03-05,fraud_reported,否\n"
        "C4,2027-03-06,read,true\n"
        "C5,2027-02-30,fraud_reported,1\n"
        "C6,2027-03-05,fraud_reported,maybe\n"
        "C1,2027-03-05,fraud_reported,0\n",
        encoding="utf-8",
    )
    first = import_outcomes(ws, path)
    assert (first.inserted, first.existing, first.rejected) == (4, 0, 3)
    again = import_outcomes(ws, path)
    assert (again.inserted, again.existing) == (0, 4)
    stored = read_outcomes(ws.engine).set_index("customer_id")["value"].to_dict()
    assert stored == {"C1": 1.0, "C2": 1.0, "C3": 0.0, "C4": 1.0}
    rejected = pd.read_csv(tmp_path / "outcomes.rejected.csv")
    assert list(rejected["row"]) == [6, 7, 8]
    assert "not a date" in rejected["reason"][0]
    assert "duplicate (C1, 2027-03-05, fraud_reported)" in rejected["reason"][2]


def test_control_export_writes_the_epochs_members_and_reshuffles_next_quarter(
    ws: Workspace, customers_file: Path, tmp_path: Path
) -> None:
    from datetime import date

    from fanzha.campaigns.control import export_control

    gc = Workspace(ws.settings.replace(control_pct=5.0))
    march = export_control(gc, customers_file, date(2027, 3, 1), tmp_path / "q1.csv")
    may = export_control(gc, customers_file, date(2027, 5, 1), tmp_path / "q2.parquet")
    again = export_control(gc, customers_file, date(2027, 3, 31), tmp_path / "q1b.csv")
    q1 = pd.read_csv(tmp_path / "q1.csv")
    q2 = pd.read_parquet(tmp_path / "q2.parquet")
    assert march.epoch == "2027-01-01/P3M" and may.epoch == "2027-04-01/P3M"
    assert set(q1["epoch_end"]) == {"2027-04-01"}
    assert 0.03 < march.members / march.customers < 0.07
    # within an epoch membership never changes; across a reshuffle the overlap is chance's
    assert set(pd.read_csv(tmp_path / "q1b.csv")["customer_id"]) == set(q1["customer_id"])
    assert again.members == march.members
    overlap = len(set(q1["customer_id"]) & set(q2["customer_id"]))
    assert overlap < 0.25 * len(q1)


def test_risk_prompts_reach_the_control_group_unless_the_setting_says_otherwise(
    ws: Workspace,
) -> None:
    from datetime import date

    from fanzha.campaigns.control import global_control, withheld_from_risk_prompts

    ids = pd.Series([f"C{i:06d}" for i in range(20_000)])
    day = date(2027, 3, 1)
    exempt = ws.settings.replace(control_pct=2.0)
    assert not withheld_from_risk_prompts(exempt, ids, day).any()
    strict = ws.settings.replace(control_pct=2.0, control_risk_prompts=False)
    withheld = withheld_from_risk_prompts(strict, ids, day)
    control = global_control(strict)
    assert control is not None
    assert (withheld == control.members(ids, day)).all() and 0.01 < withheld.mean() < 0.03


def test_a_wide_outcomes_file_reads_0_1_true_false_and_yes_no_as_numbers(tmp_path: Path) -> None:
    from fanzha.campaigns.outcomes import read_any

    path = tmp_path / "wide.csv"
    path.write_text(
        "customer_id,fraud_reported,cancelled,pre_fraud_reported\n"
        "C1,1,是,2\nC2,0,否,0\nC3,true,yes,1\nC4,false,no,\n",
        encoding="utf-8",
    )
    rows = read_any(path)
    fraud = rows[rows["metric"] == "fraud_reported"].set_index("customer_id")["value"]
    assert fraud.to_dict() == {"C1": 1.0, "C2": 0.0, "C3": 1.0, "C4": 0.0}
    cancelled = rows[rows["metric"] == "cancelled"].set_index("customer_id")["value"]
    assert cancelled.to_dict() == {"C1": 1.0, "C2": 0.0, "C3": 1.0, "C4": 0.0}
    assert set(rows["metric"]) == {"fraud_reported", "cancelled", "pre_fraud_reported"}
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,fraud_reported\nC1,1\nC2,maybe\n", encoding="utf-8")
    with pytest.raises(CampaignFileError) as err:
        read_any(bad)
    problem = err.value.problems[0]
    assert (problem.line, problem.message) == (
        3,
        'fraud_reported: "maybe" is not a number, 1/0, true/false or 是/否',
    )
