"""Customers and segments on their own: generate customers, write assignments, explain one."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.customers import columns_of
from fanzha.campaigns.results import Result
from fanzha.campaigns.tables import table

if TYPE_CHECKING:
    from fanzha.campaigns.settings import Settings
    from fanzha.campaigns.settings_cache import StoreAndSchemaSettings
    from fanzha.campaigns.workspace import CampaignSource

__all__ = ["Generated", "Segmented", "explain_customer", "generate_file", "segment_customers"]


@dataclass
class Generated(Result):
    """Synthetic customers written to a file."""

    out: Path
    customers: int
    seconds: float

    def render(self) -> str:
        """One line."""
        return f"wrote {self.customers} customers to {self.out} in {self.seconds:.1f}s"


def generate_file(n: int, seed: int, out: Path) -> Generated:
    """Write ``n`` realistic synthetic customers (the same seed gives the same file)."""
    from fanzha.segments import generate_customers, write_customers

    started = time.perf_counter()
    write_customers(generate_customers(n, seed), out)
    return Generated(out, n, time.perf_counter() - started)


@dataclass
class Segmented(Result):
    """Assignments written, with counts by segment and by reason."""

    out: Path
    customers: int | None
    by_segment: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)
    rejected_rows: int = 0
    rejected_path: Path | None = None
    load_note: str = ""  # the file's encoding and its first rejected rows
    dataset: bool = False  # out is a directory of part files

    def render(self) -> str:
        """Counts as a table, and where rejected rows went."""
        rows: list[tuple[str, int]] = [
            (f"segment {k}", v) for k, v in sorted(self.by_segment.items()) if k and v
        ]
        rows += [(f"reason {k}", v) for k, v in sorted(self.by_reason.items()) if v]
        if self.rejected_rows:
            rows.append(("rejected rows", self.rejected_rows))
        note = f"\n{self.load_note}" if self.load_note else ""
        shown = f"{self.out}/ (a dataset directory, " if self.dataset else f"{self.out} ("
        head = f"wrote {shown}{self.customers} customers)\n"
        return head + table(rows, ("", "customers")) + note


def _stored_opt_outs(settings: StoreAndSchemaSettings) -> frozenset[str]:
    """Customers who opted out entirely, when there is a store (looking never creates one)."""
    from fanzha.campaigns.store import open_store, store_exists

    if not store_exists(settings):
        return frozenset()
    from fanzha.delivery.campaign_reads import opt_outs

    return opt_outs(open_store(settings))[0]


def _table_url(customers: str) -> tuple[str, str] | None:
    """``(URL, schema.table)`` for customers in a database; None for a file (SQLAlchemy
    is loaded only for a database)."""
    if "://" not in customers:
        return None
    from fanzha.segments import split_table_url

    return split_table_url(customers)


def segment_customers(
    campaign: CampaignSource,
    customers: Path | str,
    out: Path | str,
    *,
    engine: str = "pandas",
    as_of: date | None = None,
    settings: StoreAndSchemaSettings,
    scheduler: str | None = None,
) -> Segmented:
    """Write a campaign's assignments for customers (stored opt-outs are honoured).

    ``customers`` is a file, a Parquet dataset directory, or ``URL#schema.table`` (the
    rules then run in that database); ``out`` is one file or a dataset directory ``X/``.
    ``settings`` is ``Settings``, or the two values it reads (``settings_cache``).
    """
    from fanzha.campaigns.customers import customer_schema
    from fanzha.campaigns.progress import progress
    from fanzha.campaigns.segment_rules import campaign_rules
    from fanzha.segments import output_target, segment_file

    schema = customer_schema(settings.schema_path)
    target = output_target(out)
    located = _table_url(str(customers))
    columns = None if located else columns_of(Path(customers))
    # Rules alone: the warning library is never read (its ids are checked by validate/run).
    rules = campaign_rules(campaign, schema, settings.schema_path, columns)
    audience, segments, all_matches = rules.audience, rules.segments, rules.all_matches
    day, opted = as_of or date.today(), _stored_opt_outs(settings)
    if located is not None:
        from fanzha.segments import segment_table

        url, where = located
        with progress(f"segmenting {where}"):  # one library call: a pulsing bar
            done = segment_table(
                url,
                where,
                target,
                audience,
                segments,
                as_of=day,
                opted_out=opted,
                all_matches=all_matches,
            )
        return Segmented(
            target.path,
            done.rows,
            dict(done.by_segment),
            dict(done.by_reason),
            dataset=target.kind == "dataset",
        )
    rejected_path = target.rejected_path
    with progress(f"segmenting {Path(str(customers)).name}"):  # one library call: a pulsing bar
        run = segment_file(
            customers,
            target,
            audience,
            segments,
            engine=engine,
            schema=schema,
            rejected_path=rejected_path,
            scheduler=scheduler,
            as_of=day,
            opted_out=opted,
            all_matches=all_matches,
        )
    rejected = run.load.rows_rejected if run.load is not None else 0
    if not rejected:
        rejected_path.unlink(missing_ok=True)
    return Segmented(
        target.path,
        run.rows,
        dict(run.by_segment),
        dict(run.by_reason),
        rejected,
        rejected_path if rejected else None,
        run.describe_load(rejected_path if rejected else None),
        dataset=target.kind == "dataset",
    )


def explain_customer(
    campaign: CampaignSource,
    customers: Path,
    customer_id: str,
    *,
    as_of: date | None = None,
    settings: Settings,
) -> str:
    """Clause by clause, why one customer got their assignment."""
    from fanzha.campaigns.audience import segment_specs
    from fanzha.campaigns.workspace import Workspace
    from fanzha.segments import explain_file

    ws = Workspace(settings)
    spec = ws.campaign(campaign)
    audience, segments = segment_specs(spec)
    result = explain_file(
        customers,
        customer_id,
        audience,
        segments,
        as_of=as_of or date.today(),
        opted_out=_stored_opt_outs(settings),
        schema=ws.schema,
        all_matches=spec.match == "all",
    )
    return str(result.render())
