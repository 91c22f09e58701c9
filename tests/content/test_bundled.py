"""The bundled library: 20 warnings in two locales, lint-clean for real banks' details,
every story resolvable, written for a reader, and free of any hotline but the official ones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fanzha.content import BUNDLED, ContentConfig, CopyContext, lint_paths, load_library
from fanzha.content.copy import SCREENS, WarningCopy
from fanzha.content.limits import PANELS, display_width

ROOT = Path(__file__).resolve().parents[2]

NEW = ["money-mule", "impersonating-bank", "fake-benefits", "debt-relief", "overseas-job"]
WARNINGS = sorted(
    NEW
    + (
        "task-rebate fake-investment fake-loan credit-repair fake-customer-service "
        "impersonating-authorities romance-investment impersonating-boss fake-shopping "
        "game-trade elderly-investment fake-business-deal fake-job rental-deposit "
        "loan-cooling-off"
    ).split()
)
TODAY = date(2027, 1, 1)  # fixed so the suite does not change with the calendar
# Real banks: a 10-character name and a 12-character 400 number, in both locales.
LONG_BANK = ContentConfig(
    bank_name={"zh-CN": "长三角新市民商业银行", "en": "Xinmin Bank"}, bank_phone="400-888-0000"
)
# Service numbers of China: 11x/12x, 95xxx/96xxx, 100xx-12xxx, 400/800 numbers, 7+ digits.
HOTLINE = re.compile(
    r"(?<![\d,.])(?:1[12]\d|9[56]\d{3}|1[0-2]\d{3}|[48]00[\- ]?\d{3}[\- ]?\d{4}|\d{7,})(?![\d,.])"
)
AMOUNT_AFTER = re.compile(r"^\s*(?:元|块|万|yuan|%)", re.IGNORECASE)

pytestmark = pytest.mark.skipif(not BUNDLED.exists(), reason="no bundled library yet")


def copies(config: ContentConfig = LONG_BANK) -> Iterator[WarningCopy]:
    """Every story of every warning in every locale, resolved for `config`'s bank."""
    library = load_library()
    for doc in library:
        context = CopyContext.for_locale(config, doc.model.locale, segment_label="新市民")
        for variant in doc.variant_ids():
            yield library.resolve(doc.model.id, variant, doc.model.locale, context)


def texts(copy: WarningCopy) -> Iterator[str]:
    """Every piece of text a customer may see of one story."""
    yield from (copy.title, copy.slogan, copy.action, copy.if_paid, copy.push_title)
    yield from (copy.push_body, copy.poster_headline, copy.poster_body, *copy.red_flags)
    for panel in (*copy.panels, *copy.elder_panels):
        yield from (line.text for line in panel.lines)
        yield panel.caption
        if panel.screen is not None:
            yield from (panel.screen.title, *panel.screen.lines)


def test_twenty_warnings_in_both_locales() -> None:
    library = load_library()
    assert library.ids() == WARNINGS
    assert all(library.locales(w) == ["en", "zh-CN"] for w in WARNINGS)
    rows = library.list_rows(TODAY)
    assert len(rows) == 20 and {r["status"] for r in rows} == {"approved"}


@pytest.mark.parametrize(
    "config",
    [ContentConfig(), LONG_BANK, ContentConfig(bank_name="长三角新市民商业银行")],
    ids=["no-bank-configured", "long-name-400-number", "long-name-only"],
)
def test_lint_clean_with_and_without_real_bank_details(config: ContentConfig) -> None:
    assert [str(p) for p in lint_paths([BUNDLED], config, today=TODAY)] == []


def test_every_story_resolves_whole_for_a_long_bank_name_and_400_number() -> None:
    seen = 0
    for copy in copies():
        seen += 1
        assert len(copy.panels) == PANELS
        assert copy.segments and copy.protagonist and copy.if_paid
        assert all("{{" not in text for text in texts(copy))
        if "elderly" in copy.segments:  # the elderly read large text: a fuller, shorter cut
            assert 2 <= len(copy.elder_panels) < PANELS, (copy.warning_id, copy.variant)
        poster_limit = 120
        assert display_width(copy.poster_body) <= poster_limit, (copy.warning_id, copy.locale)
    assert seen >= 2 * 50  # 50 stories in each locale


def test_translations_tell_the_same_stories_to_the_same_readers() -> None:
    library = load_library()
    for warning_id in WARNINGS:
        zh, en = (library.get(warning_id, loc).model for loc in ("zh-CN", "en"))
        assert [(v.id, v.segments, v.protagonist) for v in zh.variants] == [
            (v.id, v.segments, v.protagonist) for v in en.variants
        ], warning_id


@pytest.mark.parametrize("warning_id", NEW)
def test_new_warnings_have_stories_for_two_segments(warning_id: str) -> None:
    library = load_library()
    for locale in ("zh-CN", "en"):
        variants = library.get(warning_id, locale).model.variants
        assert len(variants) >= 2
        assert len({s for v in variants for s in v.segments if s != "all"}) >= 2


def test_no_hotline_but_110_96110_12381_and_the_configured_one() -> None:
    allowed = {"110", "96110", "12381", "4008880000"}
    found = set()
    for copy in copies():
        for text in texts(copy):
            for match in HOTLINE.finditer(text):
                if AMOUNT_AFTER.match(text[match.end() :]):
                    continue
                found.add(re.sub(r"\D", "", match.group()))
    assert found <= allowed, found - allowed
    assert {"110", "4008880000"} <= found  # the check sees numbers where they are


def test_the_bank_statement_of_how_it_contacts_customers() -> None:
    library = load_library()
    zh = library.get("impersonating-bank", "zh-CN").model
    assert "{{ customer.bank_name }}绝不会" in zh.push.body + zh.poster.body
    assert "{{ customer.bank_phone }}" in zh.action
    en = library.get("impersonating-bank", "en").model
    assert "{{ customer.bank_name }} never" in en.push.body


def test_the_stories_show_the_phone_screens_where_the_scam_happens() -> None:
    kinds = {
        panel.screen.kind
        for copy in copies()
        for panel in (*copy.panels, *copy.elder_panels)
        if panel.screen is not None
    }
    assert kinds == set(SCREENS)


def test_per_file_corrections_of_issue_15() -> None:
    library = load_library()

    def text(warning_id: str, locale: str = "zh-CN") -> str:
        return library.get(warning_id, locale).path.read_text("utf-8")

    assert "部队纪律，不方便留座机，加微信联系" in text("fake-business-deal")
    assert "单位有规定" not in text("fake-business-deal")
    assert "查号台" in text("fake-business-deal")
    assert "一卡一卡" not in text("impersonating-boss")
    assert "只有自家人知道" in text("impersonating-boss")
    assert "保健食品不是药" in text("elderly-investment")
    assert "免费" in text("credit-repair") and "异议" in text("credit-repair")
    assert "两次" in text("credit-repair") and "征信中心" in text("credit-repair")
    # the overseas story moved to its own warning
    assert all(w not in text("fake-job") for w in ("海外", "出国", "境外"))
    # the game-trade reader is the parent or grandparent; the child is in the story
    game = library.get("game-trade", "zh-CN").model
    assert {v.protagonist for v in game.variants} <= {"elderly", "shop_owner"}
    assert all(any(m.role == "child" for p in v.comic for m in p.cast) for v in game.variants)
    for warning_id in ("fake-customer-service", "impersonating-authorities"):
        for variant in library.get(warning_id, "zh-CN").model.variants[1:]:
            assert variant.title, (warning_id, variant.id)  # own title, not the inherited one
    english = " ".join(text(w, "en") for w in WARNINGS)
    assert "pig butcher" not in english.lower() and "romance baiting" in english.lower()
    assert "work cases by phone" not in english and "invest rashly" not in english


def test_the_domain_dictionary_lists_the_words_the_copy_uses() -> None:
    lines = (BUNDLED / "words.txt").read_text("utf-8").splitlines()
    words = [w for w in (line.split("#", 1)[0].strip() for line in lines) if w]
    assert len(words) == len(set(words)) >= 60, "a word is listed twice"
    assert all(" " not in w and 2 <= len(w) <= 8 for w in words)
    zh = " ".join(path.read_text("utf-8") for path in (BUNDLED / "zh-CN").glob("*.yaml"))
    # the footer and the campaign names are drawn too, so their words count as used
    zh += (ROOT / "renderer" / "story.py").read_text("utf-8")
    zh += (ROOT / "campaigns" / "examples" / "spring-2027.yaml").read_text("utf-8")
    assert [w for w in words if w not in zh] == []
    assert {"安全账户", "屏幕共享", "国家反诈中心", "校园贷", "刷单返利", "冷静期"} <= set(words)
