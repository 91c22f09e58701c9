"""YAML loading that keeps the line and column of every key and value.

We compose ruamel's node tree ourselves instead of constructing Python objects, so that a
bad date or a duplicate key becomes a positioned problem instead of a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanzha.campaigns.errors import CampaignFileError, Problem
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

PathKey = tuple[str | int, ...]

_BOOL = {"true": True, "false": False}


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document sits, 1-based."""

    file: str
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    styles: dict[PathKey, str | None] = field(default_factory=dict)

    def at(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def problem(
        self, path: PathKey, message: str, *, key: bool = False, offset: int = 0
    ) -> Problem:
        """A problem located at ``path`` (``offset`` moves right inside a scalar value)."""
        line, col = self.at(path, key=key)
        if offset and not key:
            quoted = self.styles.get(tuple(path)) in ("'", '"')
            col += offset + (1 if quoted else 0)
        return Problem(self.file, line, col, message)


def load_yaml(path: Path) -> tuple[Any, SourceMap]:
    """Parse ``path`` into plain Python values plus a source map; problems raise with positions."""
    text = path.read_text(encoding="utf-8")
    return parse_yaml(text, str(path))


def parse_yaml(text: str, filename: str) -> tuple[Any, SourceMap]:
    """Parse YAML text; a syntax error becomes a CampaignFileError with its position."""
    yaml = YAML(typ="rt")
    smap = SourceMap(filename)
    try:
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        # Point at where the broken construct began (an unclosed "[" …) when YAML knows it.
        mark = exc.context_mark or exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax: {exc.context + ': ' if exc.context else ''}{exc.problem}"
        raise CampaignFileError([Problem(filename, line, col, message)]) from None
    if root is None:
        raise CampaignFileError([Problem(filename, 1, 1, "the file is empty")])
    problems: list[Problem] = []
    value = _convert(root, (), smap, problems)
    if problems:
        raise CampaignFileError(problems)
    return value, smap


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: Node, path: PathKey, smap: SourceMap, problems: list[Problem]) -> Any:
    smap.values[path] = _mark(node)
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in out:
                line, col = _mark(key_node)
                problems.append(Problem(smap.file, line, col, f"duplicate key {key!r}"))
                continue
            smap.keys[child] = _mark(key_node)
            out[key] = _convert(value_node, child, smap, problems)
        return out
    if isinstance(node, SequenceNode):
        return [_convert(item, (*path, i), smap, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    smap.styles[path] = node.style
    return _scalar(node)


def _scalar(node: ScalarNode) -> Any:
    """Scalars keep their text except plain ints, floats, booleans and null (YAML 1.2 core)."""
    text = node.value
    if node.style:  # quoted or block scalars are strings, always
        return text
    lowered = text.lower()
    if lowered in _BOOL:
        return _BOOL[lowered]
    if lowered in ("null", "~", ""):
        return None
    tag = node.tag if isinstance(node.tag, str) else getattr(node.tag, "value", "")
    if tag and tag.endswith(":int"):
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if tag and tag.endswith(":float"):
        try:
            return float(text)
        except ValueError:
            return text
    return text
