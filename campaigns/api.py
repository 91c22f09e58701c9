"""fanzha's public API: what the command line wraps, callable from Python.

Every function takes its settings as an argument (default: ``Settings.from_env()``, read
when called), accepts customers as a ``.csv``/``.parquet`` path or a pandas DataFrame, and
returns a result that renders itself (``.render()`` for people, ``.to_dict()`` for JSON)::

    import fanzha

    settings = fanzha.Settings(db_url="sqlite:///fanzha.db")
    print(fanzha.plan("spring.yaml", customers_frame, settings=settings).render())
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.customers import CustomerSource, columns_of
from fanzha.campaigns.instants import resolve_now
from fanzha.campaigns.results import Result
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import CampaignSource, Workspace

if TYPE_CHECKING:
    from fanzha.campaigns.planner import Plan
    from fanzha.campaigns.preview import Preview
    from fanzha.campaigns.runner import RunResult
    from fanzha.campaigns.spec import Campaign

__all__ = [
    "Recall",
    "Report",
    "load_campaign",
    "plan",
    "preview",
    "recall",
    "report",
    "run",
]


def _workspace(settings: Settings | None) -> Workspace:
    return Workspace(settings if settings is not None else Settings.from_env())


def load_campaign(
    path: str | PathLike[str],
    *,
    customers: CustomerSource | None = None,
    settings: Settings | None = None,
) -> Campaign:
    """A campaign file, checked against the library, the schema (and the customers' columns).

    Raises ``CampaignFileError`` with every problem at its line and column.
    """
    columns = columns_of(customers) if customers is not None else None
    return _workspace(settings).campaign(path, customer_columns=columns)


def plan(
    campaign: CampaignSource,
    customers: CustomerSource,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Plan:
    """Dry run: counts per segment, exclusions, content and first sends; nothing is written."""
    from fanzha.campaigns.planner import plan_campaign

    return plan_campaign(_workspace(settings), campaign, customers, resolve_now(now, "now"))


def run(
    campaign: CampaignSource,
    customers: CustomerSource,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> RunResult:
    """Enqueue the campaign's messages up to the horizon; the same version twice adds nothing.

    The store must exist (``fanzha db upgrade``); ``StoreNotReady`` says so otherwise.
    """
    from fanzha.campaigns.runner import run_campaign

    ws = _workspace(settings)
    ws.engine  # noqa: B018 - a missing store is said before any work is done
    return run_campaign(ws, campaign, customers, resolve_now(now, "now"))


def preview(
    campaign: CampaignSource, out: str | PathLike[str], *, settings: Settings | None = None
) -> Preview:
    """A static HTML gallery (``out/index.html``) of every card and poster the campaign uses."""
    from fanzha.campaigns.preview import write_preview

    return write_preview(_workspace(settings), campaign, Path(out))


@dataclass
class Report(Result):
    """Where a campaign's report went."""

    campaign_id: str
    index: Path
    funnel_csv: Path
    uplift_csv: Path | None
    failed_events: int = 0  # app events of the store that could not become a notice

    def render(self) -> str:
        """Where the report went, and app events that brought no notice, if any."""
        lines = [f"wrote {self.index}"]
        if self.failed_events:
            lines.append(
                f"app events that brought no notice (warning unavailable): {self.failed_events}"
            )
        return "\n".join(lines)


def report(
    campaign_id: str,
    out: str | PathLike[str],
    *,
    outcomes: str | PathLike[str] | None = None,
    settings: Settings | None = None,
) -> Report:
    """The report in the campaign's language; outcomes from ``outcomes`` or the store."""
    from fanzha.campaigns.report import write_report

    folder = Path(out)
    outcomes_path = Path(outcomes) if outcomes is not None else None
    from fanzha.delivery.trigger_store import failed_event_count

    ws = _workspace(settings)
    index = write_report(ws, campaign_id, outcomes_path, folder)
    uplift = index.with_name("uplift.csv")  # written when there are outcomes (file or store)
    failed = failed_event_count(ws.engine)
    return Report(
        campaign_id,
        index,
        index.with_name("funnel.csv"),
        uplift if uplift.exists() else None,
        failed,
    )


@dataclass
class Recall(Result):
    """What withdrawing a warning touched."""

    warning_id: str
    feed_items_hidden: int
    pushes_cancelled: int
    feed_messages_cancelled: int

    def render(self) -> str:
        """One line."""
        return (
            f"recalled {self.warning_id}: {self.feed_items_hidden} feed items hidden, "
            f"{self.pushes_cancelled} pending pushes and {self.feed_messages_cancelled} "
            "pending feed messages cancelled"
        )


def recall(
    warning_id: str, *, now: datetime | None = None, settings: Settings | None = None
) -> Recall:
    """Withdraw a warning: it leaves every feed and its pending pushes are cancelled."""
    from fanzha.content import WarningNotFound
    from fanzha.delivery.api import recall_warning

    from fanzha._yaml.hints import did_you_mean

    ws = _workspace(settings)
    done = recall_warning(ws.engine, warning_id, resolve_now(now, "now"))
    result = Recall(
        warning_id, done.feed_items_hidden, done.pushes_cancelled, done.feed_messages_cancelled
    )
    touched = result.feed_items_hidden + result.pushes_cancelled + result.feed_messages_cancelled
    if not touched and warning_id not in ws.library.ids():
        hint = did_you_mean(warning_id, ws.library.ids())
        raise WarningNotFound(f'no warning "{warning_id}" in the library or the store{hint}')
    return result
