"""What the commands share: path and time options, the settings, help about variables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from fanzha.campaigns.instants import check_instant
from fanzha.campaigns.variables import VARIABLES

if TYPE_CHECKING:
    from fanzha.campaigns.settings import Settings
    from fanzha.campaigns.settings_cache import StoreAndSchema

F = TypeVar("F", bound=Callable[..., Any])

FILE = click.Path(path_type=Path)
EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)
DAY = click.DateTime(["%Y-%m-%d"])


def settings_from(ctx: click.Context) -> Settings:
    """The settings, read from the environment the first time a command asks for them."""
    from fanzha.campaigns.cli.main import StartUp
    from fanzha.campaigns.settings import Settings

    start = ctx.find_object(StartUp)
    return start.settings() if start is not None else Settings.from_env()


def store_and_schema_from(ctx: click.Context) -> StoreAndSchema:
    """FANZHA_DB (``--db`` wins) and FANZHA_SCHEMA alone, as the settings read them, for a
    command that reads nothing else (served from the cache; see ``settings_cache``)."""
    from fanzha.campaigns.cli.main import StartUp
    from fanzha.campaigns.settings_cache import store_and_schema

    start = ctx.find_object(StartUp)
    return store_and_schema(start.db if start is not None else None)


class NowType(click.ParamType):
    """An ISO-8601 instant (naive means UTC); unparseable is a usage error, out of range exit 1."""

    name = "ISO-8601"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return check_instant(value)
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO-8601 time, e.g. 2027-03-01T09:00+08:00", param, ctx)
        return check_instant(parsed)


NOW = NowType()


class DurationType(click.ParamType):
    """A duration in days or weeks ("30d", "2w"), in the campaign files' grammar."""

    name = "DURATION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from datetime import timedelta

        from fanzha.delivery.syntax import parse_duration

        if isinstance(value, timedelta):
            return value
        try:
            return parse_duration(str(value), units="dw", maximum=timedelta(days=3660))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DAYS = DurationType()


def now_option(fn: F) -> F:
    """``--now``: simulate or replay at a given instant (default: the real clock)."""
    return click.option(
        "--now",
        type=NOW,
        default=None,
        help="Act as if it were this time (ISO-8601, e.g. 2027-03-01T09:00+08:00; default: now).",
    )(fn)


# Read by a package itself rather than through the settings.
OTHER_VARIABLES = {
    "FANZHA_FONT": "a CJK font file for cards and posters (read by the renderer)",
    "FANZHA_CACHE_DIR": "folder of derived data cached by content hash (default "
    "~/.cache/fanzha; off turns it off)",
}


def describe_variable(name: str) -> str:
    """What a ``FANZHA_*`` variable holds (the settings' descriptions, without pydantic)."""
    return {**VARIABLES, **OTHER_VARIABLES}[name]


def reads(*variables: str) -> Callable[[F], F]:
    """Name the environment variables a command reads at the end of its help."""

    def decorate(fn: F) -> F:
        width = max(len(v) for v in variables)
        lines = [f"  {v.ljust(width)}  {describe_variable(v)}" for v in variables]
        fn.__doc__ = (fn.__doc__ or "").rstrip() + "\n\n\b\nEnvironment:\n" + "\n".join(lines)
        return fn

    return decorate


# Every command that opens the store reads it; the services also read the three keys.
STORE = ("FANZHA_DB",)
KEYS = ("FANZHA_SECRET", "FANZHA_BACKEND_KEY", "FANZHA_WEBHOOK_SECRET")
LIBRARY = ("FANZHA_CONTENT", "FANZHA_SCHEMA", "FANZHA_CACHE_DIR")
BANK = (
    "FANZHA_BANK_NAME",
    "FANZHA_BANK_NAME_EN",
    "FANZHA_BANK_PHONE",
    "FANZHA_COOLING_OFF_DAYS",
    "FANZHA_COOLING_OFF_WAIVED",
    "FANZHA_COOLING_OFF_WAIVED_EN",
)
GATEWAY = (
    "FANZHA_GATEWAY_URL",
    "FANZHA_GATEWAY_KIND",
    "FANZHA_GATEWAY_BATCH",
    "FANZHA_JPUSH_APP_KEY",
    "FANZHA_JPUSH_SECRET",
)
RENDER = ("FANZHA_MEDIA_DIR", "FANZHA_RENDER_PROCESSES", "FANZHA_FONT")
