"""CLI plumbing: error handling, settings, --now parsing, quiet-or-progress output."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import click
from fanzha.campaigns.errors import CampaignFileError, CampaignsError
from fanzha.campaigns.settings import Settings

T = TypeVar("T")


def user_errors() -> tuple[type[BaseException], ...]:
    """Every package's base error: a user mistake, reported in one line per problem."""
    from fanzha.content.errors import ContentError
    from fanzha.delivery.errors import DeliveryError
    from fanzha.renderer.errors import RenderError
    from fanzha.segments.errors import SegmentsError

    return (CampaignsError, SegmentsError, ContentError, RenderError, DeliveryError)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the packages' base errors into clean messages and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CampaignFileError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(1)
        except user_errors() as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except FileNotFoundError as exc:
            click.echo(f"error: no such file: {exc.filename}", err=True)
            sys.exit(1)

    return wrapper


def settings_from(ctx: click.Context) -> Settings:
    """The settings the group read at start-up."""
    return ctx.find_object(Settings) or Settings.from_env()


class NowType(click.ParamType):
    """An ISO-8601 instant; a naive value is taken as UTC."""

    name = "ISO-8601"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO-8601 time, e.g. 2027-03-01T09:00+08:00", param, ctx)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


NOW = NowType()


def now_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--now``: simulate or replay at a given instant (default: the real clock)."""
    return click.option(
        "--now", type=NOW, default=None, help="Act as if it were this time (ISO-8601)."
    )(fn)


def resolve_now(now: datetime | None) -> datetime:
    """The given instant or the real clock, aware."""
    return now or datetime.now(UTC)


def table(rows: list[tuple[Any, ...]], headers: tuple[str, ...]) -> str:
    """A plain text table (display-width aware for Chinese)."""
    from unicodedata import east_asian_width

    def width(text: str) -> int:
        return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)

    cells = [tuple(str(c) for c in headers), *[tuple(str(c) for c in r) for r in rows]]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]

    def fmt(row: tuple[str, ...]) -> str:
        parts = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - width(cell))
            parts.append(
                pad + cell if cell.replace(",", "").replace(".", "").isdigit() else cell + pad
            )
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(cells[0]), rule, *(fmt(r) for r in cells[1:])])
