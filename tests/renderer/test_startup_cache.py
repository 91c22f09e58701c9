"""A render of known copy reads no rjieba dictionary (the words come from the cache) and a
first render builds it once; the font's facts never need fontTools for the fonts installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fanzha.renderer import fonts, words

from tests.conftest import TEST_BANK, TEST_KEYS

FIRST_RUN = """
import json, sys
from fanzha.campaigns.cli import main
from fanzha.renderer import words
sys.argv = ["fanzha", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("FIRST-RUN", json.dumps({
    "segmenters built": words._segmenter.cache_info().misses,
    "texts segmented": words.segment.cache_info().currsize,
    "modules": sorted(sys.modules),
}), file=sys.stderr)
"""


def test_a_first_render_builds_one_dictionary_and_no_font_parser(tmp_path: Path) -> None:
    """An empty cache folder, as on a new machine: rjieba's dictionary is built once, by the
    child that builds it while the render starts up (not also by rjieba's package, whose
    import builds a default one), and fontTools is never imported."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FANZHA_CACHE_DIR": str(tmp_path / "c")}
    out = tmp_path / "out" / "s.webp"
    args = ["render", "credit-repair", "--format", "strip", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", FIRST_RUN, *args],
        capture_output=True,
        text=True,
        env=env | TEST_BANK | TEST_KEYS,
        cwd=tmp_path,
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("FIRST-RUN "))
    report = json.loads(line.split(" ", 1)[1])
    assert out.is_file() and report["texts segmented"] > 0  # it rendered, and segmented
    expected_in_parent = 0 if sys.platform.startswith("linux") else 1
    assert report["segmenters built"] == expected_in_parent
    modules = set(report["modules"])
    assert "rjieba" not in modules  # importing the package builds its default dictionary
    assert not any(m == "fontTools" or m.startswith("fontTools.") for m in modules)
    assert any((tmp_path / "c" / "words").iterdir())  # the next render reads the words


AHEAD = """
import json, sys
from fanzha.renderer import words_ahead
from fanzha.renderer import words
started = words_ahead.start()
texts = json.loads(sys.argv[1])
child = [words_ahead.cut(t) for t in texts]
words_ahead.stop()
here = [words._segmenter().cut(t, True) for t in texts]
print(json.dumps({"started": started, "same": child == here, "after stop": words_ahead.cut("x")}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux")
def test_the_child_cuts_as_the_segmenter_in_process_does(tmp_path: Path) -> None:
    texts = [
        "不要向安全账户转账，挂断电话后拨打96110核实。",
        "陌生人让您下载屏幕共享软件",
        "",
        "OK 好的",
    ]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FANZHA_CACHE_DIR": str(tmp_path / "c")}
    done = subprocess.run(
        [sys.executable, "-c", AHEAD, json.dumps(texts)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(done.stdout) == {"started": True, "same": True, "after stop": None}


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


def test_font_facts_need_no_fonttools(monkeypatch: pytest.MonkeyPatch) -> None:
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
