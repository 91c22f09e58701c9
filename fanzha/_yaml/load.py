"""Safe, bounded, fast YAML reading: plain data, and positions only when asked for.

libyaml's parser (PyYAML's C extension) yields events that one loop here turns into plain
dicts, lists and scalars. No object is ever constructed from a tag, aliases are refused (so
a "billion laughs" file cannot expand), nesting and size are bounded before any work is
done, and the loop never recurses. Scalars follow the YAML 1.2 core schema: ``on``, ``yes``
and ``09:30`` stay text; only quoted or block scalars are always text. When libyaml finds a
syntax error the text is read again by PyYAML's pure-Python parser, whose wording (shared
with ruamel) the error messages have always used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml import events as ev

from fanzha._yaml.errors import Duplicate, DuplicateKeyError, YamlLimitError, YamlSyntaxError
from fanzha._yaml.positions import Positions

MAX_BYTES = 1_000_000
MAX_DEPTH = 50

_FAST = getattr(yaml, "CBaseLoader", None)
_TAG = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+")
_OCT_HEX = re.compile(r"0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}
_NUMBER_START = frozenset("0123456789+-.")


@dataclass(frozen=True)
class Document:
    """A parsed file: its data, its text, and where everything is (``None`` unless asked for)."""

    data: Any
    text: str = ""
    positions: Positions | None = None


def read_text(path: Path) -> str:
    """A YAML file's text; YamlLimitError, before reading, when it is over the size limit."""
    size = path.stat().st_size
    if size > MAX_BYTES:  # refuse before reading: a huge file costs nothing
        raise _too_big(str(path), size)
    return path.read_text(encoding="utf-8")


def read_yaml(path: Path, *, positions: bool = False) -> Document:
    """Read one YAML file; OSError/UnicodeDecodeError as they come, YamlError for the rest."""
    return load_yaml(read_text(path), str(path), positions=positions)


def load_yaml(text: str, file: str, *, positions: bool = False) -> Document:
    """Parse YAML text (one document) into plain data; YamlError says what and where."""
    size = len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > MAX_BYTES else 0
    if size > MAX_BYTES:
        raise _too_big(file, size)
    if _FAST is not None:
        try:
            return _Builder(file, text, positions).run(_events(_FAST(text)))
        except yaml.YAMLError:
            pass  # reported below in the reference parser's words
    return _Builder(file, text, positions).run(_checked(yaml.BaseLoader(text), file))


def _too_big(file: str, size: int) -> YamlLimitError:
    return YamlLimitError(
        f"the file is {size / 1e6:.1f} MB; a YAML file may be at most {MAX_BYTES // 1_000_000} MB",
        file=file,
    )


def _events(loader: Any) -> Iterator[ev.Event]:
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def _checked(loader: Any, file: str) -> Iterator[ev.Event]:
    """The pure-Python parser's events, its errors turned into YamlSyntaxError."""
    try:
        yield from _events(loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(
            file=file,
            problem=exc.problem or exc.context or "invalid YAML",
            context=exc.context if exc.problem else None,
            problem_at=_place(exc.problem_mark),
            context_at=_place(exc.context_mark),
        ) from None
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow
        raise YamlSyntaxError(
            file=file, problem=str(exc), context=None, problem_at=None, context_at=None
        ) from None


def _place(mark: Any) -> tuple[int, int] | None:
    return (mark.line + 1, mark.column + 1) if mark is not None else None


class _Builder:
    """Events in, plain data out, with every limit checked on the way."""

    def __init__(self, file: str, text: str, positions: bool) -> None:
        self.file = file
        self.text = text
        self.positions = Positions(file, tuple(text.splitlines())) if positions else None
        self.duplicates: list[Duplicate] = []

    def run(self, events: Iterator[ev.Event]) -> Document:
        root: Any = None
        documents = 0
        # A frame: [container, path, pending key or None, key mark, is a mapping, skipped]
        stack: list[list[Any]] = []
        for event in events:
            kind = type(event)
            if kind is ev.ScalarEvent:
                if stack and stack[-1][4] and stack[-1][2] is None:
                    stack[-1][2], stack[-1][3] = event.value, event.start_mark
                    continue
                root = self._attach(stack, _scalar(event), event, root)
            elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                if stack and stack[-1][4] and stack[-1][2] is None:
                    raise self._limit("a key must be plain text, not a list or mapping", event)
                if len(stack) >= MAX_DEPTH:
                    raise self._limit(
                        f"the YAML is nested more than {MAX_DEPTH} levels deep", event
                    )
                container: Any = {} if kind is ev.MappingStartEvent else []
                path, skipped = self._path(stack, container, event)
                root = self._attach(stack, container, event, root)
                stack.append([container, path, None, None, kind is ev.MappingStartEvent, skipped])
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                stack.pop()
            elif kind is ev.AliasEvent:
                raise self._limit(
                    f"YAML aliases (*{event.anchor}) are not allowed; write the value out", event
                )
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self._limit("a file holds one YAML document; found a second one", event)
        if self.duplicates:
            raise DuplicateKeyError(self.file, self.duplicates)
        return Document(root, self.text, self.positions)

    def _path(self, stack: list[list[Any]], value: Any, event: Any) -> tuple[tuple, bool]:
        if not stack:
            return (), False
        frame = stack[-1]
        if frame[4]:
            return (*frame[1], frame[2]), frame[5] or frame[2] in frame[0]
        return (*frame[1], len(frame[0])), frame[5]

    def _attach(self, stack: list[list[Any]], value: Any, event: Any, root: Any) -> Any:
        """Put ``value`` in its parent (or make it the root) and note where it is."""
        if not stack:
            self._note((), event)
            return value
        frame = stack[-1]
        container = frame[0]
        if frame[4]:
            key, key_mark = frame[2], frame[3]
            frame[2] = None
            if key in container:
                line, column = key_mark.line + 1, key_mark.column + 1
                self.duplicates.append(Duplicate(key, line, column, value, container[key]))
                return root
            container[key] = value
            if self.positions is not None and not frame[5]:
                path = (*frame[1], key)
                self.positions.keys[path] = (key_mark.line + 1, key_mark.column + 1)
                self._note(path, event)
        else:
            container.append(value)
            if self.positions is not None and not frame[5]:
                self._note((*frame[1], len(container) - 1), event)
        return root

    def _note(self, path: tuple, event: Any) -> None:
        if self.positions is None:
            return
        mark = event.start_mark
        self.positions.values[path] = (mark.line + 1, mark.column + 1)
        style = getattr(event, "style", None)
        if style:
            self.positions.styles[path] = style

    def _limit(self, message: str, event: Any) -> YamlLimitError:
        mark = event.start_mark
        return YamlLimitError(message, file=self.file, line=mark.line + 1, column=mark.column + 1)


def _scalar(event: ev.ScalarEvent) -> Any:
    """A scalar's value: YAML 1.2 core for plain scalars, text for everything else."""
    text = event.value
    tag = event.tag
    if tag and tag.startswith(_TAG):
        return _tagged(tag[len(_TAG) :], text)
    if event.style or tag:  # quoted, block, or a tag of its own: text as written
        return text
    if not text:
        return None
    first = text[0]
    if first in _NUMBER_START:
        return _number(text)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~"):
        return None
    return text


def _number(text: str) -> Any:
    try:
        if _INT.fullmatch(text):
            return int(text, 10)
        if _OCT_HEX.fullmatch(text):
            return int(text[2:], 8 if text[1] == "o" else 16)
        if _FLOAT.fullmatch(text):
            return float(text)
    except ValueError:  # more digits than Python converts: leave it as text
        return text
    return _SPECIAL.get(text.lower(), text)


def _tagged(name: str, text: str) -> Any:
    """``!!int 5`` and friends; an unknown or failing tag leaves the text."""
    if name == "int" or name == "float":
        value = _number(text)
        return value if not isinstance(value, str) else text
    if name == "bool" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if name == "null":
        return None
    return text


__all__ = ["MAX_BYTES", "MAX_DEPTH", "Document", "load_yaml", "read_text", "read_yaml"]
