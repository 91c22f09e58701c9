"""Comic cards: every format in both modes fits, meets accessibility minimums, writes a manifest."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from fanzha.renderer import FORMATS, RenderCache, Style, render_card
from fanzha.renderer.errors import TextOverflowError, UnknownFormat
from PIL import Image

from tests.renderer.conftest import AUTHORITIES

CARD_FORMATS = [name for name, f in FORMATS.items() if f.kind == "card"]


def _inside(inner, outer) -> bool:
    return (
        outer[0] <= inner[0] <= inner[2] <= outer[2]
        and outer[1] <= inner[1] <= inner[3] <= outer[3]
    )


@pytest.mark.parametrize("fmt", CARD_FORMATS)
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_card_renders_within_limits(tmp_path, warning, fmt, large) -> None:
    out = tmp_path / f"{fmt}.png"
    if fmt == "banner" and large:
        # 675 px tall cannot always hold a panel's three lines at 52 px: a clean, named refusal
        try:
            render_card(warning, fmt, Style(large_text=large), out=out)
        except TextOverflowError as err:
            assert "'panel" in str(err) and not out.exists()
            return
    m = render_card(warning, fmt, Style(large_text=large), out=out)
    img = Image.open(out)
    assert img.size == (FORMATS[fmt].width, FORMATS[fmt].height)
    data = json.loads((tmp_path / f"{fmt}.png.json").read_text(encoding="utf-8"))
    assert data["format"] == fmt and data["size_px"] == list(img.size)
    assert data["min_contrast"] >= (7.0 if large else 4.5)
    names = {re.sub(r"^p\d+\.", "", b["name"]) for b in data["text_boxes"]}
    assert {"title", "stamp", "action", "hotline"} <= names
    minimum = FORMATS[fmt].body_min_px(large)
    for box in data["text_boxes"]:
        assert _inside(box["box"], (0, 0, *img.size)), box
        assert box["contrast"] >= (7.0 if large else 4.5)
        if box["role"] in ("body", "caption"):
            assert box["font_px"] >= minimum
        if large and len(box["lines"]) > 1:
            assert box["line_spacing"] >= 1.3
        assert "".join(box["lines"]).replace(" ", "") == box["text"].replace(" ", "").replace(
            "\n", ""
        )
    assert m.alt_text.splitlines()[0]  # one-line description first
    assert data["cache_key"] == m.cache_key


def test_large_text_on_a_phone_card_is_at_least_54px(tmp_path) -> None:
    m = render_card(AUTHORITIES, "card", Style(large_text=True), out=tmp_path / "c.png")
    body = [t for t in m.text_boxes if t.role in ("body", "caption")]
    assert body and min(t.font_px for t in body) >= 54
    normal = render_card(AUTHORITIES, "card", Style(), out=tmp_path / "n.png")
    assert min(t.font_px for t in normal.text_boxes if t.role in ("body", "caption")) >= 42


def test_balloons_stay_inside_their_panels_and_off_faces(tmp_path) -> None:
    m = render_card(AUTHORITIES, "card", Style(layout="grid"), out=tmp_path / "g.png")
    from fanzha.renderer.story import shown_caption

    panels = [t for t in m.text_boxes if ".panel" in t.name or t.name.startswith("panel")]
    n = len(AUTHORITIES.panels)
    captions = [shown_caption(AUTHORITIES, p, i, n) for i, p in enumerate(AUTHORITIES.panels)]
    assert len(panels) == sum(len(p.lines) for p in AUTHORITIES.panels) + sum(map(bool, captions))
    # text boxes of one panel never overlap each other
    for a in panels:
        for b in panels:
            if a is not b and a.name.split(".")[0] == b.name.split(".")[0]:
                ax0, ay0, ax1, ay1 = a.box
                bx0, by0, bx1, by1 = b.box
                assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0


def test_alt_text_lists_the_dialogue_in_reading_order(tmp_path) -> None:
    m = render_card(AUTHORITIES, "story", Style(), out=tmp_path / "s.png")
    lines = m.alt_text.splitlines()
    assert "警察不会在电话里办案" in lines[0]
    dialogue = [ln.split("：", 1)[1] for ln in lines[1:]]
    expected = []
    for p in AUTHORITIES.panels:
        expected += [p.caption, *(ln.text for ln in p.lines)]
    assert dialogue == expected


def _overlong(panel_index: int):
    panel = AUTHORITIES.panels[panel_index]
    long = dataclasses.replace(
        panel,
        caption="对方让他保密转账" * 2,
        lines=tuple(dataclasses.replace(ln, text=ln.text * 8) for ln in panel.lines),
    )
    panels = list(AUTHORITIES.panels)
    panels[panel_index] = long
    return dataclasses.replace(AUTHORITIES, panels=tuple(panels))


def test_text_too_long_for_any_layout_names_the_box(tmp_path) -> None:
    with pytest.raises(TextOverflowError, match="panel4"):
        render_card(_overlong(3), "banner", Style(large_text=True), out=tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_a_story_too_long_for_one_card_becomes_a_carousel_of_every_panel(tmp_path) -> None:
    m = render_card(AUTHORITIES, "card", Style(large_text=True), out=tmp_path / "x.png")
    images = m.extra["images"]
    assert m.extra["carousel"] and len(images) >= 2
    assert sorted(n for e in images for n in e["panels"]) == [1, 2, 3, 4]
    for entry in images:
        assert Image.open(tmp_path / entry["image"]).size == (1080, 1350)
    drawn = {t.name.split(".")[-2] for t in m.text_boxes if "panel" in t.name}
    assert drawn == {"panel1", "panel2", "panel3", "panel4"}
    for panel in AUTHORITIES.panels:
        for line in panel.lines:
            assert line.text in m.alt_text


def test_unknown_format_lists_known_ones(tmp_path) -> None:
    with pytest.raises(UnknownFormat, match="card, story"):
        render_card(AUTHORITIES, "poster-a5", out=tmp_path / "x.png")


def test_cache_hit_returns_the_same_file_without_redrawing(tmp_path, monkeypatch) -> None:
    cache = RenderCache(tmp_path / "cache")
    first = render_card(AUTHORITIES, "card", Style(), cache=cache)
    assert first.image_path == cache.path(first.cache_key, "webp")
    assert first.image_key == f"{first.cache_key}.webp"
    import fanzha.renderer.api as api

    monkeypatch.setattr(
        api, "render_card_image", lambda *a, **k: pytest.fail("redrew a cached card")
    )
    again = render_card(AUTHORITIES, "card", Style(), cache=cache, out=tmp_path / "copy.webp")
    assert again.cache_key == first.cache_key
    assert (tmp_path / "copy.webp").read_bytes() == first.image_path.read_bytes()
    assert (
        json.loads((tmp_path / "copy.webp.json").read_text(encoding="utf-8"))["cache_key"]
        == first.cache_key
    )


def test_another_font_is_drawn_again_not_answered_from_the_cache(tmp_path) -> None:
    from fanzha.renderer.fonts import FontSet, default_fonts

    serif = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    if not serif.is_file():
        pytest.skip("Noto Serif CJK (fonts-noto-cjk) is not installed")
    cache = RenderCache(tmp_path / "cache")
    sans = render_card(AUTHORITIES, "card", Style(), cache=cache, fonts=default_fonts())
    other = render_card(AUTHORITIES, "card", Style(), cache=cache, fonts=FontSet(serif))
    assert other.cache_key != sans.cache_key
    assert other.extra["font"]["name"] != sans.extra["font"]["name"]
    assert other.image_path.read_bytes() != sans.image_path.read_bytes()
    again = render_card(AUTHORITIES, "card", Style(), cache=cache, fonts=default_fonts())
    assert again.cache_key == sans.cache_key


def test_cache_key_changes_with_text_format_style_type_and_font() -> None:
    from fanzha.renderer import cache_key

    base = cache_key(AUTHORITIES, "card", Style().key(), "webp", font="A")
    changed = dataclasses.replace(AUTHORITIES, slogan="不转账")
    assert (
        len(
            {
                base,
                cache_key(changed, "card", Style().key(), "webp", font="A"),
                cache_key(AUTHORITIES, "story", Style().key(), "webp", font="A"),
                cache_key(AUTHORITIES, "card", Style(large_text=True).key(), "webp", font="A"),
                cache_key(AUTHORITIES, "card", Style().key(), "png", font="A"),
                cache_key(
                    dataclasses.replace(AUTHORITIES, locale="en"),
                    "card",
                    Style().key(),
                    "webp",
                    font="A",
                ),
                cache_key(AUTHORITIES, "card", Style().key(), "webp", font="B"),
            }
        )
        == 7
    )
    assert base == cache_key(AUTHORITIES, "card", Style().key(), "webp", font="A")


def test_balloon_tails_aim_at_the_drawn_head() -> None:
    from fanzha.renderer import figures
    from fanzha.renderer.characters import character_head, character_head_radius

    # wide, tall and tiny boxes: the drawing is centred and scaled, so a fixed share would miss
    for box in [(0, 0, 124, 200), (40, 60, 400, 260), (10, 10, 90, 400), (0, 0, 81, 130)]:
        assert figures.head_point(box) == character_head(box)
        assert figures.head_radius(box) == character_head_radius(box)


def test_large_text_story_tells_all_four_panels(tmp_path) -> None:
    m = render_card(AUTHORITIES, "story", Style(large_text=True), out=tmp_path / "s.png")
    assert m.extra["panels_shown"] == [1, 2, 3, 4]
    assert min(t.font_px for t in m.text_boxes if t.role != "display") >= 54


@pytest.mark.parametrize("kind", ["call", "share", "chat", "transfer", "video", "link"])
def test_a_card_shows_the_screen_the_script_names_beside_the_victim_holding_the_phone(
    tmp_path, kind
) -> None:
    from tests.renderer.test_library_render import _check_render, _check_screens, _check_staging
    from tests.renderer.test_strip import SCREENS, _screen_story

    copy = _screen_story(kind)
    large = kind == "chat"  # one large-text carousel among them
    m = render_card(copy, "card", Style(large_text=large), out=tmp_path / "c.png")
    assert _check_render(copy, m, "card", large) == []
    assert _check_staging(m) == [] and _check_screens(copy, m, large) == []
    g = next(g for g in m.extra["geometry"] if g["panel"] == 2)
    assert g["screen"] == kind and g["phone"]
    holder = [f for f in g["figures"] if f["holding"]]
    assert holder and holder[0]["role"] == "young_worker" and holder[0]["holding"] == "hand"
    # the caller is on the line, not in the room: no scammer stands in the victim's panel
    assert not any(f["role"].startswith("scammer") for f in g["figures"])
    words = {t.text for t in m.text_boxes if ".panel2.screen." in "." + t.name}
    assert {SCREENS[kind].title, *SCREENS[kind].lines} <= words
    page = Image.open(tmp_path / m.extra["images"][g["image"]]["image"])
    x0, y0, x1, y1 = g["screen_box"]
    assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height


def test_card_tails_point_at_mouths_and_medium_shots_show_faces_large(tmp_path) -> None:
    from tests.renderer.test_library_render import _check_staging

    m = render_card(AUTHORITIES, "card", Style(large_text=True), out=tmp_path / "c.png")
    assert _check_staging(m) == []
    tails = [b["tail"] for g in m.extra["geometry"] for b in g["balloons"] if b["tail"]]
    mouths = {tuple(f["mouth"]) for g in m.extra["geometry"] for f in g["figures"]}
    assert tails and all(tuple(t["points_at"]) in mouths for t in tails if t)
    shots = {g["shot"] for g in m.extra["geometry"]}
    assert shots & {"close", "medium"}  # not every panel two small full-length figures
