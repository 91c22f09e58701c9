"""The ``fanzha`` group: reads the settings once, and turns every user error into one line.

A ``FanzhaError`` (each package's base error derives from it) or a bad setting ends the
command with ``error: …`` on stderr and exit 1; campaign-file problems print one
``FILE:LINE:COL: message`` line each. Usage errors stay click's, with exit 2.
"""

from __future__ import annotations

from typing import Any

import click
from fanzha.campaigns.errors import CampaignFileError
from fanzha.campaigns.settings import Settings

from fanzha.errors import FanzhaError

__all__ = ["FanzhaGroup", "cli", "main"]


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
    settings = Settings.from_env()
    ctx.obj = settings.replace(db_url=db) if db else settings


def main() -> None:
    """Console-script entry point (``fanzha.campaigns.cli`` registers every command first)."""
    cli(prog_name="fanzha")
