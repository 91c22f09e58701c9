"""Running services: ``dispatch``, ``scheduler``, ``serve``, ``token``, ``gateway fake``."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click
from fanzha.campaigns import services
from fanzha.campaigns.cli.main import cli
from fanzha.campaigns.cli.options import (
    BANK,
    EXISTING,
    GATEWAY,
    KEYS,
    LIBRARY,
    RENDER,
    STORE,
    now_option,
    reads,
    settings_from,
)

DISPATCH = (*STORE, *KEYS, *GATEWAY, *LIBRARY, *BANK, "FANZHA_PUBLIC_URL", "FANZHA_FEED_TTL_DAYS")


@cli.command()
@click.option("--once", is_flag=True, help="Send what is due now and exit.")
@click.option(
    "--until-idle",
    is_flag=True,
    help="Keep sending until nothing is due or waiting for a retry, then exit.",
)
@click.option(
    "--interval",
    type=click.FloatRange(0.01, 3600),
    default=5.0,
    show_default=True,
    help="Seconds between passes when idle (not with --once).",
)
@click.option(
    "--lease",
    type=click.FloatRange(1, 3600),
    default=60.0,
    show_default=True,
    help="Seconds a claimed batch stays reserved; a killed dispatcher's batch returns after it.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Sending threads in this process.",
)
@now_option
@reads(*DISPATCH, *RENDER)
@click.pass_context
def dispatch(
    ctx: click.Context,
    once: bool,
    until_idle: bool,
    interval: float,
    lease: float,
    workers: int,
    now: datetime | None,
) -> None:
    """Send due messages through the push gateway and into feeds.

    Without FANZHA_GATEWAY_URL the feed is still delivered; pushes stay pending, with a
    warning, until a dispatcher with a gateway sends them.

    \b
    Example:
      FANZHA_GATEWAY_URL=http://127.0.0.1:9099/push fanzha dispatch --once
    """
    if once and until_idle:
        raise click.UsageError("give --once or --until-idle, not both")
    summary = services.dispatch(
        settings_from(ctx),
        now,
        once=once,
        until_idle=until_idle,
        interval=interval,
        lease_s=lease,
        workers=workers,
        echo=click.echo,
        warn=lambda line: click.echo(line, err=True),
    )
    click.echo(summary)


@cli.command()
@click.option(
    "--campaign",
    "campaign_files",
    multiple=True,
    type=EXISTING,
    help="Campaign file whose waves to schedule (repeat for several).",
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
@reads(*DISPATCH, *RENDER, "FANZHA_HORIZON_DAYS")
@click.pass_context
def scheduler(
    ctx: click.Context,
    campaign_files: tuple[Path, ...],
    customers: Path | None,
    tick: float,
    now: datetime | None,
) -> None:
    """Long-running: campaign waves, trigger processing and dispatch ticks (APScheduler).

    \b
    Example:
      fanzha scheduler --campaign spring.yaml --customers customers.parquet
    """
    services.run_scheduler(settings_from(ctx), list(campaign_files), customers, tick, now)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port."
)
@reads(*STORE, *KEYS, "FANZHA_MEDIA_DIR", "FANZHA_FEED_TTL_DAYS")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the feed API and the browser view of a customer's feed.

    Card images come from the folder `fanzha run` renders into (FANZHA_MEDIA_DIR, default
    fanzha-media); serve warns at start-up when it is missing or empty.

    \b
    Example:
      fanzha serve --port 8000   # then open /app?token=$(fanzha token C000000042)
    """
    services.serve(settings_from(ctx), host, port)


@cli.command()
@click.argument("customer_id")
@click.option(
    "--ttl-hours",
    type=click.IntRange(1, 24 * 365),
    default=24,
    show_default=True,
    help="How long the token stays valid.",
)
@click.option(
    "--allow-unknown",
    is_flag=True,
    help="Mint even when the store has never seen the id (no assignment, message or feed item).",
)
@reads(*STORE, *KEYS)
@click.pass_context
def token(ctx: click.Context, customer_id: str, ttl_hours: int, allow_unknown: bool) -> None:
    """Mint a feed token for a customer the store knows (printed alone on stdout).

    \b
    Example:
      fanzha token C000000042
      fanzha token C999999999 --allow-unknown --ttl-hours 2
    """
    ttl = timedelta(hours=ttl_hours)
    click.echo(
        services.mint_token(settings_from(ctx), customer_id, ttl, allow_unknown=allow_unknown)
    )


@cli.group()
def gateway() -> None:
    """Push gateways for demos and tests.

    \b
    Example:
      fanzha gateway fake --port 9099 --error-rate 0.1
    """


@gateway.command("fake")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=9099, show_default=True, help="TCP port."
)
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
@click.option("--seed", type=int, default=0, help="Same seed, same faults.")
@reads("FANZHA_WEBHOOK_SECRET")
@click.pass_context
def gateway_fake(
    ctx: click.Context,
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

    With FANZHA_WEBHOOK_SECRET set it refuses (401) batches no key of it signed.

    \b
    Example:
      fanzha gateway fake --port 9099 --error-rate 0.2 --rate-429 0.1
    """
    from fanzha.delivery import FaultSpec

    faults = FaultSpec(
        latency_ms=latency_ms,
        error_rate=error_rate,
        rate_429=rate_429,
        drop_rate=drop_rate,
        reject_rate=reject_rate,
        seed=seed,
    )
    services.fake_gateway(settings_from(ctx), host, port, faults)
