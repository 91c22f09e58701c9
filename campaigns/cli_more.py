"""Operational commands: dispatch, scheduler, serve, gateway, token, content, report, recall."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from fanzha.campaigns import cli_ops as ops
from fanzha.campaigns.cliutil import handle_errors, now_option, resolve_now, settings_from

FILE = click.Path(path_type=Path)
EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command()
@click.option("--once", is_flag=True, help="Send what is due now and exit.")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=5.0,
    show_default=True,
    help="Seconds between ticks when not --once.",
)
@now_option
@click.pass_context
@handle_errors
def dispatch(ctx: click.Context, once: bool, interval: float, now) -> None:  # type: ignore[no-untyped-def]
    """Send due messages through the push gateway and into feeds.

    \b
    Example:
      FANZHA_GATEWAY_URL=http://127.0.0.1:9099/push fanzha dispatch --once
    """
    click.echo(ops.dispatch(settings_from(ctx), now, once=once, interval=interval))


@click.command()
@click.option(
    "--campaign",
    "campaign_files",
    multiple=True,
    type=EXISTING,
    help="Campaign files whose waves to schedule.",
)
@click.option("--customers", type=EXISTING, default=None, help="Customer file for wave enqueues.")
@click.option(
    "--tick",
    type=click.FloatRange(1, 3600),
    default=10.0,
    show_default=True,
    help="Seconds between dispatch ticks.",
)
@now_option
@click.pass_context
@handle_errors
def scheduler(
    ctx: click.Context, campaign_files: tuple[Path, ...], customers: Path | None, tick: float, now
) -> None:  # type: ignore[no-untyped-def]
    """Long-running: campaign waves, trigger processing and dispatch ticks (APScheduler).

    \b
    Example:
      fanzha scheduler --campaign spring.yaml --customers customers.parquet
    """
    ops.scheduler(settings_from(ctx), list(campaign_files), customers, tick, now)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.pass_context
@handle_errors
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the feed API and the browser view of a customer's feed.

    \b
    Example:
      fanzha serve --port 8000   # then open /app?token=$(fanzha token C000000042)
    """
    ops.serve(settings_from(ctx), host, port)


@click.group()
def gateway() -> None:
    """Push gateways for demos and tests."""


@gateway.command("fake")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=9099, show_default=True)
@click.option(
    "--latency-ms", type=click.FloatRange(0), default=0, help="Added latency per request."
)
@click.option(
    "--error-rate",
    type=click.FloatRange(0, 1),
    default=0,
    help="Share of requests answered 503/500.",
)
@click.option(
    "--rate-429",
    type=click.FloatRange(0, 1),
    default=0,
    help="Share answered 429 with Retry-After.",
)
@click.option(
    "--drop-rate", type=click.FloatRange(0, 1), default=0, help="Share of connections dropped."
)
@click.option(
    "--reject-rate", type=click.FloatRange(0, 1), default=0, help="Share of messages rejected."
)
@click.option("--seed", type=int, default=0)
@handle_errors
def gateway_fake(
    host: str,
    port: int,
    latency_ms: float,
    error_rate: float,
    rate_429: float,
    drop_rate: float,
    reject_rate: float,
    seed: int,
) -> None:
    """Run a local push gateway that records every accepted id, with fault injection.

    \b
    Example:
      fanzha gateway fake --port 9099 --error-rate 0.2 --rate-429 0.1
    """
    import os

    from fanzha.delivery import FaultSpec, run_fake_gateway
    from fanzha.delivery.keys import KeyRing

    faults = FaultSpec(
        latency_ms=latency_ms,
        error_rate=error_rate,
        rate_429=rate_429,
        drop_rate=drop_rate,
        reject_rate=reject_rate,
        seed=seed,
    )
    # With FANZHA_WEBHOOK_SECRET set, batches signed by no key of it are refused (401).
    webhook = os.environ.get("FANZHA_WEBHOOK_SECRET")
    keys = KeyRing.parse("FANZHA_WEBHOOK_SECRET", webhook) if webhook else None
    run_fake_gateway(host, port, faults, keys)


@click.command()
@click.argument("customer_id")
@click.option("--ttl-hours", type=click.IntRange(1, 24 * 365), default=24, show_default=True)
@click.pass_context
@handle_errors
def token(ctx: click.Context, customer_id: str, ttl_hours: int) -> None:
    """Mint a feed token for a customer (printed alone on stdout).

    \b
    Example:
      fanzha token C000000042
    """
    click.echo(ops.token(settings_from(ctx), customer_id, ttl_hours))


@click.group()
def content() -> None:
    """The warning library."""


@content.command("list")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
@handle_errors
def content_list(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Table of warnings: types, audiences, locales, variants, review status, expiry.

    \b
    Example:
      fanzha content list
    """
    click.echo(ops.content_list(settings_from(ctx), list(paths)))


@content.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--due",
    metavar="DURATION",
    help="Also list files whose review expires within DURATION (e.g. 30d).",
)
@click.pass_context
@handle_errors
def content_lint(ctx: click.Context, paths: tuple[Path, ...], due: str | None) -> None:
    """Refuse unsafe or incomplete warnings: one FILE:LINE:COL line per problem.

    \b
    Example:
      fanzha content lint content/library
      fanzha content lint --due 30d
    """
    problems = ops.content_lint(settings_from(ctx), list(paths))
    for problem in problems:
        click.echo(str(problem), err=True)
    if due is not None:
        click.echo(ops.content_due(settings_from(ctx), list(paths), due))
    if problems:
        sys.exit(1)
    click.echo("content OK")


@click.command()
@click.argument("campaign_id")
@click.option("--outcomes", type=EXISTING, default=None, help="CSV of customer_id,outcome.")
@click.option("--out", type=FILE, required=True, help="Directory for report.html and CSVs.")
@click.pass_context
@handle_errors
def report(ctx: click.Context, campaign_id: str, outcomes: Path | None, out: Path) -> None:
    """Funnel per segment and variant, and holdout uplift with 95% intervals.

    \b
    Example:
      fanzha report spring-2027-new-citizens --outcomes outcomes.csv --out report/
    """
    click.echo(ops.report(settings_from(ctx), campaign_id, outcomes, out))


@click.command()
@click.argument("warning_id")
@now_option
@click.pass_context
@handle_errors
def recall(ctx: click.Context, warning_id: str, now) -> None:  # type: ignore[no-untyped-def]
    """Withdraw a warning: it leaves every feed and its pending pushes are cancelled.

    \b
    Example:
      fanzha recall fake-loan
    """
    click.echo(ops.recall(settings_from(ctx), warning_id, resolve_now(now)))


@click.command()
@click.option("--out", type=FILE, default=None, help="Write here instead of stdout.")
@click.pass_context
@handle_errors
def schema(ctx: click.Context, out: Path | None) -> None:
    """Write the JSON Schema of campaign files (for editor completion and checks).

    Warning ids come from the library (bundled, or FANZHA_CONTENT).

    \b
    Example:
      fanzha schema --out campaign.schema.json
    """
    from fanzha.campaigns.model import library_json_schema

    text = json.dumps(
        library_json_schema(settings_from(ctx).content_paths), ensure_ascii=False, indent=2
    )
    if out:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out}")
    else:
        click.echo(text)


@click.group()
def db() -> None:
    """The store's schema."""


@db.command("upgrade")
@click.pass_context
@handle_errors
def db_upgrade(ctx: click.Context) -> None:
    """Create or upgrade the store's tables to the current schema.

    \b
    Example:
      FANZHA_DB=postgresql://postgres@127.0.0.1/fanzha fanzha db upgrade
    """
    click.echo(ops.db_upgrade(settings_from(ctx)))


def register(group: click.Group) -> None:
    """Add these commands to the ``fanzha`` group."""
    for command in (
        dispatch,
        scheduler,
        serve,
        gateway,
        token,
        content,
        report,
        recall,
        schema,
        db,
    ):
        group.add_command(command)


__all__ = ["register", "resolve_now"]
