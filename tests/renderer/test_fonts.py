"""The CJK font: Debian's Noto Sans CJK when installed, else the pip font; named in manifests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fanzha.renderer import RenderCache, Style, render_card
from fanzha.renderer.fonts import SYSTEM_NOTO, FontSet, _package_font, find_font, font_info

from tests.renderer.conftest import CREDIT

DEBIAN = Path(SYSTEM_NOTO[0])
needs_debian_font = pytest.mark.skipif(not DEBIAN.is_file(), reason="fonts-noto-cjk not installed")


@needs_debian_font
def test_the_system_noto_sans_cjk_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FANZHA_FONT", raising=False)
    assert find_font() == DEBIAN


@needs_debian_font
def test_the_simplified_chinese_face_and_the_bold_file_are_used() -> None:
    fonts = FontSet(DEBIAN)
    assert fonts.face(40).getname() == ("Noto Sans CJK SC", "Regular")  # not the JP face 0
    assert fonts.face(40, "Bold").getname() == ("Noto Sans CJK SC", "Bold")
    assert fonts.face(40, "Black").getname()[1] == "Bold"  # the nearest weight installed
    info = fonts.info
    assert info["name"] == "Noto Sans CJK SC" and info["licence"] == "OFL-1.1"
    assert info["version"].startswith("Version 2.") and info["file"] == "NotoSansCJK-Regular.ttc"


def test_the_configured_font_wins_over_the_system_one(monkeypatch: pytest.MonkeyPatch) -> None:
    package = _package_font()
    if package is None:
        pytest.skip("manimgx-fonts-cjk not installed")
    monkeypatch.setenv("FANZHA_FONT", str(package))
    assert find_font() == package
    assert font_info(package)["name"] == "Noto Sans CJK SC"  # face 2 of the pip collection


def test_every_card_manifest_names_the_font(tmp_path: Path, fonts: FontSet) -> None:
    cache = RenderCache(tmp_path)
    manifest = render_card(CREDIT, "card", Style(), cache=cache, fonts=fonts)
    written = json.loads(Path(f"{manifest.image_path}.json").read_text(encoding="utf-8"))
    assert written["font"] == fonts.info
    assert {"name", "version", "licence", "file"} <= set(written["font"])
    assert cache.get(manifest.cache_key, "webp").to_dict()["font"] == fonts.info  # read back
