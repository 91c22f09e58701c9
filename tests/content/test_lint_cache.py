"""Lint results come from the cache only for the same file, settings, day and code."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from fanzha.content import ContentConfig, lint_paths
from fanzha.content import lint as lint_module

from tests.content.conftest import BAD, GOOD, TODAY


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files ``lint_file`` really linted (a cache hit never calls it)."""
    calls: list[Path] = []
    real = lint_module.lint_file

    def spy(path, config, today):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(path, config, today)

    monkeypatch.setattr(lint_module, "lint_file", spy)
    return calls


def test_a_file_linted_before_is_not_linted_again(
    tmp_path: Path, config: ContentConfig, counted: list[Path]
) -> None:
    (bad,) = next(iter(sorted(BAD.iterdir()))).glob("*.yaml")
    shutil.copy(bad, tmp_path / bad.name)
    first = lint_paths([tmp_path], config, today=TODAY)
    assert first and counted == [tmp_path / bad.name]
    assert lint_paths([tmp_path], config, today=TODAY) == first
    assert len(counted) == 1  # the second answer came from the cache


def test_a_change_to_the_file_the_settings_or_the_day_lints_again(
    tmp_path: Path, config: ContentConfig, counted: list[Path]
) -> None:
    source = GOOD / "zh-CN" / "impersonating-authorities.yaml"
    folder = tmp_path / "zh-CN"
    folder.mkdir()
    copy = folder / source.name
    shutil.copy(source, copy)
    assert lint_paths([tmp_path], config, today=TODAY) == []
    lint_paths([tmp_path], ContentConfig(bank_phone="95555"), today=TODAY)
    lint_paths([tmp_path], config, today=TODAY + timedelta(days=1))
    assert len(counted) == 3
    copy.write_text(copy.read_text("utf-8").replace("id: impersonating-authorities", "id: x"))
    (problem,) = lint_paths([tmp_path], config, today=TODAY)
    assert "does not match the file name" in problem.message and len(counted) == 4


def test_duplicates_are_found_among_cached_files(
    tmp_path: Path, config: ContentConfig, counted: list[Path]
) -> None:
    source = GOOD / "zh-CN" / "impersonating-authorities.yaml"
    for folder in ("a/zh-CN", "b/zh-CN"):
        (tmp_path / folder).mkdir(parents=True)
        shutil.copy(source, tmp_path / folder / source.name)
    first = lint_paths([tmp_path], config, today=TODAY)
    assert lint_paths([tmp_path], config, today=TODAY) == first
    assert len(counted) == 2 and any("is also in" in p.message for p in first)
