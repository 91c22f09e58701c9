"""Word-aware line breaking for Typst: a word joiner between the characters of each word.

Typst breaks Chinese between any two ideographs (with 避头尾 on top). A U+2060 WORD JOINER
between the characters of a word forbids a break there, so lines end between words only.
Where a line may break comes from `_boundaries` alone, so the segmenter can be swapped.
"""

from __future__ import annotations

import functools
import re

__all__ = ["JOINER", "join_words", "plain"]

JOINER = "\u2060"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@functools.lru_cache(maxsize=4096)
def _boundaries(text: str) -> frozenset[int]:
    """Offsets where a line may break between words (the comics' segmenter and dictionary)."""
    try:
        from fanzha.renderer.words import boundaries  # the comics' word breaks, once landed
    except ImportError:
        return _jieba_boundaries(text)
    return boundaries(text)


def _jieba_boundaries(text: str) -> frozenset[int]:
    cuts, at = set(), 0
    for word in _segmenter().cut(text, True):
        at += len(word)
        cuts.add(at)
    cuts.discard(len(text))
    return frozenset(cuts)


@functools.cache
def _segmenter():  # type: ignore[no-untyped-def]
    import rjieba
    from fanzha.content.library import BUNDLED

    seg = rjieba.Jieba()
    words = BUNDLED / "words.txt"
    if words.is_file():
        for raw in words.read_text(encoding="utf-8").splitlines():
            word = raw.split("#", 1)[0].strip()
            if word:
                seg.add_word(word, max(seg.suggest_freq(word), 1), None)
    return seg


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
