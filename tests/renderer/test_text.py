"""Chinese line breaking (避头尾), unbreakable runs, shrink-to-fit and font fallback."""

from __future__ import annotations

import itertools
import re

import pytest
from fanzha.renderer import text as typeset
from fanzha.renderer.errors import TextOverflowError
from hypothesis import given, settings
from hypothesis import strategies as st

CJK = list("新市民反诈提醒银行电话转账安全账户警察骗子挂断核实冒充公检法")
CLOSERS = list("，。、；：？！）」』》〉】〕〗”’…·%")
OPENERS = list("（「『《〈【〔〖“‘")
LATIN = ["App", "WeChat", "QQ", "OK", "bank-card", "e.g.", "iPhone"]
DIGITS = ["110", "96110", "2026", "7", "50,000", "3.5%"]
PAIRS = ["……", "——"]
piece = st.one_of(
    st.sampled_from(CJK),
    st.sampled_from(CLOSERS),
    st.sampled_from(OPENERS),
    st.sampled_from(LATIN),
    st.sampled_from(DIGITS),
    st.sampled_from(PAIRS),
    st.just(" "),
)


def _assert_rules(lines: list[str], text: str) -> None:
    for prev, line in itertools.pairwise(lines):
        assert line[:1] not in typeset.NO_START, f"line starts with closing mark: {lines}"
        assert prev[-1:] not in typeset.NO_END, f"line ends with opening mark: {lines}"
        # a break never falls inside a Latin word, a number, …… or ——
        assert not (
            re.match(r"[A-Za-z0-9]", prev[-1:])
            and re.match(r"[A-Za-z0-9]", line[:1])
            and not text.count(prev[-1] + " " + line[0])
            and (prev[-1] + line[0]) in text
            and _joined_run(prev, line, text)
        )
        for mark in "…—":  # …… and —— are pairs: a break may fall only between whole pairs
            trailing = len(prev) - len(prev.rstrip(mark))
            assert not (line.startswith(mark) and trailing % 2), f"split {mark * 2}: {lines}"
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def _joined_run(prev: str, line: str, text: str) -> bool:
    """True if prev's last Latin/digit run and line's first run were one run in the text."""
    tail = re.search(r"[A-Za-z0-9.,%'\-/:]+$", prev)
    head = re.match(r"[A-Za-z0-9.,%'\-/:]+", line)
    return bool(tail and head and (tail.group() + head.group()) in text.replace(" ", "\0"))


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(piece, min_size=1, max_size=40),
    width=st.integers(120, 700),
    size=st.integers(24, 60),
)
def test_wrap_obeys_kinsoku_and_box_width(fonts, parts, width, size) -> None:
    text = "".join(parts).strip() or "新"
    lines = typeset.wrap(fonts, text, size, width)
    if lines is None:  # an unbreakable unit wider than the box: fit() will report it
        assert any(typeset.measure(fonts, g, size) > width for g in typeset.groups(text))
        return
    for line in lines:
        assert typeset.measure(fonts, line, size) <= width
    _assert_rules(lines, text)


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(piece, min_size=1, max_size=60), w=st.integers(150, 600), h=st.integers(40, 400)
)
def test_fit_never_overflows_or_goes_under_minimum(fonts, parts, w, h) -> None:
    text = "".join(parts).strip() or "新"
    box = (10, 20, 10 + w, 20 + h)
    try:
        layout = typeset.fit(fonts, "body", text, box, max_px=64, min_px=28, spacing=1.3)
    except TextOverflowError as err:
        assert "'body'" in str(err)  # the error names the text box
        return
    assert 28 <= layout.font_px <= 64
    bw, bh = typeset.block_size(fonts, layout)
    assert bw <= w and bh <= h
    assert layout.line_height >= 1.3 * layout.font_px
    _assert_rules(list(layout.lines), text)


def test_closing_punctuation_moves_with_previous_character(fonts) -> None:
    size = 40
    text = "骗子说你涉嫌洗钱。挂断！"
    width = typeset.measure(fonts, "骗子说你涉嫌洗钱", size)  # room for 8 characters, not the 。
    lines = typeset.wrap(fonts, text, size, width)
    assert lines is not None
    assert lines[1][0] not in "。！"
    assert lines[0].endswith("洗") or lines[0].endswith("涉嫌")  # 钱 went down with its 。


def test_numbers_and_latin_words_stay_whole(fonts) -> None:
    text = "请拨打96110咨询或下载App查询"
    for width in range(80, 400, 20):
        lines = typeset.wrap(fonts, text, 32, width)
        if lines is None:
            continue
        joined = "|".join(lines)
        assert "96110" in joined.replace("|", "") and not re.search(r"\d\|\d", joined)
        assert not re.search(r"[A-Za-z]\|[A-Za-z]", joined)


def test_overflow_error_names_the_box(fonts) -> None:
    with pytest.raises(TextOverflowError, match=r"'panel2\.caption'"):
        typeset.fit(
            fonts,
            "panel2.caption",
            "这段话太长了放不下" * 10,
            (0, 0, 200, 60),
            max_px=40,
            min_px=28,
        )


def test_balanced_wrap_breaks_slogan_at_the_space(fonts) -> None:
    lines = typeset.balanced(fonts, "挂电话 打110", 60, 300)
    assert lines == ["挂电话", "打110"]


def test_fallback_face_draws_glyphs_the_cjk_font_lacks(fonts) -> None:
    assert fonts.covers("中")
    missing = "₂"  # SUBSCRIPT TWO: not in Noto Sans CJK, present in DejaVu
    assert not fonts.covers(missing)
    assert fonts.missing("中" + missing) == ""
    assert fonts.runs("中" + missing) == [("中", True), (missing, False)]


def test_balanced_wrap_breaks_after_punctuation_not_inside_a_word(fonts) -> None:
    size = 52
    width = typeset.measure(fonts, "对方让他保密、", size)  # room for the first phrase
    assert typeset.balanced(fonts, "对方让他保密、转账", size, width) == ["对方让他保密、", "转账"]
    text = "我是公安局的，你的卡涉嫌洗钱。"
    lines = typeset.balanced(fonts, text, size, typeset.measure(fonts, text, size) - 1)
    assert lines == ["我是公安局的，", "你的卡涉嫌洗钱。"]


def test_phrase_breaks_never_cost_an_extra_line(fonts) -> None:
    # 想证明清白， is one phrase; the rest is too long for one line and must break inside
    text = "想证明清白，存款全转到安全账户！"
    width = typeset.measure(fonts, "存款全转到安全", 52)
    plain = typeset.wrap(fonts, text, 52, width)
    lines = typeset.balanced(fonts, text, 52, width)
    assert plain is not None and lines is not None
    assert len(lines) <= len(plain) and lines[0] == "想证明清白，"


@settings(max_examples=80, deadline=None)
@given(
    parts=st.lists(piece, min_size=1, max_size=40),
    width=st.integers(160, 700),
    size=st.integers(24, 60),
)
def test_balanced_wrap_obeys_kinsoku_width_and_line_count(fonts, parts, width, size) -> None:
    text = "".join(parts).strip() or "新"
    greedy = typeset.wrap(fonts, text, size, width)
    lines = typeset.balanced(fonts, text, size, width)
    assert (lines is None) == (greedy is None)
    if lines is None or greedy is None:
        return
    assert len(lines) <= len(greedy)
    for line in lines:
        assert typeset.measure(fonts, line, size) <= width
    _assert_rules(lines, text)


def test_stamp_breaks_the_slogan_at_its_space(fonts) -> None:
    from fanzha.renderer.canvas import Canvas
    from fanzha.renderer.chrome import plan_stamp
    from fanzha.renderer.comic import Metrics
    from PIL import Image

    canvas = Canvas(Image.new("RGB", (10, 10)), fonts)
    for large in (False, True):
        layout, _, _ = plan_stamp(canvas, "不乱贷 不信“修复”", Metrics(1.0, 1.3), 28, large)
        assert layout.lines == ("不乱贷", "不信“修复”")
        assert layout.text == "不乱贷 不信“修复”"
