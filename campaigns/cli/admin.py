"""Setting fanzha up: ``demo``, ``db upgrade``, ``keys generate``."""

from __future__ import annotations

from pathlib import Path

import click
from fanzha.campaigns import keygen
from fanzha.campaigns.cli.main import cli
from fanzha.campaigns.cli.options import FILE, LIBRARY, STORE, reads, settings_from


@cli.command()
@click.option(
    "--out", type=FILE, default=Path("demo-out"), show_default=True, help="Where every output goes."
)
@click.option(
    "--customers",
    "n",
    type=click.IntRange(100, 2_000_000),
    default=20_000,
    show_default=True,
    help="How many customers to generate.",
)
@reads(*LIBRARY, "FANZHA_RENDER_PROCESSES", "FANZHA_FONT")
@click.pass_context
def demo(ctx: click.Context, out: Path, n: int) -> None:
    """Run the whole pipeline on generated customers with the embedded SQLite store.

    The demo makes its own store, keys, media folder and fictional bank, and writes them to
    OUT/.env so that `fanzha serve` can show its feed; it ignores FANZHA_DB,
    FANZHA_MEDIA_DIR, the key variables and the bank's.

    \b
    Example:
      fanzha demo --out demo-out --customers 20000
    """
    from fanzha.campaigns.demo import run_demo

    run_demo(out, n=n, settings=settings_from(ctx), echo=click.echo)


@cli.group()
def db() -> None:
    """The store's schema.

    \b
    Example:
      fanzha db upgrade
    """


@db.command("upgrade")
@reads(*STORE)
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create or upgrade the store's tables to the current schema (the only command that does).

    \b
    Example:
      FANZHA_DB=postgresql://postgres@127.0.0.1/fanzha fanzha db upgrade
    """
    from fanzha.campaigns.store import upgrade_store

    click.echo(upgrade_store(settings_from(ctx)))


@cli.group()
def keys() -> None:
    """Secret keys for FANZHA_SECRET, FANZHA_BACKEND_KEY and FANZHA_WEBHOOK_SECRET.

    \b
    Example:
      fanzha keys generate --env >> .env
    """


@keys.command("generate")
@click.option(
    "--env",
    "as_env",
    is_flag=True,
    help="Print `export` lines with a new key for each of the three variables.",
)
def keys_generate(as_env: bool) -> None:
    """Print a new random key (32 bytes, base64url); keep it out of version control.

    To rotate a key, put the new one first and keep the old one until what it signed has
    expired: FANZHA_SECRET="k2:NEW,k1:OLD".

    \b
    Example:
      fanzha keys generate --env
    """
    if as_env:
        click.echo("\n".join(keygen.env_lines(keygen.new_keys())))
    else:
        click.echo(keygen.new_key())
