"""``fanzha risk-check``: the decision the bank's app would get, and the rule behind it."""

from __future__ import annotations

from datetime import datetime

import click
from fanzha.campaigns import risk_check as R
from fanzha.campaigns.cli.main import cli
from fanzha.campaigns.cli.options import LIBRARY, STORE, now_option, reads, settings_from
from fanzha.campaigns.risk_rules import PAYEE_TYPES, RISK_KINDS


@cli.command("risk-check")
@click.option("--customer", required=True, help="The customer id.")
@click.option("--kind", type=click.Choice(RISK_KINDS), required=True, help="The moment of risk.")
@click.option("--amount", type=click.FloatRange(0, 1e12), default=None, help="Amount (CNY).")
@click.option("--payee-new/--payee-known", default=None, help="A payee never paid before.")
@click.option("--payee-type", type=click.Choice(PAYEE_TYPES), default=None, help="Who is paid.")
@click.option("--payee-flagged/--payee-not-flagged", default=None, help="Payee on a risk list.")
@click.option("--screen-sharing/--no-screen-sharing", default=None, help="Screen shared now.")
@click.option("--on-call/--not-on-call", default=None, help="In a phone call now.")
@click.option("--risk-prompts-off", is_flag=True, help="As if the customer turned prompts off.")
@now_option
@reads(*STORE, *LIBRARY)
@click.pass_context
def risk_check(
    ctx: click.Context,
    customer: str,
    kind: str,
    amount: float | None,
    payee_new: bool | None,
    payee_type: str | None,
    payee_flagged: bool | None,
    screen_sharing: bool | None,
    on_call: bool | None,
    risk_prompts_off: bool,
    now: datetime | None,
) -> None:
    """Decide a risk check as `fanzha serve` would (nothing is recorded).

    Uses the risk prompts of the campaigns run last (`fanzha run`); prints the decision
    and which rule of which campaign matched. Fields left out are unknown to the rules.

    \b
    Example:
      fanzha risk-check --customer C000000001 --kind transfer --amount 50000 --payee-new
    """
    event = {
        "kind": kind,
        "amount": amount,
        "payee_new": payee_new,
        "payee_type": payee_type,
        "payee_flagged": payee_flagged,
        "screen_sharing": screen_sharing,
        "on_call": on_call,
    }
    result = R.check(settings_from(ctx), customer, event, risk_off=risk_prompts_off, now=now)
    click.echo(result.render())
