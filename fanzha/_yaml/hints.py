"""``did you mean``: the closest valid value to a mistyped one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option most like ``word``, if any is close enough to suggest."""
    matches = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean "x"?)`` or an empty string."""
    best = closest(word, options)
    return f' (did you mean "{best}"?)' if best else ""


__all__ = ["closest", "did_you_mean"]
