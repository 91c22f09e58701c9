"""Headless Debian Chromium for browser tests (Playwright's own download cannot reach the net)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out of this closed network.
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def launch(playwright: Any) -> Any:
    """A headless Chromium browser, or skip the test when Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
