"""The strip format: whole story at full width, phone screens, shots, geometry a reader notices."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from fanzha.content.copy import CastMember, Line, Panel, Screen, WarningCopy
from fanzha.renderer import Style, render_card
from fanzha.renderer.stage import stage
from PIL import Image

from tests.renderer.conftest import AUTHORITIES
from tests.renderer.test_library_render import _check_render, _check_strip

VICTIM = CastMember("young_worker", "worried", "left", "young_man")
AGENT = CastMember("scammer_phone", "calm", "right", "agent_headset")
SCREENS = {
    "call": Screen("call", "公安局", ("来电 010-110",)),
    "share": Screen("share", "“客服”请求共享您的屏幕", ("对方将看到您屏幕上的所有内容",)),
    "chat": Screen("chat", "股神交流群（328）", ("老师：今天跟我买，稳赚", "群友：又赚了三万！")),
    "transfer": Screen("transfer", "转账到“安全账户”", ("收款人：李某某", "金额：50,000.00")),
    "video": Screen("video", "“王总”视频通话", ("画面模糊，声音卡顿",)),
    "link": Screen("link", "点击领取退款", ("refund-example.cn/claim",)),
}


def _screen_story(kind: str) -> WarningCopy:
    panels = (
        Panel(
            "dormitory",
            (VICTIM, AGENT),
            (
                Line("scammer_phone", "您的快递丢了，我们三倍赔偿。"),
                Line("young_worker", "真的吗？"),
            ),
            "小吴接到“客服”电话",
        ),
        Panel(
            "dormitory",
            (dataclasses.replace(VICTIM, expression="alarmed"), AGENT),
            (Line("scammer_phone", "按我说的操作，马上到账！", "alarm"),),
            "对方发来一个画面",
            screen=SCREENS[kind],
        ),
        Panel(
            "dormitory",
            (VICTIM,),
            (Line("young_worker", "退款为什么要我转钱？", "think"),),
            "小吴停下来想了想",
        ),
        Panel(
            "bank",
            (
                dataclasses.replace(VICTIM, expression="relieved"),
                CastMember("bank_staff", "calm", "right"),
            ),
            (Line("bank_staff", "挂断电话，打官方客服核实。"), Line("young_worker", "幸好没转！")),
            "到银行问个清楚",
        ),
    )
    return dataclasses.replace(
        AUTHORITIES,
        warning_id="fake-customer-service",
        panels=panels,
        if_paid="已经转账？立即拨打110，并联系银行止付。",
    )


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("kind", list(SCREENS))
def test_each_screen_kind_is_shown_beside_the_victim_holding_the_phone(
    tmp_path, kind, large
) -> None:
    copy = _screen_story(kind)
    m = render_card(copy, "strip", Style(large_text=large), out=tmp_path / "s.webp")
    assert _check_render(copy, m, "strip", large) == []
    assert _check_strip(m) == []
    g = m.extra["geometry"][1]
    assert g["screen"] == kind and g["screen_box"] is not None
    holder = [f for f in g["figures"] if f["holding"]]
    assert holder and holder[0]["role"] == "young_worker" and holder[0]["holding"] == "hand"
    assert all(not f["role"].startswith("scammer") for f in g["figures"] if not f["remote"])
    screen_words = {t.text for t in m.text_boxes if t.name.startswith("panel2.screen")}
    assert {SCREENS[kind].title, *SCREENS[kind].lines} <= screen_words
    # the screen is in the picture: its box lies inside panel 2
    x0, y0, x1, y1 = g["screen_box"]
    px0, py0, px1, py1 = g["box"]
    assert px0 <= x0 < x1 <= px1 and py0 <= y0 < y1 <= py1
    assert "安全账户" in m.alt_text or kind != "transfer"


def test_a_call_without_a_screen_puts_the_caller_in_their_own_window(tmp_path) -> None:
    m = render_card(AUTHORITIES, "strip", Style(), out=tmp_path / "a.webp")
    first = m.extra["geometry"][0]
    assert first["phone"] and first["inset"] is not None
    officer = [f for f in first["figures"] if f["role"] == "fake_officer"]
    assert officer and officer[0]["remote"]
    x0, y0, x1, y1 = first["inset"]
    fx0, fy0, fx1, fy1 = officer[0]["face"]
    assert x0 <= (fx0 + fx1) / 2 <= x1 and y0 <= (fy0 + fy1) / 2 <= y1
    victim = next(f for f in first["figures"] if f["role"] == "elderly")
    assert victim["holding"] == "ear" and victim["prop"] is not None


def test_the_strip_is_a_sequence_of_full_width_panel_images_listing_their_panels(
    tmp_path,
) -> None:
    from fanzha.renderer import output

    threaded = output.STATS.threaded
    m = render_card(AUTHORITIES, "strip", Style(), out=tmp_path / "a.webp")
    images = m.extra["images"]
    # the title panel, one image per story panel, the action panel: stacked, the whole strip
    assert [e["panels"] for e in images] == [[], [1], [2], [3], [4], []]
    assert images[0]["image"] == "a.webp" and images[1]["image"] == "a-2.webp"
    top = 0
    for entry in images:
        img = Image.open(tmp_path / entry["image"])
        assert img.size == (1080, entry["size_px"][1]) and entry["top"] == top
        top += img.height
    assert m.size_px == (1080, top) and top > 3000
    # the encodes ran on the encoder threads, beside the drawing (render speed, bench/render.py)
    assert output.STATS.threaded - threaded == len(images)
    boxes = [g["box"] for g in m.extra["geometry"]]
    assert all(b[0] == 0 and b[2] == 1080 for b in boxes)
    assert all(a[3] < b[1] for a, b in itertools.pairwise(boxes))  # in reading order
    for g in m.extra["geometry"]:  # each panel lies in the image that holds it
        entry = images[g["image"]]
        assert entry["panels"] == [g["panel"]]
        assert entry["top"] <= g["box"][1] < g["box"][3] <= entry["top"] + entry["size_px"][1]
    names = {t.name for t in m.text_boxes}
    assert {"title", "stamp", "action", "hotline"} <= names
    hotline = next(t for t in m.text_boxes if t.name == "hotline")
    assert hotline.text == "报警 110 · 反诈专线 96110"


def test_a_strip_is_encoded_losslessly_and_a_failed_render_leaves_no_image(
    tmp_path, monkeypatch
) -> None:
    from fanzha.renderer.errors import AccessibilityError

    m = render_card(AUTHORITIES, "strip", Style(), out=tmp_path / "a.webp")
    for entry in m.extra["images"]:  # text and line art stay sharp: no lossy ringing
        assert (tmp_path / entry["image"]).read_bytes()[12:16] == b"VP8L"  # lossless bitstream

    def refuse(*args: object) -> float:
        raise AccessibilityError("refused")

    # the images encode while the strip is drawn; a render that fails after that removes them
    monkeypatch.setattr("fanzha.renderer.api.check_accessibility", refuse)
    with pytest.raises(AccessibilityError):
        render_card(AUTHORITIES, "strip", Style(), out=tmp_path / "b.webp")
    assert not list(tmp_path.glob("b*")) and not list(tmp_path.glob(".b*"))


def test_the_footer_names_the_bank_line_only_when_configured(tmp_path) -> None:
    m = render_card(
        AUTHORITIES, "strip", Style(bank_line="示例银行 400-000-0000"), out=tmp_path / "b.webp"
    )
    hotline = next(t for t in m.text_boxes if t.name == "hotline")
    assert hotline.text.endswith("示例银行 400-000-0000")
    en = dataclasses.replace(AUTHORITIES, locale="en")
    assert "Police 110 · Anti-fraud hotline 96110" in {
        t.text for t in render_card(en, "strip", Style(), out=tmp_path / "e.webp").text_boxes
    }


def test_stamp_captions_and_footer_each_say_something_different(tmp_path) -> None:
    from fanzha.renderer.story import repeats

    echo = dataclasses.replace(
        AUTHORITIES.panels[3],
        caption="挂断电话，拨打110核实",  # the action, word for word
    )
    copy = dataclasses.replace(AUTHORITIES, panels=(*AUTHORITIES.panels[:3], echo))
    for fmt in ("strip", "card"):
        m = render_card(copy, fmt, Style(), out=tmp_path / f"{fmt}.webp")
        # the copy's own slogan and action may echo each other (the content lint's concern);
        # what the renderer adds, captions and the footer, must not repeat any of them
        chrome = [t.text for t in m.text_boxes if t.name in ("title", "stamp", "action")]
        added = [t.text for t in m.text_boxes if t.name == "hotline" or t.role == "caption"]
        for a in added:
            for b in chrome + [x for x in added if x is not a]:
                assert not repeats(a, b), (fmt, a, b)
        assert "挂断电话，拨打110核实" in m.alt_text  # the screen reader still hears it


def test_elder_cut_is_used_in_large_text_and_every_panel_otherwise(tmp_path) -> None:
    cut = (AUTHORITIES.panels[1], AUTHORITIES.panels[3])
    copy = dataclasses.replace(AUTHORITIES, elder_panels=cut)
    large = render_card(copy, "strip", Style(large_text=True), out=tmp_path / "l.webp")
    assert large.extra["elder_cut"] and large.extra["panels_shown"] == [1, 2]
    normal = render_card(copy, "strip", Style(), out=tmp_path / "n.webp")
    assert normal.extra["panels_shown"] == [1, 2, 3, 4] and not normal.extra["elder_cut"]
    card = render_card(copy, "card", Style(large_text=True), out=tmp_path / "c.webp")
    assert sorted(n for e in card.extra["images"] for n in e["panels"]) == [1, 2]


def test_shots_follow_the_script_or_the_panel() -> None:
    one, two = AUTHORITIES.panels[2], AUTHORITIES.panels[3]
    assert stage(one, 2).shot == "close"  # one person thinking
    assert stage(two, 3).shot == "medium"
    assert stage(dataclasses.replace(two, shot="wide"), 3).shot == "wide"
    assert stage(AUTHORITIES.panels[0], 0).phone  # "接到“警官”电话": a call
    street = Panel("street", (CastMember("elderly"), CastMember("scammer_phone", side="right")))
    assert not stage(street, 0).phone  # a scammer in person, handing out eggs


WORDS = ["您的", "安全账户", "马上", "转账", "屏幕共享", "验证码", "挂断", "核实", "家人", "电话"]
ROLE_PAIRS = [
    ("elderly", "fake_officer"),
    ("young_worker", "scammer_phone"),
    ("shop_owner", "family"),
    ("elderly", "bank_staff"),
    ("child", "police"),
]


def _boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(
    pair=st.sampled_from(ROLE_PAIRS),
    alone=st.booleans(),
    speakers=st.lists(st.sampled_from([0, 1]), min_size=1, max_size=3),
    lengths=st.lists(st.integers(1, 6), min_size=3, max_size=3),
    kinds=st.lists(st.sampled_from(["say", "alarm", "think"]), min_size=3, max_size=3),
    screen=st.sampled_from([None, *SCREENS]),
    scene=st.sampled_from(["home", "phone_call", "chat", "office", "street"]),
    large=st.booleans(),
)
def test_generated_panels_keep_balloons_off_faces_props_and_each_other(
    fonts, pair, alone, speakers, lengths, kinds, screen, scene, large
) -> None:
    from fanzha.renderer.strip_panel import compose
    from fanzha.renderer.text_box import Metrics

    cast = (CastMember(pair[0], "worried", "left"),)
    if not alone:
        cast += (CastMember(pair[1], "calm", "right"),)
    lines = tuple(
        Line(cast[min(who, len(cast) - 1)].role, "".join(WORDS[: lengths[i]]) + "！", kinds[i])
        for i, who in enumerate(speakers)
    )
    panel = Panel(scene, cast, lines, "小林接到电话", screen=SCREENS[screen] if screen else None)
    size = 54 if large else 42
    m = Metrics(1.0, 1.35 if large else 1.25, compact=large)
    sp = compose(fonts, "p", 1, panel, 1080, size, m)
    assert sp is not None  # short lines always fit a full-width panel
    boxes = [b.placed.outer for b in sp.balloons]
    faces = [f.face for f in sp.figures]
    props = [f.prop for f in sp.figures if f.prop] + ([sp.screen.box] if sp.screen else [])
    for i, a in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= 1080 and a[3] <= sp.height
        assert not any(_boxes_overlap(a, b) for b in boxes[i + 1 :])
        assert not any(_boxes_overlap(a, f) for f in faces)
        assert not any(_boxes_overlap(a, p) for p in props)
        assert sp.caption is None or not _boxes_overlap(a, sp.caption.outer)
    by_role = {f.member.role: f for f in sp.figures}
    for b in sp.balloons:
        if b.speaker in by_role:
            assert b.anchor == by_role[b.speaker].mouth  # the tail aims at the mouth
    if sp.staging.shot == "medium":
        for f in sp.figures:
            if not f.remote:
                assert min(f.box[3], sp.height) - f.face[1] >= sp.height / 3
    if sp.staging.phone:
        assert any(f.holding for f in sp.figures)


def test_a_cached_strip_missing_a_panel_image_is_drawn_again(tmp_path) -> None:
    from fanzha.renderer import RenderCache

    cache = RenderCache(tmp_path)
    first = render_card(AUTHORITIES, "strip", Style(), cache=cache)
    names = [e["image"] for e in first.extra["images"]]
    assert all((tmp_path / n).is_file() for n in names) and len(names) == 6
    assert cache.get(first.cache_key, "webp") is not None  # whole: a hit
    (tmp_path / names[3]).unlink()
    assert cache.get(first.cache_key, "webp") is None  # a panel gone: a miss
    again = render_card(AUTHORITIES, "strip", Style(), cache=cache)
    assert [e["image"] for e in again.extra["images"]] == names
    assert (tmp_path / names[3]).is_file()
