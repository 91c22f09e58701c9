"""Errors of the content package.

ContentError (fanzha.errors.FanzhaError)
├── WarningFileError (ValueError)     a warning file that cannot be loaded; carries file/line/col
├── TemplateError (ValueError)        copy that uses a field outside the allowlist or fails to render
│   └── BankNotConfigured             copy names the bank's name or phone, which is not set
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


class BankNotConfigured(TemplateError):
    """Copy names the bank's name or phone number, and the bank has not configured it."""

    def __init__(self, field: str, setting: str) -> None:
        what = "name" if field == "bank_name" else "phone number"
        super().__init__(
            f"this copy states the bank's {what} ({{{{ customer.{field} }}}}), which is not "
            f"configured: set {setting}"
        )
        self.field = field
        self.setting = setting


class WarningNotFound(ContentError, LookupError):
    """No warning with that id."""


class NoEligibleWarning(ContentError, LookupError):
    """Every warning a segment lists is unapproved or expired."""
