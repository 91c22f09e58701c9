"""Safe, bounded, fast YAML reading: plain data, and positions only when asked for.

libyaml's parser (PyYAML's C extension) yields events that one loop here turns into plain
dicts, lists and scalars. No object is ever constructed from a tag, aliases are refused (so
a "billion laughs" file cannot expand), nesting and size are bounded before any work is
done, and the loop never recurses. Scalars follow the YAML 1.2 core schema: ``on``, ``yes``
and ``09:30`` stay text; only quoted or block scalars are always text. When libyaml finds a
syntax error, the start of the text is read again by PyYAML's pure-Python parser, whose
wording (shared with ruamel) the error messages have always used.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml import events as ev

from fanzha._yaml.errors import (
    Duplicate,
    DuplicateKeyError,
    YamlError,
    YamlLimitError,
    YamlSyntaxError,
)
from fanzha._yaml.positions import Positions
from fanzha._yaml.scalars import scalar

MAX_BYTES = 1_000_000
MAX_DEPTH = 50

_FAST = getattr(yaml, "CBaseLoader", None)
_REFERENCE_MAX = 64_000  # characters the pure-Python parser may read again to word an error


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
    """Read one YAML file; OSError/UnicodeDecodeError as they come, YamlError for the rest.

    The data of a file read before comes from the cache (``fanzha._cache``, keyed by the
    text); positions are never cached.
    """
    text = read_text(path)
    if positions:
        return load_yaml(text, str(path), positions=True)
    from fanzha import _cache

    key = _cache.digest(text, _cache.code_stamp("fanzha._yaml", "yaml"))
    hit = _cache.load("yaml", key)
    if hit is not None:
        return Document(hit["data"], text)
    document = load_yaml(text, str(path))
    if _json_faithful(document.data):  # e.g. integer keys or NaN would come back otherwise
        _cache.store("yaml", key, {"data": document.data})
    return document


def _json_faithful(data: Any) -> bool:
    """Whether JSON gives ``data`` back exactly (string keys, no NaN or infinity)."""
    import json

    try:
        return bool(json.loads(json.dumps(data, allow_nan=False)) == data)
    except (TypeError, ValueError):
        return False


def load_yaml(text: str, file: str, *, positions: bool = False) -> Document:
    """Parse YAML text (one document) into plain data; YamlError says what and where."""
    size = len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > MAX_BYTES else 0
    if size > MAX_BYTES:
        raise _too_big(file, size)
    if _FAST is None:  # PyYAML built without libyaml: the pure-Python parser does it all
        return _Builder(file, text, positions).run(_checked(yaml.BaseLoader(text), file))
    try:
        return _Builder(file, text, positions).run(_events(_FAST(text)))
    except yaml.YAMLError as exc:
        raise _refusal(text, file, exc) from None


def _refusal(text: str, file: str, exc: yaml.YAMLError) -> YamlError:
    """libyaml's error, worded by the reference parser when that costs little.

    Where libyaml gave up on nesting (past 1,000 levels) it reads the text again only up to
    that point, where the builder refuses at level MAX_DEPTH + 1. For a syntax error the
    pure-Python parser reads the text up to the end of the line where libyaml stopped, when
    that is near the start of the file (files are small; a hostile one must not cost seconds).
    """
    mark = getattr(exc, "problem_mark", None)
    if mark is not None and "nesting depth" in str(getattr(exc, "problem", "")):
        head = text[: _offset(text, mark, line_end=False)]
        assert _FAST is not None  # only libyaml has this limit
        try:
            _Builder(file, head, False).run(_events(_FAST(head)))
        except YamlLimitError as deeper:
            return deeper
        except yaml.YAMLError:
            pass
        return YamlLimitError(
            f"the YAML is nested more than {MAX_DEPTH} levels deep",
            file=file,
            line=mark.line + 1,
            column=mark.column + 1,
        )
    cut = _offset(text, mark, line_end=True) if mark is not None else len(text)
    if cut <= _REFERENCE_MAX:
        head = text[:cut]
        try:
            _Builder(file, head, False).run(_checked(yaml.BaseLoader(head), file))
        except YamlError as reference:
            if mark is None or (reference.line, reference.column) <= (
                mark.line + 1,
                mark.column + 1,
            ):
                return reference
    return _syntax_error(exc, file)


def _offset(text: str, mark: Any, *, line_end: bool) -> int:
    """Where ``mark`` is in ``text`` (or the end of its line) as a character offset."""
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: mark.line])
    if line_end:
        return start + (len(lines[mark.line]) if mark.line < len(lines) else 0)
    return start + mark.column


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
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, file) from None


def _syntax_error(exc: yaml.YAMLError, file: str) -> YamlSyntaxError:
    if isinstance(exc, yaml.MarkedYAMLError):
        return YamlSyntaxError(
            file=file,
            problem=exc.problem or exc.context or "invalid YAML",
            context=exc.context if exc.problem else None,
            problem_at=_place(exc.problem_mark),
            context_at=_place(exc.context_mark),
        )
    # A reader error: a character YAML does not allow.
    return YamlSyntaxError(
        file=file, problem=str(exc), context=None, problem_at=None, context_at=None
    )


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
            if isinstance(event, ev.ScalarEvent):
                if stack and stack[-1][4] and stack[-1][2] is None:
                    stack[-1][2], stack[-1][3] = event.value, event.start_mark
                    continue
                root = self._attach(stack, scalar(event), event, root)
            elif isinstance(event, ev.CollectionStartEvent):
                if stack and stack[-1][4] and stack[-1][2] is None:
                    raise self._limit("a key must be plain text, not a list or mapping", event)
                if len(stack) >= MAX_DEPTH:
                    raise self._limit(
                        f"the YAML is nested more than {MAX_DEPTH} levels deep", event
                    )
                mapping = isinstance(event, ev.MappingStartEvent)
                container: Any = {} if mapping else []
                path, skipped = self._path(stack, container, event)
                root = self._attach(stack, container, event, root)
                stack.append([container, path, None, None, mapping, skipped])
            elif isinstance(event, ev.CollectionEndEvent):
                stack.pop()
            elif isinstance(event, ev.AliasEvent):
                raise self._limit(
                    f"YAML aliases (*{event.anchor}) are not allowed; write the value out", event
                )
            elif isinstance(event, ev.DocumentStartEvent):
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


__all__ = ["MAX_BYTES", "MAX_DEPTH", "Document", "load_yaml", "read_text", "read_yaml"]
