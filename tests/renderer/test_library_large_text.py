"""Every bundled warning, variant and locale renders as a large-text card that keeps the story."""

from __future__ import annotations

from pathlib import Path

import pytest
from fanzha.content import ContentConfig, CopyContext, WarningCopy, load_library
from fanzha.renderer import Manifest, Style, render_card

pytestmark = pytest.mark.slow  # renders the whole library

CONFIG = ContentConfig(bank_name={"zh-CN": "新市民银行", "en": "Xinmin Bank"}, bank_phone="95500")
LABELS = {"zh-CN": "中老年新市民", "en": "older new residents"}


def _bundled() -> list[WarningCopy]:
    library = load_library()
    copies = []
    for warning_id in library.ids():
        for locale in library.locales(warning_id):
            context = CopyContext.for_locale(CONFIG, locale, segment_label=LABELS[locale])
            for variant in library.get(warning_id, locale).variant_ids():
                copies.append(library.resolve(warning_id, variant, locale, context))
    return copies


@pytest.fixture(scope="module")
def large_cards(tmp_path_factory) -> list[tuple[WarningCopy, Manifest | Exception]]:
    """Each bundled copy rendered once as a large-text card (or the error it raised)."""
    out = tmp_path_factory.mktemp("large")
    rendered: list[tuple[WarningCopy, Manifest | Exception]] = []
    for copy in _bundled():
        path = Path(out) / f"{copy.warning_id}-{copy.variant}-{copy.locale}.png"
        try:
            rendered.append((copy, render_card(copy, "card", Style(large_text=True), out=path)))
        except Exception as err:  # collected so one failure names every broken warning
            rendered.append((copy, err))
    return rendered


def _name(copy: WarningCopy) -> str:
    return f"{copy.warning_id}/{copy.variant}/{copy.locale}"


def test_the_library_is_bundled_in_both_locales(large_cards) -> None:
    assert len(large_cards) >= 40
    assert {c.locale for c, _ in large_cards} == {"zh-CN", "en"}


def test_every_large_text_card_renders(large_cards) -> None:
    failures = [f"{_name(c)}: {m}" for c, m in large_cards if isinstance(m, Exception)]
    assert not failures, "\n".join(failures)


def test_every_card_shows_the_right_action_and_the_pressure(large_cards) -> None:
    for copy, m in large_cards:
        if isinstance(m, Exception):
            continue
        shown = m.extra["panels_shown"]
        assert len(copy.panels) in shown, f"{_name(copy)} drops the right action: {shown}"
        assert len(shown) >= 2, f"{_name(copy)} shows only {shown}"
        drawn = {t.name.split(".")[0] for t in m.text_boxes if t.name.startswith("panel")}
        assert drawn == {f"panel{i}" for i in shown}, _name(copy)


def test_every_text_box_meets_the_large_text_minimums(large_cards) -> None:
    for copy, m in large_cards:
        if isinstance(m, Exception):
            continue
        for box in m.text_boxes:
            assert box.font_px >= 52, f"{_name(copy)} {box.name}: {box.font_px} px"
            assert box.contrast >= 7.0, f"{_name(copy)} {box.name}: {box.contrast:.2f}:1"
            if len(box.lines) > 1:
                assert box.line_height / box.font_px >= 1.3, f"{_name(copy)} {box.name}"


def test_alt_text_carries_the_whole_story_even_when_panels_are_dropped(large_cards) -> None:
    for copy, m in large_cards:
        if isinstance(m, Exception):
            continue
        for panel in copy.panels:
            for text in (panel.caption, *(ln.text for ln in panel.lines)):
                assert not text or text in m.alt_text, f"{_name(copy)} alt text lacks {text!r}"
