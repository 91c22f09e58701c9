"""Customers and segments: ``customers generate``, ``segment``, ``explain``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
from fanzha.campaigns.cli.main import cli
from fanzha.campaigns.cli.options import (
    DAY,
    EXISTING,
    FILE,
    LIBRARY,
    STORE,
    reads,
    settings_from,
    store_and_schema_from,
)


@cli.group()
def customers() -> None:
    """Synthetic customers for trials and tests.

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
def customers_generate(n: int, seed: int, out: Path) -> None:
    """Write realistic synthetic new-citizen customers.

    \b
    Example:
      fanzha customers generate --n 1000000 --seed 1 --out customers.parquet
    """
    from fanzha.campaigns import segmenting

    click.echo(segmenting.generate_file(n, seed, out).render())


class CustomerSource(click.ParamType):
    """A customer file, a directory of Parquet files, or a database table URL#table."""

    name = "FILE|DIR|URL#TABLE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if "://" in text:
            return text  # a database: checked when connecting
        path = Path(text)
        if not path.exists():
            self.fail(f"{text!r}: no such file or directory", param, ctx)
        return path


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option(
    "--customers",
    type=CustomerSource(),
    required=True,
    help="Customers: a .csv/.parquet file, a directory of Parquet files (a dataset), or a "
    "table where they live, as an SQLAlchemy URL with #schema.table (rules run there).",
)
@click.option(
    "--out",
    required=True,
    metavar="X.csv|X.parquet|X/",
    help="Assignments, the same for every engine: X.csv (one file), X.parquet (one file) "
    "or X/ (a Parquet dataset directory, one part file per partition). An existing output "
    "is replaced once the new one is complete; rejected rows go to X.rejected.csv beside it.",
)
@click.option(
    "--engine",
    type=click.Choice(["pandas", "sql", "dask"]),
    default="pandas",
    show_default=True,
    help="Where rules run: pandas in memory, compiled to SQL (in SQLite, or in the database "
    "of a URL#table), or on Dask partitions of Parquet row groups.",
)
@click.option(
    "--scheduler",
    envvar="DASK_SCHEDULER_ADDRESS",
    default=None,
    metavar="tcp://HOST:PORT",
    help="With --engine dask: the Dask scheduler of an existing cluster (default: "
    "$DASK_SCHEDULER_ADDRESS, else threads of this process). Workers read --customers and "
    "write X/ themselves: give paths on storage they share.",
)
@click.option(
    "--as-of", type=DAY, default=None, help="Date rules are evaluated at (default: today)."
)
@reads(*STORE, *LIBRARY)
@click.pass_context
def segment(
    ctx: click.Context,
    campaign: Path,
    customers: Path | str,
    out: str,
    engine: str,
    scheduler: str | None,
    as_of: datetime | None,
) -> None:
    """Assign customers to segments: customer_id, segment, holdout, eligible, reason.

    Opt-outs recorded in the store (FANZHA_DB) are honoured when the store exists.

    \b
    Example:
      fanzha segment spring.yaml --customers customers.parquet --out assignments.csv
    On a Dask cluster, and in the database where the customers are:
      fanzha segment spring.yaml --engine dask --scheduler tcp://10.0.0.5:8786 \\
          --customers /shared/customers/ --out /shared/assignments/
      fanzha segment spring.yaml --customers 'postgresql://bank@dw/crm#retail.customers' \\
          --out assignments.parquet
    """
    from fanzha.campaigns.cli.collector import before_exit, libraries_loaded

    with libraries_loaded():
        from fanzha.campaigns import segmenting
        from fanzha.segments import segment_file  # noqa: F401  (pandas, NumPy, PyArrow)

    result = segmenting.segment_customers(
        campaign,
        customers,
        out,
        engine=engine,
        as_of=as_of.date() if as_of else None,
        settings=store_and_schema_from(ctx),
        scheduler=scheduler,
    )
    click.echo(result.render())
    before_exit()


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option("--customers", type=EXISTING, required=True, help="Customer file (.csv/.parquet).")
@click.option("--customer-id", required=True, help="The customer to explain.")
@click.option(
    "--as-of", type=DAY, default=None, help="Date rules are evaluated at (default: today)."
)
@reads(*STORE, *LIBRARY)
@click.pass_context
def explain(
    ctx: click.Context, campaign: Path, customers: Path, customer_id: str, as_of: datetime | None
) -> None:
    """Show which rule matched or failed for one customer, clause by clause.

    \b
    Example:
      fanzha explain spring.yaml --customers customers.parquet --customer-id C000000042
    """
    from fanzha.campaigns import segmenting

    text = segmenting.explain_customer(
        campaign,
        customers,
        customer_id,
        as_of=as_of.date() if as_of else None,
        settings=settings_from(ctx),
    )
    click.echo(text)
