"""What a render tells: which panels (the whole story, or its elder cut), captions that do not
repeat the stamp or the action, and the labelled hotline footer."""

from __future__ import annotations

import re

from fanzha.content.copy import Panel, WarningCopy

__all__ = ["footer_text", "repeats", "shown_caption", "story_panels"]

FOOTER = {"zh": "报警 110 · 反诈专线 96110", "en": "Police 110 · Anti-fraud hotline 96110"}
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def story_panels(copy: WarningCopy, large_text: bool) -> tuple[tuple[Panel, ...], bool]:
    """Every panel of the story; in large text the elder cut when the story has one."""
    if large_text and copy.elder_panels:
        return copy.elder_panels, True
    return copy.panels, False


def footer_text(locale: str, bank_line: str = "") -> str:
    """The hotline footer, labelled, with the bank's own line only when it is configured."""
    zh = locale.lower().startswith("zh")
    text = FOOTER["zh" if zh else "en"]
    if bank_line.strip():
        text += " · " + bank_line.strip()
    return text


def _bigrams(text: str) -> set[str]:
    flat = _NOT_WORD.sub("", text.lower())
    return {flat[i : i + 2] for i in range(len(flat) - 1)} or {flat}


def repeats(a: str, b: str) -> bool:
    """Whether two texts say the same thing (one inside the other, or mostly the same words)."""
    fa, fb = _NOT_WORD.sub("", a.lower()), _NOT_WORD.sub("", b.lower())
    if not fa or not fb:
        return False
    if fa in fb or fb in fa:
        return True
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / max(1, min(len(x), len(y))) >= 0.6


def shown_caption(copy: WarningCopy, panel: Panel, index: int, count: int) -> str:
    """The caption as drawn: left out when it repeats the title, stamp or action (alt text keeps it)."""
    if not panel.caption:
        return ""
    others = (copy.slogan, copy.action, copy.title)
    return "" if any(repeats(panel.caption, other) for other in others) else panel.caption
