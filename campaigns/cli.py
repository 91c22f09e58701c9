"""The ``fanzha`` command: each command parses arguments and calls one library function."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from fanzha.campaigns import cli_ops as ops
from fanzha.campaigns.cliutil import handle_errors, now_option, resolve_now, settings_from
from fanzha.campaigns.settings import Settings

FILE = click.Path(path_type=Path)
EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--db", envvar="FANZHA_DB", default=None, help="Store URL (default sqlite:///fanzha.db)."
)
@click.version_option(package_name="fanzha")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """fanzha (反诈): personalized anti-fraud education campaigns for banks.

    \b
    Example:
      fanzha demo --out demo-out
    """
    settings = Settings.from_env()
    if db:
        from dataclasses import replace

        settings = replace(settings, db_url=db)
    ctx.obj = settings


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
@click.pass_context
@handle_errors
def demo(ctx: click.Context, out: Path, n: int) -> None:
    """Run the whole pipeline on generated customers with the embedded SQLite store.

    \b
    Example:
      fanzha demo --out demo-out --customers 20000
    """
    from fanzha.campaigns.demo import run_demo

    run_demo(out, n=n, settings=settings_from(ctx), echo=click.echo)


@cli.group()
def customers() -> None:
    """Synthetic customers.

    \b
    Example:
      fanzha customers generate --n 100000 --seed 7 --out customers.parquet
    """


@customers.command("generate")
@click.option(
    "--n", type=click.IntRange(1, 100_000_000), required=True, help="Number of customers."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same file.")
@click.option("--out", type=FILE, required=True, help="Output file (.csv or .parquet).")
@handle_errors
def customers_generate(n: int, seed: int, out: Path) -> None:
    """Write realistic synthetic new-citizen customers.

    \b
    Example:
      fanzha customers generate --n 1000000 --seed 1 --out customers.parquet
    """
    click.echo(ops.generate(n, seed, out))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=EXISTING)
@click.option(
    "--customers",
    type=EXISTING,
    default=None,
    help="Also check every row of this customer file (exit 1 if any is rejected), and the "
    "rules' columns and values against it.",
)
@click.pass_context
@handle_errors
def validate(ctx: click.Context, files: tuple[Path, ...], customers: Path | None) -> None:
    """Check campaign and warning files; nothing else is touched.

    \b
    Example:
      fanzha validate campaigns/examples/spring-2027.yaml content/library/zh-CN/*.yaml
    """
    problems = ops.validate(list(files), settings_from(ctx), customers)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    click.echo(
        f"{len(files)} file(s) OK" + (f"; every row of {customers} is usable" if customers else "")
    )


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option("--customers", type=EXISTING, required=True, help="Customer file (.csv/.parquet).")
@click.option("--out", type=FILE, required=True, help="Assignments file (.csv/.parquet).")
@click.option(
    "--engine", type=click.Choice(["pandas", "sql", "dask"]), default="pandas", show_default=True
)
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Date rules are evaluated at."
)
@click.pass_context
@handle_errors
def segment(
    ctx: click.Context, campaign: Path, customers: Path, out: Path, engine: str, as_of
) -> None:  # type: ignore[no-untyped-def]
    """Assign customers to segments: customer_id, segment, holdout, eligible, reason.

    \b
    Example:
      fanzha segment spring.yaml --customers customers.parquet --out assignments.csv
    """
    click.echo(
        ops.segment(
            campaign, customers, out, engine, as_of.date() if as_of else None, settings_from(ctx)
        )
    )


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option("--customers", type=EXISTING, required=True, help="Customer file (.csv/.parquet).")
@click.option("--customer-id", required=True, help="The customer to explain.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.pass_context
@handle_errors
def explain(ctx: click.Context, campaign: Path, customers: Path, customer_id: str, as_of) -> None:  # type: ignore[no-untyped-def]
    """Show which rule matched or failed for one customer, clause by clause.

    \b
    Example:
      fanzha explain spring.yaml --customers customers.parquet --customer-id C000000042
    """
    click.echo(
        ops.explain(
            campaign, customers, customer_id, as_of.date() if as_of else None, settings_from(ctx)
        )
    )


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option("--customers", type=EXISTING, required=True, help="Customer file (.csv/.parquet).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@now_option
@click.pass_context
@handle_errors
def plan(ctx: click.Context, campaign: Path, customers: Path, as_json: bool, now) -> None:  # type: ignore[no-untyped-def]
    """Dry run: counts per segment, exclusions, content, first sends. Touches nothing.

    \b
    Example:
      fanzha plan spring.yaml --customers customers.parquet --json
    """
    result = ops.plan(campaign, customers, settings_from(ctx), resolve_now(now))
    click.echo(
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else result.render()
    )


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option("--out", type=FILE, required=True, help="Directory for index.html and images.")
@click.pass_context
@handle_errors
def preview(ctx: click.Context, campaign: Path, out: Path) -> None:
    """Write a static HTML gallery of every card and poster with copy and alt text.

    \b
    Example:
      fanzha preview spring.yaml --out preview/ && open preview/index.html
    """
    click.echo(ops.preview(campaign, out, settings_from(ctx)))


@cli.command()
@click.argument("warning")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(
        [
            "strip",
            "card",
            "story",
            "square",
            "banner",
            "poster-a4",
            "poster-a3",
            "poster-a2",
            "rollup",
        ]
    ),
    default="card",
    show_default=True,
)
@click.option("--segment", default=None, help="Segment label shown on the card.")
@click.option("--locale", default="zh-CN", show_default=True)
@click.option("--variant", default="a", show_default=True)
@click.option(
    "--layout", type=click.Choice(["four-panel", "grid"]), default="four-panel", show_default=True
)
@click.option("--large-text", is_flag=True, help="Elder-friendly large text mode.")
@click.option("--qr", default=None, help="Posters: the bank's public https address for a QR code.")
@click.option("--press", is_flag=True, help="Posters: CMYK press PDF.")
@click.option(
    "--out", type=FILE, required=True, help="Image file (.webp/.png/.jpg, or .pdf for posters)."
)
@click.pass_context
@handle_errors
def render(
    ctx: click.Context,
    warning: str,
    fmt: str,
    segment: str | None,
    locale: str,
    variant: str,
    layout: str,
    large_text: bool,
    qr: str | None,
    press: bool,
    out: Path,
) -> None:
    """Render one warning in one format, with its JSON manifest beside it.

    \b
    Example:
      fanzha render credit-repair --format card --large-text --out card.png
    """
    from fanzha.campaigns.posters import RenderRequest

    request = RenderRequest(
        warning, fmt, segment, locale, variant, layout, large_text, qr=qr, press=press
    )
    click.echo(ops.render_one(request, out, settings_from(ctx)))


@cli.command()
@click.argument("campaign", type=EXISTING, required=False)
@click.option("--out", type=FILE, default=None, help="Directory for the PDFs.")
@click.option(
    "--press", is_flag=True, help="CMYK press PDFs with a FOGRA39 output intent (offset shops)."
)
@click.option(
    "--check",
    "check",
    type=EXISTING,
    multiple=True,
    help="Preflight a PDF (any PDF; repeatable): one line per failure, exit 1 on any.",
)
@click.pass_context
@handle_errors
def posters(
    ctx: click.Context,
    campaign: Path | None,
    out: Path | None,
    press: bool,
    check: tuple[Path, ...],
) -> None:
    """Write print-ready poster PDFs, one per poster entry, and preflight them.

    \b
    Example:
      fanzha posters spring.yaml --out posters/
      fanzha posters spring.yaml --out press/ --press
      fanzha posters --check press/01-zhangjiang-a3-press.pdf --press
    """
    if not check and (campaign is None or out is None):
        raise click.UsageError("give a CAMPAIGN and --out DIR, or --check FILE")
    text, ok = ops.posters(campaign, out, settings_from(ctx), press=press, check=list(check))
    click.echo(text)
    if not ok:
        sys.exit(1)


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option("--customers", type=EXISTING, required=True, help="Customer file (.csv/.parquet).")
@now_option
@click.pass_context
@handle_errors
def run(ctx: click.Context, campaign: Path, customers: Path, now) -> None:  # type: ignore[no-untyped-def]
    """Enqueue the campaign's messages; running the same version twice adds nothing.

    \b
    Example:
      fanzha run spring.yaml --customers customers.parquet --now 2027-03-01T00:00+08:00
    """
    click.echo(ops.run(campaign, customers, settings_from(ctx), resolve_now(now)).render())


from fanzha.campaigns import cli_more  # noqa: E402  (registers the operational commands)

cli_more.register(cli)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="fanzha")


if __name__ == "__main__":
    main()
