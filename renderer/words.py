"""Chinese words for line breaking: a maintained segmenter (rjieba) plus the library's dictionary.

A line may break only between words. The segmenter finds the words of everyday Chinese; the
domain dictionary shipped with the content (`content/library/words.txt`, one word per line)
adds the terms a warning must never split (安全账户, 屏幕共享, 国家反诈中心 …), and a break
inside a dictionary word is refused even where the segmenter would cut it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from fanzha.content.library import BUNDLED

__all__ = ["DICTIONARY", "boundaries", "dictionary", "is_cjk", "segment"]

DICTIONARY = BUNDLED / "words.txt"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_cjk(char: str) -> bool:
    """Whether a character is a Chinese ideograph (where words need a segmenter)."""
    return bool(_CJK.match(char))


def read_dictionary(path: Path) -> tuple[str, ...]:
    """The words of a dictionary file: one per line, blank lines and `#` comments skipped."""
    words = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        word = raw.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return tuple(dict.fromkeys(words))


@functools.cache
def dictionary() -> tuple[str, ...]:
    """The bundled domain dictionary (read once per process)."""
    return read_dictionary(DICTIONARY) if DICTIONARY.is_file() else ()


def _jieba_class():  # type: ignore[no-untyped-def]
    """rjieba's ``Jieba`` class, without building the package's module-level segmenter.

    ``import rjieba`` builds a default ``Jieba`` (the whole default dictionary, the largest
    part of a first render's start-up) before we build ours; loading the package's extension
    module alone skips that build. A later ``import rjieba`` elsewhere still works, with the
    same class (PyO3 initialises a module once per process and hands it out again).
    """
    import importlib.machinery
    import importlib.util
    import sys

    if "rjieba" in sys.modules:  # already imported (its segmenter built): nothing to save
        return sys.modules["rjieba"].Jieba
    package = importlib.util.find_spec("rjieba")  # finds the package without running it
    where = package.submodule_search_locations if package is not None else None
    spec = importlib.machinery.PathFinder.find_spec("rjieba.rjieba", where) if where else None
    if spec is None or spec.loader is None:  # another layout: the ordinary import
        import rjieba

        return rjieba.Jieba
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Jieba


@functools.cache
def _segmenter():  # type: ignore[no-untyped-def]
    seg = _jieba_class()()  # our own instance: the module-level one is shared with the caller
    for word in dictionary():
        seg.add_word(word, max(seg.suggest_freq(word), 1), None)
    return seg


@functools.cache
def _dictionary_pattern() -> re.Pattern[str] | None:
    words = sorted(dictionary(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


@functools.cache
def _words_stamp() -> str:
    """What a text's words depend on besides the text: the dictionary, rjieba, this module."""
    from fanzha import _cache

    words = DICTIONARY.read_bytes() if DICTIONARY.is_file() else b""
    return _cache.digest(words, _cache.code_stamp("rjieba", "fanzha.renderer.words"))


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
    from fanzha import _segment_ahead

    ahead = _segment_ahead.cut(text)  # a first render's dictionary, built in a child meanwhile
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
