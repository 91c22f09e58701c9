"""Word-aware Chinese line breaking: breaks fall between words, never inside one that fits."""

from __future__ import annotations

import pytest
from fanzha.renderer import text as typeset
from fanzha.renderer import words
from hypothesis import given, settings
from hypothesis import strategies as st

EVERYDAY = [
    "您",
    "我",
    "先",
    "马上",
    "挂断",
    "电话",
    "手机",
    "家人",
    "商量",
    "核实",
    "不要",
    "转账",
]
PUNCT = ["，", "。", "！", "？", "、", "“", "”", "……", "（", "）"]
LATIN = ["App", "96110", "110", "OK"]


def inside_breaks(text: str, lines: tuple[str, ...] | list[str]) -> list[str]:
    """Dictionary words and 2–4 character segmenter words that a line break falls inside."""
    cuts = typeset._break_offsets(text, lines)
    found = []
    spans = []
    at = 0
    longest_first = sorted(words.dictionary(), key=len, reverse=True)
    while at < len(text):  # dictionary words as a reader parses them: leftmost, longest
        word = next((w for w in longest_first if text.startswith(w, at)), None)
        if word:
            spans.append((at, at + len(word), word))
        at += len(word) if word else 1
    at = 0
    for word in words.segment(text):
        if 2 <= len(word) <= 4 and all(words.is_cjk(c) for c in word):
            spans.append((at, at + len(word), word))
        at += len(word)
    for offset in cuts:
        found += [w for s, e, w in spans if s < offset < e]
    return found


def test_the_domain_dictionary_ships_with_the_content() -> None:
    have = set(words.dictionary())
    assert {"安全账户", "屏幕共享", "国家反诈中心", "校园贷", "刷单返利", "冷静期"} <= have


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("把钱转到安全账户核验，核完就退给你", "安全账户"),
        ("打开屏幕共享，我教您操作。", "屏幕共享"),
        ("酒找指定酒商，单位报销", "酒商"),
        ("你手机上了病毒", "手机"),
        ("先和家人商量，再找正规机构核实", "家人"),
        ("保健品不是药，先别买。", "保健品"),
    ],
)
def test_reported_splits_no_longer_happen(fonts, text, forbidden) -> None:
    for size, width in ((42, 42 * 6 + 10), (42, 42 * 7 + 10), (54, 54 * 6 + 10), (54, 54 * 9)):
        broken = typeset.break_lines(fonts, text, size, width)
        assert broken is not None
        assert not inside_breaks(text, broken.lines), broken.lines
        assert broken.splits == ()
        assert forbidden in "".join(broken.lines)


def test_a_word_wider_than_the_line_is_split_and_recorded(fonts) -> None:
    text = "请拨打国家反诈中心电话"
    broken = typeset.break_lines(fonts, text, 40, 40 * 4 + 5)  # 国家反诈中心 is six wide
    assert broken is not None
    assert broken.splits == ("国家反诈中心",)
    assert "".join(broken.lines) == text
    layout = typeset.fit(fonts, "t", text, (0, 0, 40 * 4 + 5, 400), max_px=40, min_px=40)
    assert layout.splits == ("国家反诈中心",)


def test_fit_prefers_a_smaller_size_to_splitting_a_word(fonts) -> None:
    text = "国家反诈中心"
    layout = typeset.fit(fonts, "t", text, (0, 0, 6 * 40 + 4, 400), max_px=60, min_px=30)
    assert layout.splits == ()
    assert len(layout.lines) == 1


sentence_piece = st.one_of(
    st.sampled_from(words.dictionary()),
    st.sampled_from(EVERYDAY),
    st.sampled_from(PUNCT),
    st.sampled_from(LATIN),
)


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(sentence_piece, min_size=1, max_size=24),
    columns=st.integers(3, 16),
    size=st.sampled_from([42, 54, 60]),
)
def test_generated_sentences_break_only_between_words(fonts, parts, columns, size) -> None:
    text = "".join(parts)
    width = size * columns + size // 3
    broken = typeset.break_lines(fonts, text, size, width)
    if broken is None:  # a Latin word, a number or a character with its marks wider than the line
        assert any(typeset.measure(fonts, g, size) > width for g in typeset.char_groups(text))
        return
    assert "".join(broken.lines).replace(" ", "") == text.replace(" ", "")
    for line in broken.lines:
        assert typeset.measure(fonts, line, size) <= width
    # a word is broken only when it is wider than the line, and then it is recorded
    for word in inside_breaks(text, broken.lines):
        wider = typeset.measure(fonts, word, size) > width
        assert broken.splits and (wider or any(word in s for s in broken.splits)), word
    for word in broken.splits:
        assert typeset.measure(fonts, word, size) > width
