"""Errors of the content package.

ContentError (fanzha.errors.FanzhaError)
├── WarningFileError (ValueError)     a warning file that cannot be loaded; carries file/line/col
├── TemplateError (ValueError)        copy that uses a field outside the allowlist or fails to render
├── WarningNotFound (LookupError)     no warning with that id (and locale)
└── NoEligibleWarning (LookupError)   a segment whose warnings are all unapproved or expired
"""

from __future__ import annotations

from fanzha._yaml.errors import PositionedError
from fanzha.errors import FanzhaError


class ContentError(FanzhaError):
    """Base error of the content package."""


class WarningFileError(ContentError, PositionedError):
    """A warning file that cannot be loaded; ``file``, ``line``, ``column`` say where."""


class TemplateError(ContentError, ValueError):
    """Copy that cannot be rendered safely."""


class WarningNotFound(ContentError, LookupError):
    """No warning with that id."""


class NoEligibleWarning(ContentError, LookupError):
    """Every warning a segment lists is unapproved or expired."""
