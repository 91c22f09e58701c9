"""The preview gallery and the report open in headless Chromium with every image loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fanzha.campaigns.api import preview

from tests.campaigns.conftest import make_settings
from tests.chromium import launch

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_page(path: Path, screenshot: Path) -> tuple[int, int, list[str]]:
    """(images, images loaded, console errors) of a local HTML file, with a screenshot."""
    playwright = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.resolve().as_uri())
        page.evaluate(
            "Promise.all([...document.images].map(i => { i.loading = 'eager'; return i.decode().catch(() => null); }))"
        )
        page.wait_for_load_state("networkidle")
        total = page.evaluate("document.images.length")
        loaded = page.evaluate(
            "[...document.images].filter(i => i.complete && i.naturalWidth > 0).length"
        )
        page.screenshot(path=str(screenshot), full_page=False)
        boxes = page.evaluate(
            "[...document.querySelectorAll('figure.poster')].map(e => {"
            "const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
        )
        browser.close()
    for i, a in enumerate(boxes):  # poster thumbnails side by side, never on top of each other
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, f"poster thumbnails overlap: {a} {b}"
    return total, loaded, errors


def test_preview_gallery_loads_every_image(tmp_path: Path) -> None:
    from fanzha.campaigns.demo import example_campaign

    out = tmp_path / "preview"
    settings = make_settings(db_url=f"sqlite:///{tmp_path / 'x.db'}", render_processes=2)
    shown = preview(example_campaign(), out, settings=settings)
    assert shown.cards >= 20 and f"{shown.cards} cards" in shown.render()
    index = out / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "file://" not in html and "src='/" not in html  # relative paths only: works offline
    total, loaded, errors = open_page(index, tmp_path / "preview.png")
    assert total >= 20
    assert loaded == total
    assert errors == []
    shutil.copyfile(tmp_path / "preview.png", Path("/tmp/fanzha-preview.png"))
