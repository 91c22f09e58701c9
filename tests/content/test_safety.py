"""Copy safety rules and display width, property-tested where it matters."""

from __future__ import annotations

from fanzha.content import LIMITS, display_width, limits_table
from fanzha.content.safety import check_cooling_off, check_text
from hypothesis import given, settings
from hypothesis import strategies as st

ALLOWED = frozenset({"110", "96110", "12381", "95500"})
numbers = st.text(alphabet="0123456789", min_size=5, max_size=12).filter(lambda n: n not in ALLOWED)
separators = st.sampled_from(["", " ", "-"])


@settings(max_examples=80, deadline=None)
@given(number=numbers, sep=separators, before=st.sampled_from(["拨打", "Call ", "请联系", ""]))
def test_any_other_phone_number_is_refused_even_from_a_scammer(
    number: str, sep: str, before: str
) -> None:
    written = sep.join([number[:3], number[3:]])
    for scammer in (False, True):
        found = check_text(
            f"{before}{written}核实", allowed_numbers=ALLOWED, speaks_as_scammer=scammer
        )
        assert any("phone number" in f.message for f in found), written


@settings(max_examples=40, deadline=None)
@given(number=st.sampled_from(sorted(ALLOWED)), amount=st.integers(10_000, 10**9))
def test_official_numbers_and_amounts_pass(number: str, amount: int) -> None:
    text = f"拨打{number}核实，不要转账{amount}元"
    assert check_text(text, allowed_numbers=ALLOWED, speaks_as_scammer=False) == []


def test_full_width_digits_are_phone_numbers_too() -> None:
    (found,) = check_text(
        "拨打１３８００１３８０００", allowed_numbers=ALLOWED, speaks_as_scammer=False
    )
    assert found.needle == "１３８００１３８０００"


def test_lure_variants() -> None:
    lures = ["点链接退款", "扫码领取红包", "tap the link to get paid", "add me on WeChat", "加我QQ"]
    for text in lures:
        assert check_text(text, allowed_numbers=ALLOWED, speaks_as_scammer=False), text
        assert check_text(text, allowed_numbers=ALLOWED, speaks_as_scammer=True) == [], text


def test_cooling_off_in_english_and_chinese_numerals() -> None:
    assert [f.needle for f in check_cooling_off("七天内还款免息")] == ["七天"]
    assert [f.needle for f in check_cooling_off("as the regulation requires")] == ["regulation"]
    assert check_cooling_off("您可在冷静期内提前还款，日常用款请量力而行") == []


def test_display_width_counts_cjk_as_one_and_latin_as_half() -> None:
    assert display_width("警察不会") == 4
    assert display_width("Call 110") == 4
    assert display_width("不转账，不乱投！") == 8
    assert display_width("“安全账户”") == 6


def test_limits_table_covers_every_limit() -> None:
    rows = dict(limits_table())
    assert rows["push.body"] == "<= 60" and rows["comic panels"] == "exactly 4"
    assert set(LIMITS) <= set(rows)
