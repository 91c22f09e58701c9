"""A campaign's life: ``plan``, ``run``, ``report``, ``recall``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
from fanzha.campaigns.cli.main import cli
from fanzha.campaigns.cli.options import (
    BANK,
    EXISTING,
    FILE,
    LIBRARY,
    RENDER,
    STORE,
    now_option,
    reads,
    settings_from,
)


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option("--customers", type=EXISTING, required=True, help="Customer file (.csv/.parquet).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@now_option
@reads(*LIBRARY, *BANK, "FANZHA_HORIZON_DAYS")
@click.pass_context
def plan(
    ctx: click.Context, campaign: Path, customers: Path, as_json: bool, now: datetime | None
) -> None:
    """Dry run: counts per segment, exclusions, content, first sends. Touches nothing.

    \b
    Example:
      fanzha plan spring.yaml --customers customers.parquet --json
    """
    from fanzha.campaigns import api

    result = api.plan(campaign, customers, now=now, settings=settings_from(ctx))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.render())


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option("--customers", type=EXISTING, required=True, help="Customer file (.csv/.parquet).")
@now_option
@reads(*STORE, *LIBRARY, *BANK, *RENDER, "FANZHA_HORIZON_DAYS", "FANZHA_PUBLIC_URL")
@click.pass_context
def run(ctx: click.Context, campaign: Path, customers: Path, now: datetime | None) -> None:
    """Enqueue the campaign's messages; running the same version twice adds nothing.

    The store must exist: create it once with `fanzha db upgrade`.

    \b
    Example:
      fanzha run spring.yaml --customers customers.parquet --now 2027-03-01T00:00+08:00
    """
    from fanzha.campaigns import api

    click.echo(api.run(campaign, customers, now=now, settings=settings_from(ctx)).render())


@cli.command()
@click.argument("campaign_id")
@click.option(
    "--outcomes",
    type=EXISTING,
    default=None,
    help="Outcomes file (customer_id,date,metric,value; docs/STATISTICS.md). Default: the "
    "outcomes stored by `fanzha outcomes import`.",
)
@click.option("--out", type=FILE, required=True, help="Directory for report.html and CSVs.")
@reads(*STORE)
@click.pass_context
def report(ctx: click.Context, campaign_id: str, outcomes: Path | None, out: Path) -> None:
    """The campaign's report in its language: funnels, effect with 95% intervals, experiments.

    \b
    Example:
      fanzha report spring-2027-new-citizens --outcomes outcomes.csv --out report/
    """
    from fanzha.campaigns import api

    result = api.report(campaign_id, out, outcomes=outcomes, settings=settings_from(ctx))
    click.echo(result.render())


@cli.command()
@click.argument("warning_id")
@now_option
@reads(*STORE, "FANZHA_CONTENT")
@click.pass_context
def recall(ctx: click.Context, warning_id: str, now: datetime | None) -> None:
    """Withdraw a warning: it leaves every feed and its pending pushes are cancelled.

    \b
    Example:
      fanzha recall fake-loan
    """
    from fanzha.campaigns import api

    click.echo(api.recall(warning_id, now=now, settings=settings_from(ctx)).render())
