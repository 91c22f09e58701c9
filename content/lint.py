"""What `fanzha content lint` and `fanzha content list` print.

Lint: every problem in warning files as `FILE:LINE:COL: message`. List: an aligned
table of the library (CJK text takes two terminal cells).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from fanzha.content.checks import Issue, check_copy, check_identity, check_shape
from fanzha.content.config import ContentConfig
from fanzha.content.errors import WarningFileError
from fanzha.content.files import warning_files
from fanzha.content.limits import display_width
from fanzha.content.model import WarningModel, parse_warning
from fanzha.content.review import check_review
from fanzha.content.rules import check_rules
from fanzha.content.source import Source, read_source
from fanzha.content.staging import check_story


@dataclass(frozen=True, order=True)
class LintProblem:
    """One problem at a file position."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


def _at(source: Source, issue: Issue) -> LintProblem:
    """Place an issue: at its key, at the needle inside its value, or at its value."""
    if issue.at_key:
        line, col = source.key_position(issue.loc)
    else:
        line, col = source.find(issue.loc, issue.needle)
    return LintProblem(str(source.path), line, col, issue.message)


def _from_error(error: WarningFileError) -> LintProblem:
    """A loading error as a lint problem."""
    return LintProblem(error.file, error.line, error.column, error.message)


def lint_file(
    path: Path, config: ContentConfig, today: date
) -> tuple[WarningModel | None, list[LintProblem]]:
    """Lint one file: its model (if it loads) and its problems."""
    if not path.exists():
        return None, [LintProblem(str(path), 1, 1, "no such file")]
    try:
        source = read_source(path)
    except WarningFileError as exc:
        return None, [_from_error(exc)]
    model, errors = parse_warning(source)
    if model is None:
        return None, [_from_error(e) for e in errors]
    issues = [
        *check_identity(model, path, config),
        *check_shape(model),
        *check_copy(model, config),
        *check_rules(model, config),
        *check_story(model, config),
        *check_review(model, today),
    ]
    return model, [_at(source, issue) for issue in issues]


def _lint_cached(
    path: Path, config: ContentConfig, today: date
) -> tuple[tuple[str, str] | None, list[LintProblem]]:
    """``lint_file``'s (id, locale) and problems, from the cache when this very file (its
    path and bytes) was linted with the same settings, day and code before."""
    from fanzha import _cache

    try:
        data = path.read_bytes()
    except OSError:
        data = None
    if data is None:  # lint_file says what is wrong with the path
        model, found = lint_file(path, config, today)
        return (model.id, model.locale) if model is not None else None, found
    stamp = _cache.code_stamp("fanzha.content", "fanzha._yaml", "yaml", "pydantic", "jinja2")
    key = _cache.digest(str(path), data, repr(config), today.isoformat(), stamp)
    hit = _cache.load("lint", key)
    if hit is not None:
        ident = (hit["id"][0], hit["id"][1]) if hit["id"] else None
        return ident, [LintProblem(*row) for row in hit["problems"]]
    model, found = lint_file(path, config, today)
    ident = (model.id, model.locale) if model is not None else None
    rows = [[p.file, p.line, p.column, p.message] for p in found]
    _cache.store("lint", key, {"id": list(ident) if ident else None, "problems": rows})
    return ident, found


def lint_paths(
    paths: Iterable[str | Path],
    config: ContentConfig | None = None,
    *,
    today: date | None = None,
) -> list[LintProblem]:
    """Every problem in the warning files under `paths`, sorted by file and position."""
    config = config or ContentConfig()
    today = today or date.today()
    problems: list[LintProblem] = []
    seen: dict[tuple[str, str], Path] = {}
    for path in warning_files(paths):
        key, found = _lint_cached(path, config, today)
        problems += found
        if key is None:
            continue
        if key in seen:
            problems.append(
                LintProblem(
                    str(path), 1, 1, f"warning {key[0]!r} ({key[1]}) is also in {seen[key]}"
                )
            )
        seen.setdefault(key, path)
    return sorted(set(problems))


@dataclass(frozen=True, order=True)
class DueFile:
    """A warning file whose review expires within the window asked for (or already has)."""

    expires: date
    path: str
    warning_id: str
    locale: str
    reviewer: str

    def days_left(self, today: date) -> int:
        """Days until expiry (negative once expired)."""
        return (self.expires - today).days

    def line(self, today: date) -> str:
        """`FILE: expires DATE (in N days; reviewer X)` for the CLI."""
        days = self.days_left(today)
        when = f"in {days} days" if days >= 0 else f"{-days} days ago"
        who = f"; reviewer {self.reviewer}" if self.reviewer else ""
        return f"{self.path}: expires {self.expires} ({when}{who})"


def due_for_review(
    paths: Iterable[str | Path], within: timedelta, today: date | None = None
) -> list[DueFile]:
    """Files under `paths` whose review expires within `within` of `today`, soonest first.

    Files that do not load are left to the lint, which reports them.
    """
    today = today or date.today()
    horizon = today + within
    due = []
    for path in warning_files(paths):
        try:
            model, _ = parse_warning(read_source(path))
        except WarningFileError:
            continue
        if model is not None and model.review.expires <= horizon:
            review = model.review
            due.append(DueFile(review.expires, str(path), model.id, model.locale, review.reviewer))
    return sorted(due)


def lint_lines(problems: Iterable[LintProblem]) -> list[str]:
    """Problems as CLI output lines."""
    return [str(p) for p in problems]


COLUMNS = ("id", "scam", "audiences", "locales", "variants", "status", "expires")


def _cells(text: str) -> int:
    """Terminal cells a string takes (a CJK character takes two)."""
    return int(display_width(text) * 2)


def format_table(rows: Sequence[dict[str, str]], columns: Sequence[str] = COLUMNS) -> list[str]:
    """Rows as aligned text lines with a header (CJK counted as two cells)."""
    widths = {c: max([_cells(c), *(_cells(str(r.get(c, ""))) for r in rows)]) for c in columns}

    def line(values: dict[str, str]) -> str:
        parts = [str(values.get(c, "")) for c in columns]
        padded = [p + " " * (widths[c] - _cells(p)) for c, p in zip(columns, parts, strict=True)]
        return "  ".join(padded).rstrip()

    header = line({c: c for c in columns})
    rule = "  ".join("-" * widths[c] for c in columns)
    return [header, rule, *(line(r) for r in rows)]
