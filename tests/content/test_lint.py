"""The linter: good warnings pass, each bad fixture fails with its one problem and place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fanzha.content import ContentConfig, LintProblem, lint_paths
from fanzha.content.lint import lint_lines

from tests.content.conftest import BAD, GOOD, TODAY

BAD_CASES = sorted(p.name for p in BAD.iterdir())


def expected(path: Path) -> tuple[int, int, str]:
    """The `# expect: LINE:COL: message` header of a bad fixture."""
    first = path.read_text("utf-8").splitlines()[0]
    match = re.fullmatch(r"# expect: (\d+):(\d+): (.*)", first)
    assert match, f"{path} has no expectation header"
    return int(match[1]), int(match[2]), match[3]


def test_good_fixtures_pass(config: ContentConfig) -> None:
    assert lint_paths([GOOD], config, today=TODAY) == []


def test_there_are_enough_bad_fixtures() -> None:
    assert len(BAD_CASES) >= 15


@pytest.mark.parametrize("case", BAD_CASES)
def test_each_bad_fixture_fails_at_its_line(case: str, config: ContentConfig) -> None:
    (path,) = (BAD / case).glob("*.yaml")
    line, column, message = expected(path)
    assert lint_paths([path], config, today=TODAY) == [
        LintProblem(str(path), line, column, message)
    ]


def test_problem_prints_as_file_line_col_message() -> None:
    problem = LintProblem("a/b.yaml", 3, 7, "link 'x.com' is not allowed")
    assert str(problem) == "a/b.yaml:3:7: link 'x.com' is not allowed"
    assert lint_lines([problem]) == ["a/b.yaml:3:7: link 'x.com' is not allowed"]


def test_missing_path_is_a_problem(tmp_path: Path, config: ContentConfig) -> None:
    missing = tmp_path / "nope.yaml"
    assert [str(p) for p in lint_paths([missing], config, today=TODAY)] == [
        f"{missing}:1:1: no such file"
    ]


def test_bank_number_is_allowed_only_when_configured(tmp_path: Path) -> None:
    source = (GOOD / "zh-CN" / "impersonating-authorities.yaml").read_text("utf-8")
    path = tmp_path / "impersonating-authorities.yaml"
    path.write_text(source.replace("拨打110核实，或到", "拨打110或95500核实，或到"), "utf-8")
    assert lint_paths([path], ContentConfig(bank_phone="95500"), today=TODAY) == []
    (problem,) = lint_paths([path], ContentConfig(bank_phone="95566"), today=TODAY)
    assert "phone number '95500' is not allowed" in problem.message


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("凡是说「点击链接退款」的都是骗子。", True),  # quoted lure
        ("不要点击陌生链接，挂断电话。", True),  # negated
        ("点击链接查看详情。", False),
        ("加我微信了解更多。", False),
        ("骗子常说“加微信私聊”。", True),
        ("官网 https://bank.example.com 可查。", False),  # links never, even here
    ],
)
def test_lures_outside_scammer_speech(
    tmp_path: Path, config: ContentConfig, text: str, ok: bool
) -> None:
    source = (GOOD / "zh-CN" / "impersonating-authorities.yaml").read_text("utf-8")
    path = tmp_path / "impersonating-authorities.yaml"
    path.write_text(source.replace("都是骗子。挂断电话", f"都是骗子。{text}挂断电话"), "utf-8")
    assert (lint_paths([path], config, today=TODAY) == []) is ok


def test_scammer_may_say_a_lure_but_never_a_link(tmp_path: Path, config: ContentConfig) -> None:
    source = (GOOD / "zh-CN" / "impersonating-authorities.yaml").read_text("utf-8")
    path = tmp_path / "impersonating-authorities.yaml"
    lure = source.replace("你涉嫌洗钱案，必须配合调查！", "点击链接配合调查！")
    path.write_text(lure, "utf-8")
    assert lint_paths([path], config, today=TODAY) == []
    path.write_text(source.replace("你涉嫌洗钱案，必须配合调查！", "登录 gov-check.top 配合调查！"))
    (problem,) = lint_paths([path], config, today=TODAY)
    assert problem.message == "domain-like text 'gov-check.top' is not allowed"


def test_duplicate_warning_across_files(tmp_path: Path, config: ContentConfig) -> None:
    source = (GOOD / "zh-CN" / "impersonating-authorities.yaml").read_text("utf-8")
    for folder in ("first", "second"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "impersonating-authorities.yaml").write_text(source, "utf-8")
    (problem,) = lint_paths([tmp_path], config, today=TODAY)
    assert problem.file.endswith("second/impersonating-authorities.yaml")
    assert "also in" in problem.message


def test_approval_in_the_future_is_not_approved(config: ContentConfig) -> None:
    path = GOOD / "zh-CN" / "impersonating-authorities.yaml"
    from datetime import date

    (problem,) = lint_paths([path], config, today=date(2026, 11, 1))
    assert problem.message == "not yet approved: review.reviewed_on 2026-11-20 is after 2026-11-01"


def test_locale_must_match_its_folder(tmp_path: Path, config: ContentConfig) -> None:
    (tmp_path / "en").mkdir()
    source = (GOOD / "zh-CN" / "impersonating-authorities.yaml").read_text("utf-8")
    path = tmp_path / "en" / "impersonating-authorities.yaml"
    path.write_text(source, "utf-8")
    (problem,) = lint_paths([path], config, today=TODAY)
    assert (problem.line, problem.column) == (4, 9)
    assert problem.message == "locale 'zh-CN' is in folder 'en'"
