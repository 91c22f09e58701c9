"""The bundled library: lint-clean, complete, and every variant resolves."""

from __future__ import annotations

from datetime import date

import pytest
from fanzha.content import BUNDLED, ContentConfig, CopyContext, lint_paths, load_library
from fanzha.content.limits import PANELS

# The scam types of shared/domain/scams.md, each in both locales.
SCAM_TYPES = (
    "task-rebate fake-investment fake-loan credit-repair fake-customer-service "
    "impersonating-authorities romance-investment impersonating-boss fake-shopping game-trade "
    "elderly-investment fake-business-deal fake-job rental-deposit loan-cooling-off"
).split()
TODAY = date(2027, 1, 1)  # fixed so the suite does not change with the calendar

pytestmark = pytest.mark.skipif(not BUNDLED.exists(), reason="no bundled library yet")


def test_bundled_library_is_lint_clean() -> None:
    config = ContentConfig(bank_phone="95588")
    assert [str(p) for p in lint_paths([BUNDLED], config, today=TODAY)] == []


def test_every_scam_type_in_both_locales_with_two_stories() -> None:
    library = load_library()
    for warning_id in SCAM_TYPES:
        assert library.locales(warning_id) == ["en", "zh-CN"], warning_id
        for locale in ("en", "zh-CN"):
            assert len(library.get(warning_id, locale).variant_ids()) >= 2


def test_every_variant_resolves() -> None:
    library = load_library()
    config = ContentConfig(
        bank_name={"zh-CN": "示例银行", "en": "Example Bank"}, bank_phone="95588"
    )
    for doc in library:
        context = CopyContext.for_locale(config, doc.model.locale, segment_label="新市民")
        for variant in doc.variant_ids():
            copy = library.resolve(doc.model.id, variant, doc.model.locale, context)
            assert len(copy.panels) == PANELS
            assert "{{" not in copy.push_body + copy.poster_body + copy.title
