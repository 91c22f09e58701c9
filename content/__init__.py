"""fanzha content: the warning library, selection, templating and lint.

Every public name loads on first use (PEP 562), so that importing one leaf module (the
renderer's ``fanzha.content.copy``, say) does not import the library's pydantic model,
Jinja2 templating or the lint with it, and selection never loads pandas for the renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fanzha._lazy import lazy_names

if TYPE_CHECKING:
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
    from fanzha.content.select import select_warnings
    from fanzha.content.templating import check_template, render_template

# Which module of the package holds each public name.
_LAZY = {
    **dict.fromkeys(("IMAGE_FIELDS", "TEMPLATE_FIELDS", "ContentConfig", "CopyContext"), "config"),
    **dict.fromkeys(("CastMember", "Line", "Panel", "WarningCopy"), "copy"),
    **dict.fromkeys(
        (
            "BankNotConfigured",
            "ContentError",
            "NoEligibleWarning",
            "TemplateError",
            "WarningFileError",
            "WarningNotFound",
        ),
        "errors",
    ),
    **dict.fromkeys(("BUNDLED", "Library", "WarningDoc", "load_library"), "library"),
    **dict.fromkeys(("LIMITS", "display_width", "limits_table"), "limits"),
    **dict.fromkeys(("LintProblem", "format_table", "lint_lines", "lint_paths"), "lint"),
    **dict.fromkeys(("risk_labels", "risk_questions", "risk_story"), "risk"),
    "select_warnings": "select",
    **dict.fromkeys(("check_template", "render_template"), "templating"),
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())


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
