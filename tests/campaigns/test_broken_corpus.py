"""Every broken campaign file is refused at the right line and column, with a clear message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fanzha.campaigns.cli import cli
from fanzha.campaigns.errors import CampaignFileError
from fanzha.campaigns.workspace import Workspace

from tests.campaigns.conftest import make_settings

CORPUS = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.*)$")


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return Workspace(make_settings())


def expectation(path: Path) -> tuple[int, int, str]:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} has no '# expect: LINE:COL: message' header"
    return int(match.group(1)), int(match.group(2)), match.group(3)


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_broken_file_is_refused_at_its_position(ws: Workspace, path: Path) -> None:
    line, column, fragment = expectation(path)
    with pytest.raises(CampaignFileError) as info:
        ws.campaign(path)
    problems = info.value.problems
    # The defect is the first problem reported (a duplicate id may also orphan a poster).
    problem = problems[0]
    assert (problem.line, problem.column) == (line, column), str(problem)
    assert fragment in problem.message
    assert problem.file == str(path)


def test_all_problems_of_a_file_at_once(tmp_path: Path, ws: Workspace) -> None:
    text = (Path(__file__).parent / "broken" / "unknown-timezone.yaml").read_text(encoding="utf-8")
    text = text.replace("holdout: 5%", "holdout: 80%").replace("rate: 500/s", "rate: lots")
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CampaignFileError) as info:
        ws.campaign(path)
    messages = " | ".join(p.message for p in info.value.problems)
    assert "Asia/Shangai" in messages and "outside 0–50%" in messages and "not a rate" in messages


@pytest.mark.parametrize("path", CORPUS[:12], ids=lambda p: p.stem)
def test_validate_command_prints_one_line_per_problem_and_exits_1(path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    line, column, _ = expectation(path)
    assert f"{path}:{line}:{column}: " in result.output
    assert "Traceback" not in result.output


def test_bundled_example_is_valid(ws: Workspace) -> None:
    example = Path(__file__).resolve().parents[2] / "campaigns" / "examples" / "spring-2027.yaml"
    campaign = ws.campaign(example)
    assert [s.id for s in campaign.segments] == ["elderly", "founders", "young_workers"]
    assert {t.on for t in campaign.triggers} == {"first_loan", "new_payee", "large_transfer"}
    assert len({p.community for p in campaign.posters}) == 2
