"""Word-aware line breaking for Typst: a word joiner between the characters of each word.

Typst breaks Chinese between any two ideographs (with 避头尾 on top). A U+2060 WORD JOINER
between the characters of a word forbids a break there, so lines end between words only.
Where a line may break comes from `_boundaries` alone, so the segmenter can be swapped.
"""

from __future__ import annotations

import re

from fanzha.renderer.words import boundaries

__all__ = ["JOINER", "join_words", "plain"]

JOINER = "\u2060"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _boundaries(text: str) -> frozenset[int]:
    """Offsets where a line may break between words (the comics' segmenter and dictionary)."""
    return boundaries(text)


def join_words(text: str) -> str:
    """text with a word joiner between two Han characters wherever no word boundary falls."""
    if not _HAN.search(text):
        return text
    cuts = _boundaries(text)
    out = [text[0]] if text else []
    for i in range(1, len(text)):
        if i not in cuts and _HAN.match(text[i - 1]) and _HAN.match(text[i]):
            out.append(JOINER)
        out.append(text[i])
    return "".join(out)


def plain(text: str) -> str:
    """text without the joiners (what a reader or pdftotext sees)."""
    return text.replace(JOINER, "")
