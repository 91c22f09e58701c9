"""Errors of fanzha._yaml: a YAML file fanzha refuses to read, with where and why.

PositionedError (FanzhaError, ValueError)  a problem at ``file``, ``line``, ``column`` (also content's)
└── YamlError                    a YAML file that is not read
    ├── YamlSyntaxError          not YAML: ``problem`` and ``context`` with their places
    ├── DuplicateKeyError        a mapping that names a key twice; ``duplicates`` lists them
    └── YamlLimitError           too large, too deep, or an alias (a "YAML bomb")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fanzha.errors import FanzhaError

Place = tuple[int, int]


class PositionedError(FanzhaError, ValueError):
    """A problem at a place in a file; prints as ``FILE:LINE:COL: message``."""

    def __init__(self, message: str, *, file: str = "", line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class YamlError(PositionedError):
    """A YAML file that cannot be read."""


class YamlSyntaxError(YamlError):
    """Text that is not YAML, as the reference parser words it."""

    def __init__(
        self,
        *,
        file: str,
        problem: str,
        context: str | None,
        problem_at: Place | None,
        context_at: Place | None,
    ) -> None:
        line, column = problem_at or context_at or (1, 1)
        super().__init__(problem, file=file, line=line, column=column)
        self.problem = problem
        self.context = context
        self.problem_at = problem_at
        self.context_at = context_at


@dataclass(frozen=True)
class Duplicate:
    """A key given twice in one mapping: where the second one is, and both values."""

    key: str
    line: int
    column: int
    value: Any
    original: Any


class DuplicateKeyError(YamlError):
    """One or more mappings that name a key twice (the first one is in the message)."""

    def __init__(self, file: str, duplicates: list[Duplicate]) -> None:
        first = duplicates[0]
        super().__init__(
            f"duplicate key {first.key!r}", file=file, line=first.line, column=first.column
        )
        self.duplicates = tuple(duplicates)


class YamlLimitError(YamlError):
    """A file over a limit that keeps hostile YAML cheap: size, nesting or aliases."""


__all__ = [
    "Duplicate",
    "DuplicateKeyError",
    "Place",
    "PositionedError",
    "YamlError",
    "YamlLimitError",
    "YamlSyntaxError",
]
