"""`fanzha risk-check`: the decision and the rule that matched, as `explain` shows a segment."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from fanzha.campaigns.cli import cli
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.store import upgrade_store
from fanzha.delivery import open_engine

from tests.delivery.risk_fixtures import seed_risk_ruleset


def store(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade_store(Settings.from_env(FANZHA_DB=url))
    seed_risk_ruleset(open_engine(url), "k.webp")
    return {"FANZHA_DB": url}


def test_risk_check_prints_the_decision_and_the_matching_rule(tmp_path: Path) -> None:
    env = store(tmp_path)
    args = ["risk-check", "--customer", "C000000001", "--kind", "transfer", "--amount", "50000"]
    result = CliRunner().invoke(cli, [*args, "--payee-new"], env=env)
    assert result.exit_code == 0, result.output
    assert "campaign c1, segment elderly" in result.output
    assert 'matched rule 2: kind == "transfer" and amount >= 5000' in result.output
    assert "decision: prompt shown" in result.output
    assert "pause 30s" in result.output
    sharing = CliRunner().invoke(cli, [*args, "--screen-sharing"], env=env)
    assert "matched rule 1: screen_sharing" in sharing.output


def test_risk_check_says_why_there_is_no_prompt(tmp_path: Path) -> None:
    env = store(tmp_path)
    base = ["risk-check", "--kind", "transfer"]
    held = CliRunner().invoke(cli, [*base, "--customer", "C000000002", "--amount", "9000"], env=env)
    assert "decision: no prompt — held out" in held.output
    small = CliRunner().invoke(cli, [*base, "--customer", "C000000001", "--amount", "10"], env=env)
    assert "decision: no prompt — no rule matched" in small.output
    off = CliRunner().invoke(
        cli, [*base, "--customer", "C000000001", "--amount", "9000", "--risk-prompts-off"], env=env
    )
    assert "turned risk prompts off" in off.output
    bad = CliRunner().invoke(cli, [*base[:1], "--customer", "C1", "--kind", "transfre"], env=env)
    assert bad.exit_code == 2 and "transfre" in bad.output
