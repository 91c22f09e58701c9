"""A render of known copy with a known font reads neither rjieba's dictionary nor the font's
tables again: both come from the cache, with the same answers."""

from __future__ import annotations

import pytest
from fanzha.renderer import fonts, words


def test_words_come_from_the_cache_without_the_segmenter(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "不要向安全账户转账，挂断电话后拨打96110核实。"
    first = words.segment(text)
    words.segment.cache_clear()

    def refuse() -> None:
        raise AssertionError("the segmenter was loaded")

    monkeypatch.setattr(words, "_segmenter", refuse)
    assert words.segment(text) == first and "".join(first) == text
    words.segment.cache_clear()


def test_a_new_text_still_goes_to_the_segmenter() -> None:
    text = "陌生人让您下载屏幕共享软件"
    assert "".join(words.segment(text)) == text


def test_font_facts_come_from_the_cache_without_fonttools(monkeypatch: pytest.MonkeyPatch) -> None:
    fontset = fonts.default_fonts()
    path, index = str(fontset.path), fonts._face_index(fontset.path)
    cmap, info = fonts._cmap(path, index), fonts.font_info(fontset.path)
    fonts._cmap.cache_clear()
    fonts.font_info.cache_clear()
    fonts._collection_index.cache_clear()
    import fontTools.ttLib

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the font file was parsed")

    monkeypatch.setattr(fontTools.ttLib, "TTFont", refuse)
    monkeypatch.setattr(fontTools.ttLib, "TTCollection", refuse)
    assert fonts._face_index(fontset.path) == index
    assert fonts._cmap(path, index) == cmap and 0x4E2D in cmap  # 中
    assert fonts.font_info(fontset.path) == info
    fonts._cmap.cache_clear()
    fonts.font_info.cache_clear()
    fonts._collection_index.cache_clear()
