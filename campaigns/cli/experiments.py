"""Measurement commands: ``outcomes import`` and ``control export``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from fanzha.campaigns.cli.main import cli
from fanzha.campaigns.cli.options import EXISTING, FILE, LIBRARY, STORE, reads, settings_from

CONTROL = (
    "FANZHA_CONTROL_PCT",
    "FANZHA_CONTROL_EPOCH_MONTHS",
    "FANZHA_CONTROL_ANCHOR",
    "FANZHA_CONTROL_RISK_PROMPTS",
)


@cli.group()
def outcomes() -> None:
    """Outcomes the report measures (fraud reported, prompts cancelled, …).

    \b
    Example:
      fanzha outcomes import outcomes.csv
    """


@outcomes.command("import")
@click.argument("file", type=EXISTING)
@reads(*STORE)
@click.pass_context
def import_(ctx: click.Context, file: Path) -> None:
    """Store an outcomes file (.csv/.parquet: customer_id, date, metric, value).

    Rows are keyed by (customer_id, date, metric): importing again adds nothing, a changed
    value replaces the old one. Values may be numbers, 1/0, true/false or 是/否. Bad rows are
    set aside in FILE.rejected.csv with their reasons; the rest are imported.

    \b
    Example:
      fanzha outcomes import outcomes-2027-03.csv
    """
    from fanzha.campaigns.outcomes import import_outcomes
    from fanzha.campaigns.workspace import Workspace

    click.echo(import_outcomes(Workspace(settings_from(ctx)), file).render())


@cli.group()
def control() -> None:
    """The global control group: customers no campaign educates (FANZHA_CONTROL_PCT).

    \b
    Example:
      fanzha control export --customers customers.parquet --out control.csv
    """


@control.command("export")
@click.option("--customers", type=EXISTING, required=True, help="Customer file (.csv/.parquet).")
@click.option("--out", type=FILE, required=True, help="Members file (.csv or .parquet).")
@click.option(
    "--on",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The day whose epoch to export (YYYY-MM-DD; default: today).",
)
@reads(*CONTROL, *LIBRARY)
@click.pass_context
def export(ctx: click.Context, customers: Path, out: Path, day: datetime | None) -> None:
    """Write the members of the global control group among the customers, with the epoch.

    \b
    Example:
      FANZHA_CONTROL_PCT=2 fanzha control export --customers customers.parquet --out gc.csv
    """
    from fanzha.campaigns.control import export_control
    from fanzha.campaigns.workspace import Workspace

    when = (day or datetime.now()).date()
    click.echo(export_control(Workspace(settings_from(ctx)), customers, when, out).render())
