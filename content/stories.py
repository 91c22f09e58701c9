"""Which stories of a warning suit a segment: the rule the feed's selection and risk prompts share."""

from __future__ import annotations

from collections.abc import Sequence

ALL = "all"  # a story written for anyone


def stories_for(
    names: Sequence[str], fits: Sequence[Sequence[str]], segment: str
) -> tuple[list[str], bool]:
    """The stories (variant ids) for ``segment``: its own, else those for anyone, else all;
    and whether they are its own."""
    own = [n for n, f in zip(names, fits, strict=True) if segment in f]
    marked_all = [n for n, f in zip(names, fits, strict=True) if ALL in f] or list(names)
    return (own or marked_all), bool(own)


__all__ = ["ALL", "stories_for"]
