"""The warning file format as pydantic models; errors carry file, line and column."""

from __future__ import annotations

from datetime import date
from typing import Literal

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
from fanzha.content.source import Source
from pydantic import BaseModel, ConfigDict, ValidationError

from fanzha._yaml.explain import FieldError, explain


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
    on_phone: bool = False  # on the line, not in the room (the scammers of a call always are)


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


def _problem(source: Source, error: FieldError) -> WarningFileError:
    """One validation error as a WarningFileError at the offending key or value."""
    kind, where = error.kind, error.where
    if kind == "extra_forbidden":
        message = f"unknown key {error.path[-1]!r}"
        message += (
            f"; did you mean {error.suggestion!r}?"
            if error.suggestion
            else f"; expected one of {', '.join(error.options)}"
        )
    elif kind == "missing":
        message = f"missing field {where!r}"
    elif kind == "literal_error":
        message = f"{where}: unknown value {error.input!r}"
        message += (
            f"; did you mean {error.suggestion!r}?"
            if error.suggestion
            else f"; expected one of {', '.join(error.options)}"
        )
    else:
        message = f"{where}: {error.reason}" if where else error.reason
    line, col = error.place(source.positions)
    return WarningFileError(message, file=str(source.path), line=line, column=col)


def parse_warning(source: Source) -> tuple[WarningModel | None, list[WarningFileError]]:
    """Validate a parsed file: the model, or None and every structural problem."""
    try:
        return WarningModel.model_validate(source.data), []
    except ValidationError as exc:
        return None, [_problem(source, e) for e in explain(exc, source.data, WarningModel)]
