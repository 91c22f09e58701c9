"""The ``fanzha`` group: settings read when first asked for, and every user error in one line.

A ``FanzhaError`` (each package's base error derives from it) or a bad setting ends the
command with ``error: …`` on stderr and exit 1; campaign-file problems print one
``FILE:LINE:COL: message`` line each. Usage errors stay click's, with exit 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from fanzha.campaigns.errors import CampaignFileError

from fanzha.errors import FanzhaError

if TYPE_CHECKING:
    from fanzha.campaigns.settings import Settings

__all__ = ["FanzhaGroup", "StartUp", "cli", "main"]


class StartUp:
    """What the group was started with; the settings are read on a command's first request.

    A command that reads no setting (``keys generate``, ``gateway fake``) never loads
    pydantic-settings, and a bad variable is reported by the commands that read it.
    """

    def __init__(self, db: str | None) -> None:
        self.db = db
        self._settings: Settings | None = None

    def settings(self) -> Settings:
        """The settings from the environment (``--db`` wins over ``FANZHA_DB``), read once."""
        if self._settings is None:
            from fanzha.campaigns.settings import Settings

            settings = Settings.from_env()
            self._settings = settings.replace(db_url=self.db) if self.db else settings
        return self._settings


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    raise click.exceptions.Exit(1)


class FanzhaGroup(click.Group):
    """A click group whose commands report user errors in one line each, with exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; user errors end it cleanly."""
        try:
            return super().invoke(ctx)
        except CampaignFileError as exc:
            _fail([str(p) for p in exc.problems])
        except FanzhaError as exc:
            _fail([f"error: {line}" for line in (str(exc) or type(exc).__name__).splitlines()])
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
            _fail([f"error: {exc.strerror or 'cannot use the file'}: {exc.filename}"])


@click.group(
    cls=FanzhaGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    envvar="FANZHA_DB",
    default=None,
    help="Store URL (default: $FANZHA_DB, else sqlite:///fanzha.db).",
)
@click.version_option(package_name="fanzha")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """fanzha (反诈): personalized anti-fraud education campaigns for banks.

    Settings come from FANZHA_* environment variables (each command's help names the ones
    it reads); a value that does not fit is an error naming the variable.

    \b
    Example:
      fanzha demo --out demo-out
    """
    ctx.obj = StartUp(db)


def main() -> None:
    """Console-script entry point (``fanzha.campaigns.cli`` registers every command first)."""
    from fanzha.campaigns.cli.collector import own_process

    from fanzha import _cache

    own_process()
    _cache.write_behind()  # derived data is written on a thread; the exit waits for it
    cli(prog_name="fanzha")
