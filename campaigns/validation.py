"""Checking campaign and warning files, and listing the warning library."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.customers import CustomerSource, columns_of, describe, load
from fanzha.campaigns.errors import CampaignFileError, Problem
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["content_due", "is_warning_file", "lint_content", "list_content", "validate_files"]


def is_warning_file(path: Path) -> bool:
    """Whether a YAML file is a warning (it names a ``scam:``) rather than a campaign."""
    head = "\n" + path.read_text(encoding="utf-8", errors="replace")[:4000]
    return "\nscam:" in head and "\ncampaign:" not in head


def validate_files(
    files: list[Path], settings: Settings, customers: CustomerSource | None = None
) -> list[Problem]:
    """Every problem in these campaign and warning files (warning files are linted), and in
    the customers' rows; rules are checked against the customers' columns and values."""
    from fanzha.content import lint_paths
    from fanzha.segments import SegmentsError

    ws = Workspace(settings)
    warnings = [f for f in files if is_warning_file(f)]
    problems = [
        Problem(p.file, p.line, p.column, p.message)
        for p in (lint_paths(warnings, ws.content_config) if warnings else [])
    ]
    columns, frame = None, None
    if customers is not None:
        try:
            columns = columns_of(customers)
            frame, found = _checked_customers(customers, ws)
            problems += found
        except SegmentsError as exc:
            where = describe(customers)
            problems.append(Problem(where, 1, 1, str(exc).removeprefix(f"{where}: ")))
    for path in (f for f in files if f not in warnings):
        try:
            campaign = ws.campaign(path, customer_columns=columns, customers=frame)
            problems += ws.content_problems(campaign, date.today())
        except CampaignFileError as exc:
            problems += exc.problems
    return problems


def _checked_customers(
    customers: CustomerSource, ws: Workspace
) -> tuple[pd.DataFrame, list[Problem]]:
    """The usable customers, and one problem per rejected row (line = the file's line)."""
    loaded = load(customers, ws.schema, write_rejected=False)
    rejected = loaded.rejected
    ids = rejected.get(ws.schema.id_column, [""] * len(rejected))
    where = describe(customers)
    problems = [
        Problem(where, int(row), 1, f"{cid}: {reason}" if isinstance(cid, str) and cid else reason)
        for row, cid, reason in zip(rejected["row"], ids, rejected["reason"], strict=True)
    ]
    return loaded.frame, problems


def lint_content(settings: Settings, paths: list[Path]) -> list[Problem]:
    """Lint problems in the library (FANZHA_CONTENT or the bundled one) or in ``paths``."""
    from fanzha.content import BUNDLED, lint_paths

    ws = Workspace(settings)
    targets = paths or list(settings.content_paths) or [BUNDLED]
    return [
        Problem(p.file, p.line, p.column, p.message) for p in lint_paths(targets, ws.content_config)
    ]


def content_due(settings: Settings, paths: list[Path], within: timedelta) -> str:
    """Warning files whose review expires within ``within``, soonest first."""
    from fanzha.content import BUNDLED
    from fanzha.content.lint import due_for_review

    targets = paths or list(settings.content_paths) or [BUNDLED]
    today = date.today()
    due = [d.line(today) for d in due_for_review(targets, within, today)]
    if not due:
        return f"no review expires within {within.days} days"
    return "\n".join([f"{len(due)} files due for review within {within.days} days", *due])


def list_content(settings: Settings, paths: list[Path]) -> str:
    """The library (or the warnings in ``paths``) as a table with review status and expiry."""
    from fanzha.content import format_table

    ws = Workspace(settings.replace(content_paths=tuple(paths)) if paths else settings)
    return "\n".join(format_table(ws.library.list_rows(today=date.today())))
