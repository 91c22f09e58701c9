"""The one table of copy limits: lengths in display width and comic shape.

The renderer and the docs cite these numbers; the linter enforces them.
Display width: a CJK character or full-width punctuation counts 1, anything else 0.5,
so a limit of 20 fits 20 Chinese characters or about 40 Latin letters.
"""

from __future__ import annotations

import functools
import unicodedata

# field key -> maximum display width (a phone shows about 20 / 60 characters of a push)
LIMITS: dict[str, float] = {
    "title": 16,
    "slogan": 12,
    "red_flag": 32,
    "action": 30,
    "push.title": 20,
    "push.body": 60,
    "poster.headline": 16,
    "poster.body": 120,
    "comic.line": 28,
    "comic.caption": 20,
    "if_paid": 30,  # what to do once money has gone: last panel and posters
    "screen.title": 12,  # caller id, app, chat group, payee, link label on a drawn phone
    "screen.line": 16,
}

PANELS = 4  # lure, pressure, doubt, right action
CAST_PER_PANEL = (1, 2)
LINES_PER_PANEL = (0, 2)
MIN_RED_FLAGS = 3
MIN_VARIANTS = 2
ELDER_PANELS = (2, 3)  # an elder cut: fewer, fuller panels than the comic's four
# Lines a phone screen shows per kind (min, max): a call may show only its caller id.
SCREEN_LINES: dict[str, tuple[int, int]] = {
    "call": (0, 1),
    "share": (1, 2),
    "chat": (1, 3),
    "transfer": (1, 2),
    "video": (0, 2),
    "link": (1, 2),
}
PUSH_ACTION_WIDTH = 40  # notifications cut off after about 40 CJK characters

# Ambiguous-width punctuation that Chinese fonts draw full width.
_WIDE_PUNCT = frozenset("“”‘’…—·")


@functools.cache  # copy uses a few thousand distinct characters, measured many times each
def char_width(char: str) -> float:
    """Display width of one character: 1 for CJK and full-width, else 0.5."""
    if unicodedata.east_asian_width(char) in ("W", "F") or char in _WIDE_PUNCT:
        return 1.0
    return 0.5


def display_width(text: str) -> float:
    """Display width of a string (see the module docstring)."""
    return sum(map(char_width, text))


def limits_table() -> list[tuple[str, str]]:
    """The limits as (field, limit) rows, for docs and `--help` texts."""
    rows = [(field, f"<= {limit:g}") for field, limit in LIMITS.items()]
    rows.append(("comic panels", f"exactly {PANELS}"))
    rows.append(("cast per panel", f"{CAST_PER_PANEL[0]}-{CAST_PER_PANEL[1]}"))
    rows.append(("lines per panel", f"{LINES_PER_PANEL[0]}-{LINES_PER_PANEL[1]}"))
    rows.append(("elder cut panels", f"{ELDER_PANELS[0]}-{ELDER_PANELS[1]}"))
    rows += [(f"screen lines ({k})", f"{a}-{b}") for k, (a, b) in SCREEN_LINES.items()]
    rows.append(("push action within", f"the first {PUSH_ACTION_WIDTH} wide"))
    rows.append(("red flags", f">= {MIN_RED_FLAGS}"))
    rows.append(("variants", f">= {MIN_VARIANTS}"))
    return rows
