"""pydantic's validation errors, located in the YAML data and ready to be worded.

Each package words the errors its own way (campaign files and warning files have always
phrased them differently); what they share is here: the real path of an error in the data
(pydantic adds union and literal member names to ``loc``), the keys allowed where an
unknown key was found, the closest one, and the folding of a misspelt key ("lable") with
the required key it hides ("label"), so that only the typo is reported.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from fanzha._yaml.hints import closest
from fanzha._yaml.positions import Path_, Place, Positions


@dataclass(frozen=True)
class FieldError:
    """One validation error at its place in the data."""

    kind: str  # pydantic's error type: "missing", "extra_forbidden", "literal_error", …
    path: Path_  # in the data; for a missing key, its name last
    reason: str  # pydantic's message, or the text of the ValueError a validator raised
    input: Any
    ctx: dict[str, Any] = field(default_factory=dict)
    options: tuple[str, ...] = ()  # keys allowed here, or a literal's allowed values
    suggestion: str | None = None  # the closest option, or the key a typo hides

    def place(self, positions: Positions) -> Place:
        """Where to point: an unknown key at itself, a missing key at its mapping, else the value."""
        if self.kind == "extra_forbidden":
            return positions.key(self.path)
        if self.kind == "missing":
            return positions.value(self.path[:-1])
        return positions.value(self.path)

    @property
    def where(self) -> str:
        """The path as ``variants[0].comic[2].caption``."""
        return path_text(self.path)


def explain(exc: ValidationError, data: Any, model: type[BaseModel]) -> list[FieldError]:
    """Every error of ``exc`` (raised validating ``data`` as ``model``), typos folded."""
    raw = [(e, real_path(tuple(e["loc"]), data)) for e in exc.errors()]
    extra: dict[Path_, list[str]] = {}
    missing: dict[Path_, list[str]] = {}
    for e, path in raw:
        if e["type"] == "extra_forbidden":
            extra.setdefault(path[:-1], []).append(str(path[-1]))
        elif e["type"] == "missing":
            missing.setdefault(path[:-1], []).append(str(path[-1]))
    hidden: dict[Path_, str] = {}  # the path of a misspelt key -> the missing key it stands for
    for parent, keys in extra.items():
        wanted = missing.get(parent, [])
        for key in keys:
            guess = closest(key, wanted) or (
                wanted[0] if len(keys) == 1 and len(wanted) == 1 else None
            )
            if guess:
                hidden[(*parent, key)] = guess
    folded = {(*path[:-1], name) for path, name in hidden.items()}
    out = []
    for e, path in raw:
        if e["type"] == "missing" and path in folded:
            continue
        out.append(_field_error(e, path, model, hidden.get(path)))
    return out


def _field_error(e: Any, path: Path_, model: type[BaseModel], hidden: str | None) -> FieldError:
    kind, ctx = e["type"], dict(e.get("ctx") or {})
    options: tuple[str, ...] = ()
    suggestion = hidden
    if kind == "extra_forbidden":
        options = tuple(fields_at(model, path[:-1]))
        suggestion = hidden or closest(str(path[-1]), options)
    elif kind == "literal_error":
        options = tuple(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        suggestion = closest(str(e.get("input")), options)
    reason = str(ctx["error"]) if kind == "value_error" and "error" in ctx else e["msg"]
    return FieldError(kind, path, reason, e.get("input"), ctx, options, suggestion)


def real_path(loc: tuple, data: Any) -> Path_:
    """``loc`` without pydantic's union and literal member names: a path in ``data``."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            path.append(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node = node[part] if part < len(node) else None
        elif node is None and isinstance(part, str) and path[-1:] != [part]:
            path.append(part)  # a missing key: keep its name for the message
            break
    return tuple(path)


def fields_at(model: type[BaseModel], path: Iterable[str | int]) -> list[str]:
    """The keys the mapping at ``path`` may have, in the model's order."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if _is_model(current) else None
        if info is None:
            return []
        current = _model_in(info.annotation)
    return list(current.model_fields) if _is_model(current) else []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[X] | None``."""
    if _is_model(annotation):
        return typing.cast(type[BaseModel], annotation)
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def path_text(path: Iterable[str | int]) -> str:
    """A path as ``variants[0].comic[2].caption``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


__all__ = ["FieldError", "explain", "fields_at", "path_text", "real_path"]
