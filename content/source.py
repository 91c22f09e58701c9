"""Reading a warning file: its data at once, the positions of its keys and values on demand.

Parsing is fanzha._yaml's (bounded, no aliases, libyaml's speed); positions are computed
only when a problem has to be placed, so loading the whole library stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from fanzha.content.errors import WarningFileError

from fanzha._yaml import (
    Duplicate,
    DuplicateKeyError,
    Positions,
    YamlError,
    YamlSyntaxError,
    load_yaml,
    read_yaml,
)

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """A parsed YAML file: its path, its data and its text."""

    path: Path
    data: Any
    text: str

    @cached_property
    def positions(self) -> Positions:
        """Where every key and value is (the text is read again, once, the first time)."""
        positions = load_yaml(self.text, str(self.path), positions=True).positions
        assert positions is not None
        return positions

    def key_position(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the key at `loc` (or its nearest existing parent)."""
        return self.positions.key(loc)

    def value_position(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the value at `loc` (or its nearest existing parent)."""
        return self.positions.value(loc)

    def find(self, loc: Loc, needle: str) -> tuple[int, int]:
        """1-based position of `needle` within the value at `loc`, else of the value."""
        return self.positions.find(loc, needle)


def read_source(path: Path) -> Source:
    """Parse one YAML file; WarningFileError with the position of what is wrong."""
    try:
        document = read_yaml(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise WarningFileError(f"cannot read file: {exc}", file=str(path)) from exc
    except YamlError as exc:
        raise _refused(exc) from None
    if not isinstance(document.data, dict):
        raise WarningFileError("a warning file must be a mapping of fields", file=str(path))
    return Source(path=path, data=document.data, text=document.text)


def _refused(exc: YamlError) -> WarningFileError:
    """A file fanzha will not read, worded as warning files always were."""
    message = exc.message
    if isinstance(exc, DuplicateKeyError):
        message = _duplicate(exc.duplicates[0])
    elif isinstance(exc, YamlSyntaxError):
        message = f"invalid YAML: {exc.message}"
    return WarningFileError(message, file=exc.file, line=exc.line, column=exc.column)


def _duplicate(d: Duplicate) -> str:
    def shown(value: Any) -> str:
        return value if isinstance(value, str) else repr(value)

    return (
        f'invalid YAML: found duplicate key "{d.key}" with value "{shown(d.value)}" '
        f'(original value: "{shown(d.original)}")'
    )
