"""Loading, resolving and listing warnings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fanzha.content import (
    ContentConfig,
    CopyContext,
    TemplateError,
    WarningFileError,
    WarningNotFound,
    format_table,
    load_library,
)

from tests.content.conftest import BAD, GOOD


@pytest.fixture
def library():  # type: ignore[no-untyped-def]
    return load_library([GOOD])


def test_resolve_fills_copy_for_the_variant(library, config: ContentConfig) -> None:  # type: ignore[no-untyped-def]
    context = CopyContext.for_locale(config, "zh-CN", salutation="李先生")
    a = library.resolve("impersonating-authorities", "a", "zh-CN", context)
    b = library.resolve("impersonating-authorities", "b", "zh-CN", context)
    assert a.push_body.startswith("李先生，公检法不会电话办案")
    assert b.push_title == "“检察院”给您发逮捕令？"  # variant override
    assert a.title == b.title == "警察不会在电话里办案"
    assert "示例银行网点" in a.poster_body
    assert len(a.panels) == 4 and a.panels[0].lines[0].kind == "alarm"
    assert a.fingerprint() != b.fingerprint()


def test_english_copy_uses_english_bank_name(library, config: ContentConfig) -> None:  # type: ignore[no-untyped-def]
    copy = library.resolve(
        "impersonating-authorities", "a", "en", CopyContext.for_locale(config, "en")
    )
    assert copy.locale == "en" and copy.push_body.startswith("Hello, hang up and call 110")


def test_cooling_off_terms_come_from_config(library) -> None:  # type: ignore[no-untyped-def]
    config = ContentConfig(
        bank_name="示例银行", cooling_off_days=10, cooling_off_waived={"zh-CN": "全部利息"}
    )
    copy = library.resolve(
        "loan-cooling-off", "a", "zh-CN", CopyContext.for_locale(config, "zh-CN")
    )
    assert "10天内可提前还清，免收全部利息" in copy.push_body
    assert copy.poster_body.startswith("示例银行首次贷款设有10天冷静期")
    assert copy.panels[3].lines[0].text == "10天内还清，免收全部利息。"


def test_unknown_warning_variant_and_locale(library, config: ContentConfig) -> None:  # type: ignore[no-untyped-def]
    context = CopyContext.for_locale(config, "zh-CN")
    with pytest.raises(WarningNotFound, match="no such warning"):
        library.resolve("nope", "a", "zh-CN", context)
    with pytest.raises(WarningNotFound, match="locales: zh-CN"):
        library.resolve("loan-cooling-off", "a", "en", context)
    with pytest.raises(WarningNotFound, match="no variant 'c'"):
        library.resolve("loan-cooling-off", "c", "zh-CN", context)


def test_load_refuses_a_malformed_file_with_its_position() -> None:
    path = BAD / "unknown-key" / "impersonating-authorities.yaml"
    with pytest.raises(WarningFileError) as info:
        load_library([path])
    assert str(info.value) == f"{path}:14:1: unknown key 'acton'; did you mean 'action'?"


def test_salutation_in_image_copy_fails_at_resolve(config: ContentConfig) -> None:
    library = load_library([BAD / "salutation-in-image"])
    with pytest.raises(TemplateError):
        library.resolve(
            "impersonating-authorities", "a", "zh-CN", CopyContext.for_locale(config, "zh-CN")
        )


def test_status_follows_the_review_block(library) -> None:  # type: ignore[no-untyped-def]
    doc = library.get("impersonating-authorities", "zh-CN")
    assert doc.status(date(2026, 11, 19)) == "pending"
    assert doc.status(date(2027, 11, 30)) == "approved"  # the expiry day itself still counts
    assert doc.status(date(2027, 12, 1)) == "expired"
    unapproved = load_library([BAD / "unapproved"]).get("impersonating-authorities", "zh-CN")
    assert unapproved.status(date(2027, 1, 1)) == "unapproved"


def test_list_rows_and_table(library) -> None:  # type: ignore[no-untyped-def]
    rows = library.list_rows(date(2027, 1, 1))
    assert [r["id"] for r in rows] == ["impersonating-authorities", "loan-cooling-off"]
    assert rows[0]["locales"] == "en, zh-CN" and rows[0]["variants"] == "a, b"
    assert rows[0]["status"] == "approved" and rows[0]["expires"] == "2027-11-30"
    late = library.list_rows(date(2028, 1, 1))
    assert late[0]["status"] == "expired (en); expired (zh-CN)"
    lines = format_table(rows)
    assert lines[0].split() == [
        "id",
        "scam",
        "audiences",
        "locales",
        "variants",
        "status",
        "expires",
    ]
    assert "冒充公检法及政府机关" in lines[2]
    # columns line up in terminal cells even with CJK text (a CJK character is two cells)
    cells = [
        len(line[: line.index(word)]) + sum(1 for c in line[: line.index(word)] if ord(c) > 0x2E80)
        for line, word in ((lines[0], "audiences"), (lines[2], "elderly"))
    ]
    assert cells[0] == cells[1]


def test_duplicate_id_and_locale_is_refused(tmp_path: Path) -> None:
    source = (GOOD / "zh-CN" / "loan-cooling-off.yaml").read_text("utf-8")
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "loan-cooling-off.yaml").write_text(source, "utf-8")
    with pytest.raises(WarningFileError, match="also defined in"):
        load_library([tmp_path])


def test_copy_read_back_from_its_data_is_the_same_copy() -> None:
    """The render cache keeps copy as ``to_data``; ``from_data`` gives it back unchanged."""
    import json

    from fanzha.content import CopyContext, WarningCopy, load_library

    lib = load_library()
    ctx = CopyContext(bank_name="示例银行", bank_phone="00000", segment_label="中老年客户")
    count = 0
    for doc in lib:
        for variant in doc.variant_ids():
            copy = lib.resolve(doc.model.id, variant, doc.model.locale, ctx)
            back = WarningCopy.from_data(json.loads(json.dumps(copy.to_data())))
            assert back == copy and back.fingerprint() == copy.fingerprint()
            count += 1
    assert count > 40
