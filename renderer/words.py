"""Chinese words for line breaking: a maintained segmenter (rjieba) plus the library's dictionary.

A line may break only between words. The segmenter finds the words of everyday Chinese; the
domain dictionary shipped with the content (`content/library/words.txt`, one word per line)
adds the terms a warning must never split (安全账户, 屏幕共享, 国家反诈中心 …), and a break
inside a dictionary word is refused even where the segmenter would cut it.
"""

from __future__ import annotations

import functools
import re

from fanzha.renderer import words_ahead
from fanzha.renderer.segmenter import DICTIONARY, dictionary, read_dictionary
from fanzha.renderer.segmenter import segmenter as _segmenter

__all__ = ["DICTIONARY", "boundaries", "dictionary", "is_cjk", "read_dictionary", "segment"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_cjk(char: str) -> bool:
    """Whether a character is a Chinese ideograph (where words need a segmenter)."""
    return bool(_CJK.match(char))


@functools.cache
def _dictionary_pattern() -> re.Pattern[str] | None:
    words = sorted(dictionary(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


@functools.cache
def _words_stamp() -> str:
    """What a text's words depend on besides the text: the dictionary, rjieba, our code."""
    from fanzha import _cache

    words = DICTIONARY.read_bytes() if DICTIONARY.is_file() else b""
    code = ("rjieba", "fanzha.renderer.words", "fanzha.renderer.segmenter")
    return _cache.digest(words, _cache.code_stamp(*code))


@functools.lru_cache(maxsize=8192)
def segment(text: str) -> tuple[str, ...]:
    """The words of text, in order (joined, they give text back).

    Texts segmented before come from the cache (``fanzha._cache``): a render of known copy
    never loads rjieba's dictionary, the largest part of its start-up.
    """
    from fanzha import _cache

    key = _cache.digest(text, _words_stamp())
    hit = _cache.load("words", key)
    if isinstance(hit, list) and "".join(hit) == text:
        return tuple(hit)
    ahead = words_ahead.cut(text)  # a first render's dictionary, built in a child meanwhile
    words = tuple(ahead if ahead is not None else _segmenter().cut(text, True))
    _cache.store("words", key, list(words))
    return words


@functools.lru_cache(maxsize=8192)
def boundaries(text: str) -> frozenset[int]:
    """Offsets (0 < i < len(text)) where a line may break between words.

    Segmenter word ends, less every offset inside an occurrence of a dictionary word.
    """
    cuts, at = set(), 0
    for word in segment(text):
        at += len(word)
        cuts.add(at)
    pattern = _dictionary_pattern()
    if pattern is not None:
        for m in pattern.finditer(text):
            cuts.difference_update(range(m.start() + 1, m.end()))
    cuts.discard(len(text))
    return frozenset(cuts)
