"""fanzha content: the warning library, selection, templating and lint."""

from typing import TYPE_CHECKING

from fanzha.content.config import IMAGE_FIELDS, TEMPLATE_FIELDS, ContentConfig, CopyContext
from fanzha.content.copy import CastMember, Line, Panel, WarningCopy
from fanzha.content.errors import (
    BankNotConfigured,
    ContentError,
    NoEligibleWarning,
    TemplateError,
    WarningFileError,
    WarningNotFound,
)
from fanzha.content.library import BUNDLED, Library, WarningDoc, load_library
from fanzha.content.limits import LIMITS, display_width, limits_table
from fanzha.content.lint import LintProblem, format_table, lint_lines, lint_paths
from fanzha.content.risk import risk_labels, risk_questions, risk_story
from fanzha.content.templating import check_template, render_template

if TYPE_CHECKING:
    from fanzha.content.select import select_warnings


def __getattr__(name: str) -> object:
    # Selection works on pandas frames: loaded on first use, so that `fanzha validate`
    # and the renderer never import pandas.
    if name == "select_warnings":
        from fanzha.content.select import select_warnings

        return select_warnings
    raise AttributeError(f"module 'fanzha.content' has no attribute {name!r}")


__all__ = [
    "BUNDLED",
    "IMAGE_FIELDS",
    "LIMITS",
    "TEMPLATE_FIELDS",
    "BankNotConfigured",
    "CastMember",
    "ContentConfig",
    "ContentError",
    "CopyContext",
    "Library",
    "Line",
    "LintProblem",
    "NoEligibleWarning",
    "Panel",
    "TemplateError",
    "WarningCopy",
    "WarningDoc",
    "WarningFileError",
    "WarningNotFound",
    "check_template",
    "display_width",
    "format_table",
    "limits_table",
    "lint_lines",
    "lint_paths",
    "load_library",
    "render_template",
    "risk_labels",
    "risk_questions",
    "risk_story",
    "select_warnings",
]
