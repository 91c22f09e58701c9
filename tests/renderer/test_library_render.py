"""Every bundled warning in every screen format and mode: the whole story, the text floors,
words never broken, and (strips) staging measured from the manifest's geometry."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from fanzha.content import ContentConfig, CopyContext, WarningCopy, load_library
from fanzha.renderer import FORMATS, Manifest, Style, output, render_card, words
from fanzha.renderer import text as typeset
from fanzha.renderer.story import story_panels

from tests.renderer.test_words import inside_breaks

CONFIG = ContentConfig(bank_name={"zh-CN": "新市民银行", "en": "Xinmin Bank"}, bank_phone="95500")
SCREEN_FORMATS = [name for name, f in FORMATS.items() if f.kind != "poster"]
MODES = [False, True]


def bundled() -> list[WarningCopy]:
    """Every variant of every bundled warning in every locale, resolved."""
    library = load_library()
    copies = []
    for warning_id in library.ids():
        for locale in library.locales(warning_id):
            context = CopyContext.for_locale(CONFIG, locale, segment_label="新市民")
            for variant in library.get(warning_id, locale).variant_ids():
                copies.append(library.resolve(warning_id, variant, locale, context))
    return copies


def _name(copy: WarningCopy) -> str:
    return f"{copy.warning_id}/{copy.variant}/{copy.locale}"


def _render_all(fmt: str, large: bool, out: Path) -> list[tuple[WarningCopy, Manifest | Exception]]:
    rendered: list[tuple[WarningCopy, Manifest | Exception]] = []
    for copy in bundled():
        path = out / f"{copy.warning_id}-{copy.variant}-{copy.locale}.webp"
        try:
            rendered.append((copy, render_card(copy, fmt, Style(large_text=large), out=path)))
        except Exception as err:  # collected so one failure names every broken warning
            rendered.append((copy, err))
    return rendered


def _bare(name: str) -> str:
    return re.sub(r"^p\d+\.", "", name)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _check_render(copy: WarningCopy, m: Manifest, fmt: str, large: bool) -> list[str]:
    """Everything a reader would notice, as a list of problems (empty when all is well)."""
    problems = []
    panels, _ = story_panels(copy, large)
    shown = sorted(n for e in m.extra["images"] for n in e["panels"])
    if shown != list(range(1, len(panels) + 1)):
        problems.append(f"panels {shown} of {len(panels)}")
    drawn = {_bare(t.name).split(".")[0] for t in m.text_boxes if ".panel" in "." + t.name}
    for i, panel in enumerate(panels, start=1):
        if panel.lines and f"panel{i}" not in drawn:
            problems.append(f"panel{i} has no words drawn")
    floor = FORMATS[fmt].body_min_px(large)
    for box in m.text_boxes:
        where = f"{box.name} {box.text!r}"
        if box.font_px < floor:  # every text box, display text included
            problems.append(f"{where}: {box.font_px} px < {floor}")
        if box.contrast < (7.0 if large else 4.5):
            problems.append(f"{where}: contrast {box.contrast:.2f}")
        if large and len(box.lines) > 1 and box.line_height / box.font_px < 1.3:
            problems.append(f"{where}: line spacing {box.line_height / box.font_px:.2f}")
        for word in inside_breaks(box.text, box.lines):
            if not any(word in split for split in box.splits):
                problems.append(f"{where}: breaks inside {word!r}: {box.lines}")
    return problems


def _check_staging(m: Manifest) -> list[str]:
    """Staging measured from geometry (strips and cards alike): balloons clear of faces, props
    and each other; tails aimed at mouths; medium-shot figures a third of the panel tall;
    phones in hand; the screen the script names shown in its panel."""
    problems = []
    for g in m.extra["geometry"]:
        p = f"panel{g['panel']}"
        boxes = [b["box"] for b in g["balloons"]]
        faces = [f["face"] for f in g["figures"]]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if _overlap(a, b):
                    problems.append(f"{p}: balloons overlap")
            for face in faces:
                if _overlap(a, face):
                    problems.append(f"{p}: a balloon covers a face")
            for prop in g["props"]:
                if _overlap(a, prop):
                    problems.append(f"{p}: a balloon covers a phone or screen")
            if g["caption"] and _overlap(a, g["caption"]):
                problems.append(f"{p}: a balloon covers the caption")
        for b in g["balloons"]:
            tail = b["tail"]
            if tail is None:
                continue
            (sx, sy), (tx, ty), (ax, ay) = tail["from"], tail["tip"], tail["points_at"]
            # the tail runs from its balloon straight towards the speaker's mouth
            cross = abs((tx - sx) * (ay - sy) - (ty - sy) * (ax - sx))
            length = math.hypot(tx - sx, ty - sy) or 1
            if cross / length > 6:
                problems.append(f"{p}: {b['name']} tail misses the mouth by {cross / length:.0f}px")
            speaker = [f for f in g["figures"] if f["role"] == b["speaker"]]
            if speaker and list(speaker[0]["mouth"]) != [ax, ay]:
                problems.append(f"{p}: {b['name']} tail aims elsewhere than its speaker's mouth")
        panel_h = g["box"][3] - g["box"][1]
        if g["shot"] == "medium":
            for f in g["figures"]:
                if f["remote"]:
                    continue
                visible = f["visible"][3] - f["face"][1]
                if visible < panel_h / 3:
                    problems.append(f"{p}: {f['role']} is {visible}px of a {panel_h}px panel")
        if g["phone"] and not any(f["holding"] for f in g["figures"]):
            problems.append(f"{p}: a phone panel where nobody holds the phone")
        if g["screen_box"] is not None and not _inside(g["screen_box"], g["box"]):
            problems.append(f"{p}: the phone screen runs out of its panel")
    return problems


def _check_screens(copy: WarningCopy, m: Manifest, large: bool) -> list[str]:
    """Every panel whose script names a phone screen shows it, with its words."""
    problems = []
    panels, _ = story_panels(copy, large)
    staged = {g["panel"]: g for g in m.extra["geometry"]}
    words = {_bare(t.name).split(".")[0]: set() for t in m.text_boxes}
    for t in m.text_boxes:
        if ".screen." in t.name:
            words[_bare(t.name).split(".")[0]].add(t.text)
    for i, panel in enumerate(panels, start=1):
        if panel.screen is None:
            continue
        g = staged.get(i)
        if g is None or g["screen"] != panel.screen.kind or g["screen_box"] is None:
            problems.append(f"panel{i}: its {panel.screen.kind} screen is not shown")
        elif panel.screen.title not in words.get(f"panel{i}", set()):
            problems.append(f"panel{i}: the screen's words are missing")
    return problems


_check_strip = _check_staging  # the strip's tests call it by its first name


def _inside(a, b) -> bool:
    return b[0] <= a[0] <= a[2] <= b[2] and b[1] <= a[1] <= a[3] <= b[3]


@pytest.mark.slow
@pytest.mark.parametrize("large", MODES, ids=["normal", "large"])
@pytest.mark.parametrize("fmt", SCREEN_FORMATS)
def test_every_bundled_warning_renders_whole_readable_and_unbroken(
    tmp_path, monkeypatch, fmt, large
) -> None:
    # What is checked here is drawn, not encoded: skipping the WebP encode (three quarters of
    # a render's time; test_card.py and test_strip.py encode) keeps CI inside its budget.
    encoded: list[Path] = []
    monkeypatch.setattr(output, "save_image", lambda img, path, ext: encoded.append(path))
    problems = []
    for copy, m in _render_all(fmt, large, tmp_path):
        if isinstance(m, Exception):
            problems.append(f"{_name(copy)}: {type(m).__name__}: {m}")
            continue
        problems += [f"{_name(copy)}: {p}" for p in _check_render(copy, m, fmt, large)]
        problems += [f"{_name(copy)}: {p}" for p in _check_staging(m)]
        if fmt != "banner":  # 675 px tall: a phone screen at the text floors fits only some
            problems += [f"{_name(copy)}: {p}" for p in _check_screens(copy, m, large)]
    assert encoded, "nothing reached the encoder"
    assert not problems, "\n".join(problems[:60])


def test_the_library_is_bundled_in_both_locales() -> None:
    copies = bundled()
    assert len(copies) >= 40
    assert {c.locale for c in copies} >= {"zh-CN", "en"}


def test_the_dictionary_check_catches_a_split_word() -> None:
    # the checker itself can fail: a break inside 安全账户 is found
    assert set(inside_breaks("转到安全账户", ("转到安全", "账户"))) == {"安全账户"}
    assert words.boundaries("转到安全账户") >= {2}
    assert typeset.split_words("转到安全账户", ("转到安全", "账户")) == ("安全账户",)
