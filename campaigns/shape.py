"""Shape checks of a campaign file: pydantic's errors as positioned, friendly problems."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fanzha.campaigns import parsing as P
from fanzha.campaigns.errors import Problem
from fanzha.campaigns.model import CampaignModel
from fanzha.campaigns.yamlsrc import SourceMap
from pydantic import BaseModel, ValidationError


def shape_problems(data: dict, smap: SourceMap) -> list[Problem]:
    try:
        CampaignModel.model_validate(data)
    except ValidationError as exc:
        errors = _fold_typos([dict(e) for e in exc.errors()], data)
        problems = [_friendly(err, smap, data) for err in errors]
        unique = {(p.line, p.column, p.message): p for p in problems}
        return sorted(unique.values(), key=lambda p: (p.line, p.column))
    return []


def _fold_typos(errors: list[dict[str, Any]], data: dict) -> list[dict[str, Any]]:
    """A misspelt key ("lable") also makes its real one missing: report only the typo.

    An unknown key is taken as the typo of a missing one when it is close to it, or when it
    is the only unknown and the only missing key of its mapping.
    """
    extra: dict[tuple, list[str]] = {}
    missing: dict[tuple, list[str]] = {}
    for e in errors:
        path = _real_path(tuple(e["loc"]), data)
        if e["type"] == "extra_forbidden":
            extra.setdefault(path[:-1], []).append(str(path[-1]))
        elif e["type"] == "missing":
            missing.setdefault(path[:-1], []).append(str(e["loc"][-1]))
    folded: set[tuple[tuple, str]] = set()
    for parent, keys in extra.items():
        wanted = missing.get(parent, [])
        for key in keys:
            guess = P.closest(key, wanted) or (
                wanted[0] if len(keys) == 1 and len(wanted) == 1 else None
            )
            if guess:
                folded.add((parent, guess))
                for e in errors:
                    if e["type"] == "extra_forbidden" and _real_path(tuple(e["loc"]), data) == (
                        *parent,
                        key,
                    ):
                        e["suggest"] = guess
    return [
        e
        for e in errors
        if not (
            e["type"] == "missing"
            and (_real_path(tuple(e["loc"]), data)[:-1], str(e["loc"][-1])) in folded
        )
    ]


def _friendly(err: dict[str, Any], smap: SourceMap, data: dict) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    # pydantic adds union/literal member names to loc; keep only real path parts.
    path = _real_path(loc, data)
    if kind == "extra_forbidden":
        known = _fields_at(CampaignModel, path[:-1])
        key = str(path[-1])
        hint = (
            f' (did you mean "{err["suggest"]}"?)'
            if err.get("suggest")
            else P.did_you_mean(key, known)
        )
        return smap.problem(path, f'unknown key "{key}"{hint}', key=True)
    if kind == "missing":
        return smap.problem(path[:-1], f'missing required key "{path[-1]}"')
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        got = err.get("input")
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        hint = P.did_you_mean(str(got), options)
        return smap.problem(path, f'"{got}" is not allowed here; expected {expected}{hint}')
    if kind == "string_pattern_mismatch":
        what = "campaign id" if path == ("campaign",) else "segment id"
        allowed = "a-z, 0-9 and '-'" if path == ("campaign",) else "a-z, 0-9 and '_'"
        return smap.problem(path, f'"{err.get("input")}" is not a valid {what}: use {allowed}')
    if kind in ("too_short", "list_too_short"):
        return smap.problem(path, f'"{path[-1]}" must not be empty')
    got = err.get("input")
    shown = f" (got {got!r})" if not isinstance(got, dict | list) else ""
    return smap.problem(path, f"{err['msg'].lower()}{shown}")


def _real_path(loc: tuple, data: Any) -> tuple:
    path: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            path.append(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node = node[part] if part < len(node) else None
        elif node is None and isinstance(part, str) and not path[-1:] == [part]:
            path.append(part)  # a missing key: keep its name for the message
            break
    return tuple(path)


def _fields_at(model: type[BaseModel], path: Iterable) -> list[str]:
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
