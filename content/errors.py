"""Errors of the content package.

ContentError (fanzha.errors.FanzhaError)
├── WarningFileError (ValueError)     a warning file that cannot be loaded; carries file/line/col
├── TemplateError (ValueError)        copy that uses a field outside the allowlist or fails to render
├── WarningNotFound (LookupError)     no warning with that id (and locale)
└── NoEligibleWarning (LookupError)   a segment whose warnings are all unapproved or expired
"""

from __future__ import annotations

from fanzha.errors import FanzhaError


class ContentError(FanzhaError):
    """Base error of the content package."""


class WarningFileError(ContentError, ValueError):
    """A warning file that cannot be loaded."""

    def __init__(self, message: str, *, file: str = "", line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class TemplateError(ContentError, ValueError):
    """Copy that cannot be rendered safely."""


class WarningNotFound(ContentError, LookupError):
    """No warning with that id."""


class NoEligibleWarning(ContentError, LookupError):
    """Every warning a segment lists is unapproved or expired."""
