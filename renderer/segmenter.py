"""rjieba with the library's domain dictionary: the segmenter behind ``words.segment``.

The domain dictionary (`content/library/words.txt`, one word per line) adds the terms a
warning must never split; each is added with at least rjieba's suggested frequency, so the
segmenter keeps it whole.
"""

from __future__ import annotations

import functools
from pathlib import Path

from fanzha.content.files import BUNDLED

__all__ = ["DICTIONARY", "dictionary", "read_dictionary", "segmenter"]

DICTIONARY = BUNDLED / "words.txt"


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
def segmenter():  # type: ignore[no-untyped-def]
    """The process's ``rjieba.Jieba`` with the domain dictionary added (built on first use)."""
    seg = _jieba_class()()  # our own instance: the module-level one is shared with the caller
    for word in dictionary():
        seg.add_word(word, max(seg.suggest_freq(word), 1), None)
    return seg
