"""Fixtures for content tests: the fixture folders and a small library builder."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from fanzha.content import ContentConfig
from ruamel.yaml import YAML

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"
TODAY = date(2027, 1, 1)


@pytest.fixture
def config() -> ContentConfig:
    """The bank of the fixtures: a fictional name and a 12-character 400 number."""
    return ContentConfig(
        bank_name={"zh-CN": "示例银行", "en": "Example Bank"}, bank_phone="400-888-0000"
    )


LibraryBuilder = Callable[..., Path]


@pytest.fixture
def build_library(tmp_path: Path) -> LibraryBuilder:
    """Write copies of the good zh-CN fixture under new ids, locales, review dates and the
    segments each story is written for (default: every story for the elderly)."""
    yaml = YAML()
    base = yaml.load((GOOD / "zh-CN" / "impersonating-authorities.yaml").read_text("utf-8"))
    root = tmp_path / "library"

    def build(
        warning_id: str,
        locales: tuple[str, ...] = ("zh-CN",),
        *,
        expires: str = "2027-11-30",
        author: str = "王敏（风险管理部）",
        variants: tuple[str, ...] = ("a", "b"),
        segments: tuple[list[str], ...] | None = None,
    ) -> Path:
        for locale in locales:
            doc = copy.deepcopy(base)
            doc["id"], doc["locale"] = warning_id, locale
            doc["review"]["expires"] = expires
            doc["review"]["author"] = author
            stories = [doc["variants"][i % 2] for i in range(len(variants))]
            doc["variants"] = [copy.deepcopy(v) for v in stories]
            for i, (story, name) in enumerate(zip(doc["variants"], variants, strict=True)):
                story["id"] = name
                if segments is not None:
                    story["segments"] = list(segments[i])
            (root / locale).mkdir(parents=True, exist_ok=True)
            with (root / locale / f"{warning_id}.yaml").open("w", encoding="utf-8") as out:
                yaml.dump(doc, out)
        return root

    return build
