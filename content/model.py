"""The warning file format as pydantic models; errors carry file, line and column."""

from __future__ import annotations

import difflib
import re
import typing
from datetime import date
from typing import Any, Literal

from fanzha.content.copy import (
    EXPRESSIONS,
    GENDERS,
    LINE_KINDS,
    ROLES,
    SCENES,
    SCREENS,
    SHOTS,
    SIDES,
)
from fanzha.content.errors import WarningFileError
from fanzha.content.source import Loc, Source, loc_text
from pydantic import BaseModel, ConfigDict, ValidationError


class _Strict(BaseModel):
    """Unknown keys are errors, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CastModel(_Strict):
    """A cast member as written in a warning file."""

    role: Literal[ROLES]  # type: ignore[valid-type]
    expression: Literal[EXPRESSIONS] = "calm"  # type: ignore[valid-type]
    side: Literal[SIDES] = "left"  # type: ignore[valid-type]
    look: str | None = None  # one of content.copy.LOOKS[role]; the lint checks it
    gender: Literal[GENDERS] | None = None  # type: ignore[valid-type]


class LineModel(_Strict):
    """A balloon as written in a warning file."""

    speaker: str
    text: str
    kind: Literal[LINE_KINDS] = "say"  # type: ignore[valid-type]


class ScreenModel(_Strict):
    """The phone screen a panel shows: a fake caller id, a share request, a chat, …"""

    kind: Literal[SCREENS]  # type: ignore[valid-type]
    title: str
    lines: list[str] = []


class PanelModel(_Strict):
    """A comic panel as written in a warning file."""

    scene: Literal[SCENES]  # type: ignore[valid-type]
    cast: list[CastModel]
    lines: list[LineModel] = []
    caption: str = ""
    shot: Literal[SHOTS] | None = None  # type: ignore[valid-type]
    screen: ScreenModel | None = None


class PushModel(_Strict):
    """Push notification copy."""

    title: str
    body: str


class PosterModel(_Strict):
    """Poster copy."""

    headline: str
    body: str


class SourceModel(_Strict):
    """An official notice the warning's claims rest on."""

    title: str
    issuer: str
    date: str  # YYYY-MM-DD, or YYYY-MM / YYYY when only that much is verified
    ref: str | None = None  # document number, article, or where it was announced
    url: str | None = None


class ReviewModel(_Strict):
    """Who wrote and who reviewed the warning, when, until when, and on what sources."""

    author: str = ""
    reviewer: str = ""  # a different person from the author
    reviewed_on: date | None = None
    expires: date
    sources: list[SourceModel] = []


class VariantModel(_Strict):
    """One story of a warning; set fields override the warning's top level."""

    id: str
    comic: list[PanelModel]
    segments: list[str]  # the segments the story is written for; [all] = anyone
    protagonist: str  # the cast role the reader should see themselves in
    elder_cut: list[PanelModel] | None = None  # fewer, fuller panels for large text
    title: str | None = None
    slogan: str | None = None
    red_flags: list[str] | None = None
    action: str | None = None
    push: PushModel | None = None
    poster: PosterModel | None = None
    if_paid: str | None = None


class WarningModel(_Strict):
    """One warning in one locale: the file format of content/library/<locale>/<id>.yaml."""

    id: str
    scam: str
    audiences: list[str]
    locale: str
    title: str
    slogan: str
    red_flags: list[str]
    action: str
    if_paid: str | None = None  # what to do once money has gone
    push: PushModel
    poster: PosterModel
    variants: list[VariantModel]
    review: ReviewModel


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as `list[X] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model whose fields are valid keys at `loc` (the mapping holding the last key)."""
    model: type[BaseModel] | None = WarningModel
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        model = _model_in(info.annotation) if info else None
    return model


def _expected_values(ctx: dict[str, Any]) -> list[str]:
    """The allowed values of a literal error, parsed from pydantic's context."""
    return re.findall(r"'([^']*)'", str(ctx.get("expected", "")))


def _problem(source: Source, error: Any) -> WarningFileError:
    """One pydantic error as a WarningFileError at the offending key or value."""
    loc: Loc = tuple(p for p in error["loc"] if isinstance(p, int | str))
    kind = error["type"]
    where = loc_text(loc)
    if kind == "extra_forbidden":
        line, col = source.key_position(loc)
        model = _model_at(loc)
        known = list(model.model_fields) if model else []
        message = f"unknown key {loc[-1]!r}"
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        message += (
            f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(known)}"
        )
    elif kind == "missing":
        line, col = source.value_position(loc[:-1])
        message = f"missing field {where!r}"
    elif kind == "literal_error":
        line, col = source.value_position(loc)
        options = _expected_values(error.get("ctx", {}))
        message = f"{where}: unknown value {error['input']!r}"
        close = difflib.get_close_matches(str(error["input"]), options, n=1)
        message += (
            f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(options)}"
        )
    else:
        line, col = source.value_position(loc)
        message = f"{where}: {error['msg']}" if where else error["msg"]
    return WarningFileError(message, file=str(source.path), line=line, column=col)


def parse_warning(source: Source) -> tuple[WarningModel | None, list[WarningFileError]]:
    """Validate a parsed file: the model, or None and every structural problem."""
    try:
        return WarningModel.model_validate(source.data), []
    except ValidationError as exc:
        return None, [_problem(source, err) for err in exc.errors()]
