"""Review records: distinct author and reviewer, sources required, expiry, files due soon."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from fanzha.content.lint import due_for_review
from fanzha.content.model import ReviewModel, SourceModel
from fanzha.content.review import review_status, same_person

from tests.content.conftest import LibraryBuilder

SOURCE = SourceModel(
    title="反电信网络诈骗法", issuer="全国人大常委会", date="2022-09-02", ref="第31条"
)
TODAY = date(2027, 1, 1)


def review(**changes: object) -> ReviewModel:
    fields: dict[str, object] = {
        "author": "王敏（消费者权益保护部）",
        "reviewer": "周立新（法律合规部）",
        "reviewed_on": date(2026, 11, 27),
        "expires": date(2027, 11, 30),
        "sources": [SOURCE],
    }
    return ReviewModel(**{**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, "approved"),
        ({"reviewer": ""}, "unapproved"),
        ({"author": ""}, "unapproved"),
        ({"reviewer": "王敏（法律合规部）"}, "unapproved"),  # one person in two departments
        ({"sources": []}, "unapproved"),  # warnings without sources cannot be approved
        ({"reviewed_on": None}, "unapproved"),
        ({"reviewed_on": date(2027, 2, 1)}, "pending"),
        ({"expires": date(2026, 12, 31)}, "expired"),
    ],
)
def test_status(changes: dict[str, object], status: str) -> None:
    assert review_status(review(**changes), TODAY) == status


def test_same_person_ignores_departments_and_case() -> None:
    assert same_person("王敏（风险部）", "王敏 (合规部)")
    assert same_person("Wang Min (Risk)", "wang min")
    assert not same_person("王敏", "王敏敏")


def test_files_due_within_the_window_soonest_first(build_library: LibraryBuilder) -> None:
    build_library("w1", ("zh-CN", "en"), expires="2027-01-20")
    build_library("w2", expires="2027-03-01")
    root = build_library("w3", expires="2026-12-20")  # already expired: listed too
    due = due_for_review([root], timedelta(days=30), TODAY)
    assert [(d.warning_id, d.locale) for d in due] == [
        ("w3", "zh-CN"),
        ("w1", "en"),
        ("w1", "zh-CN"),
    ]
    assert due[1].days_left(TODAY) == 19
    assert (
        due[1]
        .line(TODAY)
        .endswith("expires 2027-01-20 (in 19 days; reviewer 周立新（法律合规部）)")
    )
    assert due[0].line(TODAY).endswith("(12 days ago; reviewer 周立新（法律合规部）)")
    assert due_for_review([root], timedelta(days=0), date(2026, 1, 1)) == []


def test_the_bundled_library_is_reviewed_by_someone_else_on_sources() -> None:
    from fanzha.content import load_library

    for doc in load_library():
        review_block = doc.model.review
        assert review_block.sources, doc.path
        assert not same_person(review_block.author, review_block.reviewer), doc.path
        for source in review_block.sources:
            assert source.ref or source.url, (doc.path, source.title)


def test_unloadable_files_are_left_to_the_lint(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("id: [", "utf-8")
    assert due_for_review([tmp_path], timedelta(days=30), TODAY) == []


def test_content_lint_due_lists_files_expiring_soon(build_library: LibraryBuilder) -> None:
    from click.testing import CliRunner
    from fanzha.campaigns.cli import cli

    soon = (date.today() + timedelta(days=10)).isoformat()
    later = (date.today() + timedelta(days=90)).isoformat()
    build_library("w1", expires=soon)
    root = build_library("w2", expires=later)
    result = CliRunner().invoke(cli, ["content", "lint", "--due", "30d", str(root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "1 files due for review within 30 days"
    assert lines[1].endswith(f"w1.yaml: expires {soon} (in 10 days; reviewer 周立新（法律合规部）)")
    assert "w2.yaml" not in result.output
    bad = CliRunner().invoke(cli, ["content", "lint", "--due", "soon", str(root)])
    assert bad.exit_code == 2 and "is not a duration" in bad.output
