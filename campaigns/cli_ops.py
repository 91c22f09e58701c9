"""One library call per CLI command, returning what the command prints."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path

import click
from fanzha.campaigns.cliutil import resolve_now, table
from fanzha.campaigns.errors import CampaignFileError, Problem
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import Workspace


def generate(n: int, seed: int, out: Path) -> str:
    """Write synthetic customers."""
    from fanzha.segments import generate_customers, write_customers

    started = time.perf_counter()
    write_customers(generate_customers(n, seed), out)
    return f"wrote {n} customers to {out} in {time.perf_counter() - started:.1f}s"


def validate(files: list[Path], settings: Settings, customers: Path | None = None) -> list[Problem]:
    """Problems in campaign and warning files (warning files are linted), and customer rows."""
    ws = Workspace(settings)
    problems: list[Problem] = []
    warnings = [f for f in files if _is_warning_file(f)]
    if warnings:
        from fanzha.content import lint_paths

        problems += [
            Problem(p.file, p.line, p.column, p.message)
            for p in lint_paths(warnings, ws.content_config)
        ]
    columns, frame = None, None
    if customers:
        from fanzha.segments import SegmentsError, customer_columns

        try:
            columns = customer_columns(customers)
            frame, found = _checked_customers(customers, ws)
            problems += found
        except SegmentsError as exc:
            problems.append(Problem(str(customers), 1, 1, str(exc).removeprefix(f"{customers}: ")))
    for path in (f for f in files if f not in warnings):
        try:
            campaign = ws.campaign(path, customer_columns=columns, customers=frame)
            problems += ws.content_problems(campaign, date.today())
        except CampaignFileError as exc:
            problems += exc.problems
    return problems


def _checked_customers(path: Path, ws: Workspace):  # type: ignore[no-untyped-def]
    """The usable customers of a file, and one problem per rejected row (line = file line)."""
    from fanzha.segments import load_customers

    loaded = load_customers(path, ws.schema)
    rejected = loaded.rejected
    ids = rejected.get(ws.schema.id_column, [""] * len(rejected))
    problems = [
        Problem(
            str(path), int(row), 1, f"{cid}: {reason}" if isinstance(cid, str) and cid else reason
        )
        for row, cid, reason in zip(rejected["row"], ids, rejected["reason"], strict=True)
    ]
    return loaded.frame, problems


def _is_warning_file(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    return "\nscam:" in "\n" + head and "\ncampaign:" not in "\n" + head


def _customer_columns(path: Path) -> set[str]:
    from fanzha.segments import customer_columns

    return customer_columns(path)


def segment(
    campaign_path: Path,
    customers: Path,
    out: Path,
    engine: str,
    as_of: date | None,
    settings: Settings,
) -> str:
    """Write assignments for a campaign (opt-outs recorded in the store are honoured)."""
    from fanzha.campaigns.audience import segment_specs, stored_opt_outs
    from fanzha.segments import segment_file

    ws = Workspace(settings)
    campaign = ws.campaign(campaign_path, customer_columns=_customer_columns(customers))
    rejected_path = out.with_name(out.stem + ".rejected.csv")
    audience, segments = segment_specs(campaign)
    run = segment_file(
        customers,
        out,
        audience,
        segments,
        engine=engine,
        as_of=as_of or date.today(),
        opted_out=stored_opt_outs(ws),
        schema=ws.schema,
        rejected_path=rejected_path,
        all_matches=campaign.match == "all",
    )
    rows = [(f"segment {k}", v) for k, v in sorted(run.by_segment.items()) if k and v]
    rows += [(f"reason {k}", v) for k, v in sorted(run.by_reason.items()) if v]
    rejected = run.load.rows_rejected if run.load is not None else 0
    if not rejected:
        rejected_path.unlink(missing_ok=True)
    if rejected:
        rows.append(("rejected rows", rejected))
    note = run.describe_load(rejected_path if rejected else None)
    note = f"\n{note}" if note else ""
    if run.rows is None:  # Dask writes one file per partition and counts nothing eagerly
        return f"wrote {out}/ (one file per Dask partition)"
    return f"wrote {out} ({run.rows} customers)\n" + table(rows, ("", "customers")) + note


def explain(
    campaign_path: Path, customers: Path, customer_id: str, as_of: date | None, settings: Settings
) -> str:
    """Clause-by-clause trace for one customer."""
    from fanzha.campaigns.audience import segment_specs, stored_opt_outs
    from fanzha.segments import explain_file

    ws = Workspace(settings)
    campaign = ws.campaign(campaign_path)
    audience, segments = segment_specs(campaign)
    result = explain_file(
        customers,
        customer_id,
        audience,
        segments,
        as_of=as_of or date.today(),
        opted_out=stored_opt_outs(ws),
        schema=ws.schema,
        all_matches=campaign.match == "all",
    )
    return result.render()


def plan(campaign: Path, customers: Path, settings: Settings, now: datetime):  # type: ignore[no-untyped-def]
    """Dry run."""
    from fanzha.campaigns.planner import plan_campaign

    return plan_campaign(Workspace(settings), campaign, customers, now)


def run(campaign: Path, customers: Path, settings: Settings, now: datetime):  # type: ignore[no-untyped-def]
    """Enqueue a campaign."""
    from fanzha.campaigns.runner import run_campaign

    return run_campaign(Workspace(settings), campaign, customers, now)


def preview(campaign: Path, out: Path, settings: Settings) -> str:
    """Static gallery."""
    from fanzha.campaigns.preview import write_preview

    index = write_preview(Workspace(settings), campaign, out)
    return f"wrote {index}"


def render_one(request, out: Path, settings: Settings) -> str:  # type: ignore[no-untyped-def]
    """One render and its manifest."""
    from fanzha.campaigns.posters import render_single

    manifest = render_single(Workspace(settings), request, out)
    width, height = manifest.size_px
    return f"wrote {out} ({width}x{height} px) and {out}.json"


def posters(
    campaign: Path | None,
    out: Path | None,
    settings: Settings,
    *,
    press: bool = False,
    check: list[Path] | None = None,
) -> tuple[str, bool]:
    """Poster PDFs of a campaign (then their preflight), or the preflight of given files."""
    from fanzha.campaigns.posters import campaign_posters, check_posters

    paths = list(check or [])
    lines = []
    if not paths:
        assert campaign is not None and out is not None
        paths = campaign_posters(Workspace(settings), campaign, out, press=press)
        if not paths:
            return "the campaign has no posters", True
        lines = [f"wrote {p}" for p in paths]
    failures = check_posters(paths, press)
    if failures:
        return "\n".join([*lines, *failures]), False
    mode = "press" if press else "screen/office"
    lines += [f"{p}: passes the {mode} preflight" for p in paths]
    return "\n".join(lines), True


def dispatch(settings: Settings, now: datetime | None, *, once: bool, interval: float) -> str:
    """Send due messages once, or keep ticking."""
    from fanzha.campaigns.dispatching import dispatch_loop

    return dispatch_loop(Workspace(settings), now, once=once, interval=interval)


def scheduler(
    settings: Settings,
    campaigns: list[Path],
    customers: Path | None,
    tick: float,
    now: datetime | None,
) -> None:
    """Run the long-lived scheduler."""
    from fanzha.campaigns.scheduling import run_scheduler

    run_scheduler(Workspace(settings), campaigns, customers, tick, now)


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the feed API."""
    from fanzha.campaigns.dispatching import feed_app
    from fanzha.delivery.api import serve as serve_app

    serve_app(feed_app(Workspace(settings)), host=host, port=port)


def token(settings: Settings, customer_id: str, ttl_hours: int) -> str:
    """A feed token."""
    from fanzha.delivery import mint_token

    return mint_token(customer_id, settings.token_keys(), timedelta(hours=ttl_hours))


def content_list(settings: Settings, paths: list[Path]) -> str:
    """The library as a table."""
    from fanzha.content import format_table

    ws = Workspace(settings if not paths else _with_content(settings, paths))
    return "\n".join(format_table(ws.library.list_rows(today=date.today())))


def content_lint(settings: Settings, paths: list[Path]) -> list[Problem]:
    """Lint problems in the library (or the given paths)."""
    from fanzha.content import BUNDLED, lint_paths

    ws = Workspace(settings)
    targets = paths or list(settings.content_paths) or [BUNDLED]
    return [
        Problem(p.file, p.line, p.column, p.message) for p in lint_paths(targets, ws.content_config)
    ]


def content_due(settings: Settings, paths: list[Path], within: str) -> str:
    """Files whose review expires within `within` (a duration such as 30d), soonest first."""
    from fanzha.content import BUNDLED
    from fanzha.content.lint import due_for_review
    from fanzha.delivery.syntax import parse_duration

    try:
        window = parse_duration(within, units="dw", maximum=timedelta(days=3660))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--due") from None
    targets = paths or list(settings.content_paths) or [BUNDLED]
    today = date.today()
    due = [d.line(today) for d in due_for_review(targets, window, today)]
    head = (
        f"{len(due)} files due for review within {window.days} days"
        if due
        else (f"no review expires within {window.days} days")
    )
    return "\n".join([head, *due])


def _with_content(settings: Settings, paths: list[Path]) -> Settings:
    from dataclasses import replace

    return replace(settings, content_paths=tuple(paths))


def report(settings: Settings, campaign_id: str, outcomes: Path | None, out: Path) -> str:
    """Funnel and uplift report."""
    from fanzha.campaigns.report import write_report

    index = write_report(Workspace(settings), campaign_id, outcomes, out)
    return f"wrote {index}"


def recall(settings: Settings, warning_id: str, now: datetime) -> str:
    """Withdraw a warning everywhere."""
    from fanzha.content import WarningNotFound
    from fanzha.delivery import recall_warning

    from fanzha._yaml.hints import did_you_mean

    ws = Workspace(settings)
    result = recall_warning(ws.engine, warning_id, now)
    touched = result.feed_items_hidden + result.pushes_cancelled + result.feed_messages_cancelled
    if not touched and warning_id not in ws.library.ids():
        raise WarningNotFound(
            f'no warning "{warning_id}" in the library or the store{did_you_mean(warning_id, ws.library.ids())}'
        )
    return (
        f"recalled {warning_id}: {result.feed_items_hidden} feed items hidden, "
        f"{result.pushes_cancelled} pending pushes and {result.feed_messages_cancelled} pending feed messages cancelled"
    )


def db_upgrade(settings: Settings) -> str:
    """Create or upgrade the store."""
    ws = Workspace(settings)
    _ = ws.engine
    return f"store at {settings.db_url} is up to date"


__all__ = ["resolve_now"]
