"""`fanzha render` served from the derived-data cache draws what a fresh render draws.

A second render takes its copy and the bank's terms from the cache (no settings model, no
library model, no Jinja2) and its characters and scenes from cached drawings; an edited
library file, a changed variable or another font is never answered from a stale entry.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fanzha.content.files import BUNDLED

from tests.conftest import TEST_BANK, TEST_KEYS

PROBE = """
import json, sys
from fanzha.renderer import characters
drawn = []
for name in ("_draw_character", "_draw_scene"):
    def counted(*args, _draw=getattr(characters, name)):
        drawn.append(args)
        return _draw(*args)
    setattr(characters, name, counted)
from fanzha.campaigns.cli import main
sys.argv = ["fanzha", *sys.argv[1:]]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
print("PROBE", json.dumps({"code": code, "drawn": len(drawn), "modules": sorted(sys.modules)}),
      file=sys.stderr)
"""

SKIPPED = {
    "pydantic",
    "pydantic_settings",
    "jinja2",
    "fanzha.campaigns.settings",
    "fanzha.content.library",
    "fanzha.content.model",
}


def render(tmp_path: Path, out: str, *extra: str, **env: str) -> dict:
    """One `fanzha render WARNING --format strip` (credit-repair unless ``extra`` names
    another first) in a fresh interpreter, as the console script runs it; what it reported
    (exit code, drawings drawn, modules, stderr)."""
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FANZHA_CACHE_DIR": str(tmp_path / "c")}
    args = ["render", *(extra or ["credit-repair"]), "--format", "strip"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args, "--out", str(tmp_path / out / "s.webp")],
        capture_output=True,
        text=True,
        env={**base, **TEST_BANK, **TEST_KEYS, **env},
        cwd=tmp_path,
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("PROBE "))
    report = json.loads(line.split(" ", 1)[1])
    report["stderr"] = done.stderr
    return report


def images(folder: Path) -> dict[str, bytes]:
    """Every image a render wrote, by name."""
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.webp"))}


def alt_text(folder: Path) -> str:
    """The manifest's alt text (every word the strip shows)."""
    return json.loads((folder / "s.webp.json").read_text(encoding="utf-8"))["alt_text"]


def test_a_second_render_reads_no_settings_or_library_and_draws_no_figure(
    tmp_path: Path,
) -> None:
    first = render(tmp_path, "a")
    assert first["code"] == 0 and first["drawn"] > 0
    # the first run read the settings and the library (plain copy needs no Jinja2)
    assert SKIPPED - {"jinja2"} <= set(first["modules"])
    again = render(tmp_path, "b")
    assert again["code"] == 0
    assert again["drawn"] == 0  # every character and scene came from the cache
    assert SKIPPED.isdisjoint(again["modules"]), SKIPPED & set(again["modules"])
    assert len(images(tmp_path / "a")) == 6
    assert images(tmp_path / "a") == images(tmp_path / "b")
    off = render(tmp_path, "off", FANZHA_CACHE_DIR="off")  # no cache: all drawn afresh
    assert off["code"] == 0 and off["drawn"] == first["drawn"]
    assert images(tmp_path / "off") == images(tmp_path / "a")


def test_an_edited_library_file_is_read_again(tmp_path: Path) -> None:
    library = tmp_path / "library"
    shutil.copytree(BUNDLED, library)
    content = {"FANZHA_CONTENT": str(library)}
    assert render(tmp_path, "a", **content)["code"] == 0
    assert render(tmp_path, "b", **content)["code"] == 0  # answered by the cache
    story = library / "zh-CN" / "credit-repair.yaml"
    text = story.read_text(encoding="utf-8")
    title = next(ln for ln in text.splitlines() if ln.startswith("title:"))
    story.write_text(text.replace(title, "title: 征信不能花钱洗白"), encoding="utf-8")
    edited = render(tmp_path, "c", **content)
    assert edited["code"] == 0 and "fanzha.content.library" in edited["modules"]
    assert "征信不能花钱洗白" in alt_text(tmp_path / "c")
    assert render(tmp_path, "d", FANZHA_CACHE_DIR="off", **content)["code"] == 0
    assert images(tmp_path / "c") == images(tmp_path / "d") != images(tmp_path / "a")


@pytest.mark.parametrize(
    ("variable", "value"), [("FANZHA_BANK_NAME", "测试农商银行"), ("FANZHA_BANK_PHONE", "95599")]
)
def test_a_changed_bank_variable_reaches_the_copy(
    tmp_path: Path, variable: str, value: str
) -> None:
    warning = "impersonating-bank"  # its strip names the bank and its number
    assert render(tmp_path, "a", warning)["code"] == 0
    assert render(tmp_path, "b", warning)["code"] == 0  # cached under the first bank's terms
    changed = render(tmp_path, "c", warning, **{variable: value})
    assert changed["code"] == 0 and "pydantic_settings" in changed["modules"]
    assert value in alt_text(tmp_path / "c") and TEST_BANK[variable] not in alt_text(tmp_path / "c")
    uncached = render(tmp_path, "d", warning, FANZHA_CACHE_DIR="off", **{variable: value})
    assert uncached["code"] == 0
    assert images(tmp_path / "c") == images(tmp_path / "d") != images(tmp_path / "a")


def test_a_bad_variable_is_reported_after_a_cached_render(tmp_path: Path) -> None:
    assert render(tmp_path, "a")["code"] == 0
    for run in ("b", "c"):  # nothing is stored for a bad variable: reported every time
        bad = render(tmp_path, run, FANZHA_BANK_PHONE="call us")
        assert bad["code"] == 1 and "FANZHA_BANK_PHONE" in bad["stderr"]


def test_another_font_is_drawn_with_after_a_cached_render(tmp_path: Path) -> None:
    serif = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    if not serif.is_file():
        pytest.skip("needs Noto Serif CJK (fonts-noto-cjk) as a second CJK font")
    assert render(tmp_path, "a")["code"] == 0
    assert render(tmp_path, "b", FANZHA_FONT=str(serif))["code"] == 0
    assert render(tmp_path, "c", FANZHA_FONT=str(serif), FANZHA_CACHE_DIR="off")["code"] == 0
    assert images(tmp_path / "b") == images(tmp_path / "c") != images(tmp_path / "a")
    missing = render(tmp_path, "d", FANZHA_FONT=str(tmp_path / "none.ttf"))
    assert missing["code"] == 1 and "none.ttf" in missing["stderr"]


def test_no_secret_reaches_the_cache_folder(tmp_path: Path) -> None:
    assert render(tmp_path, "a")["code"] == 0
    stored = b"".join(p.read_bytes() for p in (tmp_path / "c").rglob("*") if p.is_file())
    assert stored and not any(key.encode() in stored for key in TEST_KEYS.values())
