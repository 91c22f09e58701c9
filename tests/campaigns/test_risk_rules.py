"""Risk prompts in campaign files: checked by `fanzha validate` where they are written."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from fanzha.campaigns.cli import cli
from fanzha.campaigns.demo import example_campaign
from fanzha.campaigns.risk_rules import compile_rule
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import Workspace
from fanzha.segments import default_schema

HEAD = """campaign: t
name: t
starts: 2027-03-01
ends: 2027-04-30
segments:
  - id: elderly
    label: x
    rule: age >= 55
    warnings: [impersonating-authorities]
    send: {days: [tue], at: "09:30"}
risk_prompts:
"""


def test_the_example_campaign_carries_three_risk_prompts_in_order() -> None:
    campaign = Workspace(Settings.from_env()).campaign(example_campaign())
    assert [(r.warning, r.pause) for r in campaign.risk_prompts] == [
        ("fake-customer-service", timedelta(seconds=20)),
        ("impersonating-authorities", timedelta(seconds=30)),
        ("fake-investment", timedelta(seconds=15)),
    ]
    assert "fake-customer-service" in campaign.warning_ids()  # linted and fingerprinted too


def test_validate_points_at_each_problem_of_a_risk_prompt(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        HEAD
        + """  - when: kind == "transfre" and screen_sharing
    warning: fake-customer-servic
    pause: 20x
  - when: segment == "elderlyy"
    warning: fake-investment
  - when: amont > 3
    warning: fake-investment
  - when: amount >= 5000 and __import__
    warning: fake-investment
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        f'{path}:12:19: kind "transfre" is not one of the declared values (did you mean "transfer"?)'
        in lines
    )
    assert (
        f'{path}:13:14: unknown warning "fake-customer-servic" (did you mean "fake-customer-service"?)'
        in lines
    )
    assert any(line.startswith(f"{path}:14:12: ") and "not a duration" in line for line in lines)
    assert (
        f'{path}:15:22: segment "elderlyy" is not one of the declared values (did you mean "elderly"?)'
        in lines
    )
    assert f'{path}:17:11: unknown column "amont"; did you mean "amount"?' in lines
    assert any(line.startswith(f"{path}:19:") and "double underscores" in line for line in lines)


def test_a_pause_longer_than_five_minutes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(HEAD + "  - when: payee_new\n    warning: fake-investment\n    pause: 6m\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1 and f"{path}:14:12:" in result.output
    assert "out of range" in result.output


def test_a_compiled_rule_is_three_valued_over_event_customer_and_segment() -> None:
    rule = compile_rule(
        'kind == "transfer" and payee_new and amount >= 5000 and segment == "elderly"',
        default_schema(),
    )
    now = dt.datetime(2027, 3, 2, 2, 0)
    event = {"kind": "transfer", "payee_new": True, "amount": 50000, "segment": "elderly"}
    assert rule(event, now) is True
    assert rule({**event, "segment": "young_workers"}, now) is False
    assert rule({**event, "amount": None}, now) is None  # unknown never matches
    by_age = compile_rule("screen_sharing or age >= 60", default_schema())
    assert by_age({"screen_sharing": False, "age": 71}, now) is True
