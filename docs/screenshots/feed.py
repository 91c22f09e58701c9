"""Take docs/screenshots/feed.png: the feed view at 412 CSS px, a strip and a carousel in it.

Run from the repository root: .venv/bin/python docs/screenshots/feed.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from fanzha.content import ContentConfig, CopyContext, load_library  # noqa: E402
from fanzha.renderer import RenderCache, Style, render_card  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.chromium import launch  # noqa: E402
from tests.delivery.feed_fixtures import T0, add_feed_item, live_server, make_env  # noqa: E402

ME = "C000000001"
STORIES = [  # (warning, variant, format, large text), newest first
    ("fake-customer-service", "a", "strip", False),  # scrolled vertically in its item
    ("fake-loan", "a", "card", True),  # large text: a carousel of two pages
]
CONFIG = ContentConfig(bank_name={"zh-CN": "新市民银行", "en": "Xinmin Bank"}, bank_phone="95500")


def main() -> None:
    """Seed a strip and a carousel, open the view, screenshot the page (both items)."""
    library = load_library()
    context = CopyContext.for_locale(CONFIG, "zh-CN", segment_label="新市民")
    with tempfile.TemporaryDirectory() as tmp:
        env_iter = make_env(f"sqlite:///{tmp}/fanzha.db", Path(tmp))
        env = next(env_iter)
        cache = RenderCache(env.media_dir)
        for n, (warning, variant, fmt, large) in enumerate(STORIES):
            copy = library.resolve(warning, variant, "zh-CN", context)
            m = render_card(copy, fmt, Style(large_text=large), cache=cache)
            add_feed_item(
                env.engine,
                ME,
                n,
                created_at=T0 - timedelta(hours=1 + n),
                image_key=m.image_key,
                title=copy.push_title,
                body=copy.push_body,
            )
        env.auth(ME)
        with live_server(env.app) as base, sync_playwright() as pw:
            browser = launch(pw)
            page = browser.new_page(viewport={"width": 412, "height": 915})
            page.goto(f"{base}/app?token={env.tokens[ME]}")
            page.wait_for_selector("li.card img")
            deadline = time.monotonic() + 60
            # the images on screen: each item's first (a strip's lower panels and a carousel's
            # later pages load lazily, as they are scrolled to)
            while not page.evaluate(
                "() => [...document.querySelectorAll('.comic img:first-child')]"
                ".every(i => i.complete && i.naturalWidth > 0)"
            ):
                if time.monotonic() > deadline:
                    raise SystemExit("images did not load")
                time.sleep(0.1)
            time.sleep(1)  # the panel just below the first, if it is on screen, has loaded too
            out = ROOT / "docs" / "screenshots" / "feed.png"
            page.screenshot(path=str(out), full_page=True)
            print(f"wrote {out}")
            browser.close()


if __name__ == "__main__":
    main()
