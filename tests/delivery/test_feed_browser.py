"""The browser view in headless Chromium: cards, images, text, read and dismiss, a screenshot."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.chromium import launch
from tests.delivery.feed_fixtures import (
    T0,
    Env,
    add_feed_item,
    live_server,
    make_env,
    write_image,
)

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/feed_view.png")
ME = "C000000001"
CARDS = [
    (
        (200, 40, 50),
        "警察不会在电话里办案",
        "公检法机关不会通过电话办案，更不会要求转账到“安全账户”。",
    ),
    ((30, 110, 180), "先息后贷都是骗局", "正规贷款放款前不收任何费用，要求先交钱的一律是诈骗。"),
    ((40, 140, 90), "刷单返利不可信", "先给小甜头再让你大额垫付，是刷单诈骗的套路。"),
]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    yield from make_env(f"sqlite:///{tmp_path / 'fanzha.db'}", tmp_path)


def _seed(env: Env) -> None:
    for n, (color, title, body) in enumerate(CARDS):
        key = write_image(env.media_dir, color, f"card {n}")
        add_feed_item(
            env.engine,
            ME,
            n,
            created_at=T0 - timedelta(hours=3 - n),
            image_key=key,
            title=title,
            body=body,
        )
    add_feed_item(env.engine, "C000000002", 9, created_at=T0, title="别人的提醒")


def _until(page, expression: str, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Poll a JS expression until true (page.wait_for_function needs eval, which the CSP bans)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        time.sleep(0.05)


CJK_FONT = re.compile(r"CJK|Hei|Han|PingFang|Song|Kai|WenQuanYi", re.IGNORECASE)


def _cjk_glyphs(page, selector: str) -> int:  # type: ignore[no-untyped-def]
    """How many glyphs of the first match Chromium drew with a CJK font (not tofu boxes)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return sum(f["glyphCount"] for f in fonts if CJK_FONT.search(f["familyName"]))


def test_the_feed_view_shows_every_card_with_its_image(env: Env) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    _seed(env)
    env.auth(ME)
    with live_server(env.app) as base, sync_api.sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}/app?token={env.tokens[ME]}")
            page.wait_for_selector("li.card img")
            _until(
                page,
                "[...document.images].length === 3 && "
                "[...document.images].every(i => i.complete && i.naturalWidth > 0)",
            )
            cards = page.locator("li.card")
            assert cards.count() == 3
            titles = [cards.nth(i).locator("h2").inner_text() for i in range(3)]
            assert titles == [c[1] for c in reversed(CARDS)]  # newest first
            for i in range(3):
                card = cards.nth(i)
                assert card.locator("h2").is_visible() and card.locator("p.body").is_visible()
                assert card.locator("img").get_attribute("alt").startswith("四格漫画")
                width = card.bounding_box()["width"]
                assert 300 < width <= 430
            # Visible means legible: the Chinese copy is drawn with a CJK font, not as boxes.
            # (Needs a CJK system font, e.g. Debian's fonts-noto-cjk.)
            for selector in ("li.card:nth-child(1) h2", "li.card:nth-child(1) p.body"):
                text = page.locator(selector).inner_text()
                han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
                assert _cjk_glyphs(page, selector) >= han > 0, selector
            assert "别人的提醒" not in page.content()
            assert page.locator("#unread").inner_text() == "3"
            # The page is the app's feed: reading a card lowers the unread badge.
            cards.nth(0).locator("button.read-btn").click()
            _until(page, "document.getElementById('unread').textContent === '2'")
            assert cards.nth(0).locator("button.read-btn").is_disabled()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            # Dismissing takes a card out, and it stays out after a reload (cookie session).
            cards.nth(2).locator("button.dismiss-btn").click()
            _until(page, "document.querySelectorAll('li.card').length === 2")
            page.goto(f"{base}/app")
            page.wait_for_selector("li.card")
            _until(page, "document.querySelectorAll('li.card').length === 2")
            assert page.locator("#unread").inner_text() == "1"
            assert errors == []
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000


def _seed_comics(env: Env) -> dict[str, list[str]]:
    """A rendered strip and a rendered large-text carousel in the media dir, one item each."""
    from fanzha.renderer import RenderCache, Style, render_card

    from tests.renderer.conftest import AUTHORITIES

    cache = RenderCache(env.media_dir)
    renders = {
        "strip": render_card(AUTHORITIES, "strip", Style(), cache=cache),
        "carousel": render_card(AUTHORITIES, "card", Style(large_text=True), cache=cache),
    }
    for n, m in enumerate(renders.values()):
        add_feed_item(
            env.engine,
            ME,
            n,
            created_at=T0 - timedelta(hours=1 + n),  # the strip first
            image_key=m.image_key,
            title=AUTHORITIES.push_title,
        )
    return {name: [e["image"] for e in m.extra["images"]] for name, m in renders.items()}


def test_a_strip_scrolls_in_its_item_and_a_carousel_swipes_each_opening_full_screen(
    env: Env,
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    keys = _seed_comics(env)
    assert len(keys["strip"]) >= 4 and len(keys["carousel"]) >= 2
    env.auth(ME)
    with live_server(env.app) as base, sync_api.sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": 412, "height": 915})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}/app?token={env.tokens[ME]}")
            page.wait_for_selector(".comic.strip img")
            strip, carousel = page.locator(".comic.strip"), page.locator(".comic.carousel")
            srcs = lambda frame: [  # noqa: E731
                s.rsplit("/", 1)[1]
                for s in frame.locator("img").evaluate_all("l => l.map(i => i.src)")
            ]
            assert srcs(strip) == keys["strip"] and srcs(carousel) == keys["carousel"]
            # the strip: panel images stacked without gaps, at full item width, scrolled inside
            _until(page, "document.querySelector('.comic.strip img').naturalWidth > 0")
            rects = strip.locator("img").evaluate_all(
                "l => l.map(i => { const r = i.getBoundingClientRect();"
                " return [r.top, r.bottom, r.width]; })"
            )
            assert all(abs(a[1] - b[0]) < 1 for a, b in itertools.pairwise(rects)), rects
            assert all(300 < w <= 430 for _, _, w in rects)
            assert strip.evaluate("f => f.scrollHeight > f.clientHeight * 2")
            strip.evaluate("f => f.scrollTo(0, f.scrollHeight)")
            _until(
                page,
                "[...document.querySelectorAll('.comic.strip img')].every(i => i.complete && i.naturalWidth > 0)",
            )
            # the carousel: pages side by side, one at a time, the hint counting them
            pages = len(keys["carousel"])
            assert carousel.evaluate("f => f.scrollWidth >= f.clientWidth * 2")
            hint = carousel.locator("xpath=following-sibling::p[1]")
            assert hint.inner_text().startswith(f"第 1/{pages} 页")
            carousel.evaluate("f => f.scrollTo(f.clientWidth, 0)")
            _until(
                page,
                f"document.querySelector('.comic.carousel + p').textContent.startsWith('第 2/{pages}')",
            )
            # a tap opens the whole comic full screen; Escape closes it
            strip.click()
            viewer = page.locator(".viewer")
            assert viewer.locator(".pages.strip img").count() == len(keys["strip"])
            page.keyboard.press("Escape")
            _until(page, "!document.querySelector('.viewer')")
            carousel.click()
            assert viewer.locator(".pages.carousel img").count() == pages
            viewer.locator(".close-btn").click()
            _until(page, "!document.querySelector('.viewer')")
            assert errors == []
        finally:
            browser.close()
