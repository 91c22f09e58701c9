"""The preview page speaks the campaign's language and groups the cards by segment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fanzha.campaigns import preview
from fanzha.campaigns.demo import example_campaign
from fanzha.campaigns.messages import copy_context
from fanzha.campaigns.preview_labels import LABELS, labels_for
from fanzha.campaigns.workspace import Workspace
from fanzha.renderer import Manifest

from tests.campaigns.conftest import make_settings


def page_for(tmp_path: Path, locale: str) -> str:
    """The page of the example campaign (in ``locale``) with stand-in manifests: no renders."""
    source = (
        example_campaign().read_text(encoding="utf-8").replace("locale: zh-CN", f"locale: {locale}")
    )
    path = tmp_path / "campaign.yaml"
    path.write_text(source, encoding="utf-8")
    ws = Workspace(make_settings(db_url=f"sqlite:///{tmp_path / 'x.db'}"))
    campaign = ws.campaign(path)
    entries, manifests = [], []
    # Interleaved on purpose: the page must regroup them by segment.
    for wid_index in range(2):
        for seg in campaign.segments:
            wid = seg.warnings[wid_index]
            ctx = copy_context(ws, campaign, seg.id, "zh-CN")
            copy = ws.library.resolve(wid, variant="a", locale="zh-CN", context=ctx)
            entries.append((seg, wid, "a", "zh-CN", "large text", copy))
            manifests.append(
                Manifest(
                    "card",
                    (1080, 1350),
                    (90.0, 112.5),
                    300,
                    (),
                    8.0,
                    "alt",
                    f"k{len(entries)}",
                    Path(f"k{len(entries)}.webp"),
                    "strip3",
                    True,
                )
            )
    words = labels_for(campaign.locale)
    sections = preview._segment_sections(campaign, entries, manifests, words)
    return preview._page(campaign, sections, len(entries), [], words)


def test_a_zh_cn_campaign_gets_a_chinese_page(tmp_path: Path) -> None:
    page = page_for(tmp_path, "zh-CN")
    assert "<html lang='zh-CN'>" in page
    for word in ("卡片", "海报", "推送", "口号", "识别要点", "大字版", "最低对比度"):
        assert word in page, word
    for english in ("Red flags", "Alt text", "lowest contrast", "Slogan:", "large text"):
        assert english not in page, english


def test_an_english_campaign_gets_an_english_page(tmp_path: Path) -> None:
    page = page_for(tmp_path, "en")
    assert "<html lang='en'>" in page and "Red flags" in page and "识别要点" not in page


def test_cards_are_grouped_by_segment_in_priority_order(tmp_path: Path) -> None:
    page = page_for(tmp_path, "zh-CN")
    order = re.findall(r"<section class='segment' id='seg-(\w+)'>", page)
    assert order == ["elderly", "founders", "young_workers"]
    for section in page.split("<section class='segment'")[1:]:
        seg = re.match(r" id='seg-(\w+)'", section).group(1)  # type: ignore[union-attr]
        cards = re.findall(r"data-segment='(\w+)'", section)
        assert cards == [seg, seg], section[:200]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_locale_table_has_every_word(locale: str) -> None:
    assert set(LABELS[locale]) == set(LABELS["en"])


def test_a_locale_without_a_table_falls_back_by_language_then_english() -> None:
    assert labels_for("zh-TW") is LABELS["zh-CN"]
    assert labels_for("fr-FR") is LABELS["en"]
