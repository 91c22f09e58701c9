"""Reading warning YAML with line/column positions for every key, value and item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fanzha.content.errors import WarningFileError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

Loc = tuple[str | int, ...]


class _TextDates(RoundTripConstructor):
    """Dates stay text so the model validates them (ruamel would raise on 2027-13-01)."""


_TextDates.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def _plain(node: Any) -> Any:
    """Round-trip YAML nodes as plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


@dataclass(frozen=True)
class Source:
    """A parsed YAML file: its data, its text lines and the position tree."""

    path: Path
    root: Any
    lines: tuple[str, ...]

    @property
    def data(self) -> Any:
        """The document as plain Python values."""
        return _plain(self.root)

    def _walk(self, loc: Loc) -> tuple[Any, tuple[int, int], tuple[int, int]]:
        """Follow `loc` as far as it exists: (node, key position, value position)."""
        node = self.root
        key_pos = value_pos = (0, 0)
        if isinstance(node, CommentedMap | CommentedSeq):
            key_pos = value_pos = (node.lc.line, node.lc.col)
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                key_pos = node.lc.key(part)
                value_pos = node.lc.value(part)
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                key_pos = value_pos = node.lc.item(part)
                node = node[part]
            else:
                break
        return node, key_pos, value_pos

    def key_position(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the key at `loc` (or its nearest existing parent)."""
        _, (line, col), _ = self._walk(loc)
        return line + 1, col + 1

    def value_position(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the value at `loc` (or its nearest existing parent)."""
        _, _, (line, col) = self._walk(loc)
        return line + 1, col + 1

    def find(self, loc: Loc, needle: str) -> tuple[int, int]:
        """1-based position of `needle` within the value at `loc`, else of the value."""
        line, col = self.value_position(loc)
        if needle:
            for offset in range(4):  # a scalar folded over a few lines at most
                index = line - 1 + offset
                if index >= len(self.lines):
                    break
                start = col - 1 if offset == 0 else 0
                found = self.lines[index].find(needle, start)
                if found >= 0:
                    return index + 1, found + 1
        return line, col


def read_source(path: Path) -> Source:
    """Parse one YAML file; WarningFileError with the position of a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WarningFileError(f"cannot read file: {exc}", file=str(path)) from exc
    yaml = YAML(typ="rt")
    yaml.Constructor = _TextDates
    try:
        root = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise WarningFileError(
            f"invalid YAML: {problem}", file=str(path), line=line, column=col
        ) from exc
    if not isinstance(root, CommentedMap):
        raise WarningFileError("a warning file must be a mapping of fields", file=str(path))
    return Source(path=path, root=root, lines=tuple(text.splitlines()))


def loc_text(loc: Sequence[str | int]) -> str:
    """A location as `variants[0].comic[2].caption`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
