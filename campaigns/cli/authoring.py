"""Writing and checking campaigns and warnings: validate, schema, render, preview, posters, content."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click
from fanzha.campaigns.cli.main import StartUp, cli
from fanzha.campaigns.cli.options import (
    BANK,
    DAYS,
    EXISTING,
    FILE,
    LIBRARY,
    RENDER,
    reads,
    settings_from,
)
from fanzha.campaigns.errors import Problem


def _report(problems: list[Problem], ok: str) -> None:
    """Problems one per line on stderr with exit 1, or ``ok``."""
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo(ok)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=EXISTING)
@click.option(
    "--customers",
    type=EXISTING,
    default=None,
    help="Also check every row of this customer file (exit 1 if any is rejected), and the "
    "rules' columns and values against it.",
)
@reads(*LIBRARY, *BANK)
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], customers: Path | None) -> None:
    """Check campaign and warning files; nothing else is touched.

    \b
    Example:
      fanzha validate campaigns/examples/spring-2027.yaml content/library/zh-CN/*.yaml
    """
    from fanzha.campaigns import validation

    problems = validation.validate_files(list(files), settings_from(ctx), customers)
    usable = f"; every row of {customers} is usable" if customers else ""
    _report(problems, f"{len(files)} file(s) OK{usable}")


@cli.command()
@click.option("--out", type=FILE, default=None, help="Write here instead of stdout.")
@reads("FANZHA_CONTENT")
@click.pass_context
def schema(ctx: click.Context, out: Path | None) -> None:
    """Write the JSON Schema of campaign files (for editor completion and checks).

    Warning ids come from the library (bundled, or FANZHA_CONTENT).

    \b
    Example:
      fanzha schema --out campaign.schema.json
    """
    from fanzha.campaigns.model import library_json_schema

    schema = library_json_schema(settings_from(ctx).content_paths)
    text = json.dumps(schema, ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out}")
    else:
        click.echo(text)


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
    help="strip (条漫, the feed), card sizes for phones, or a print poster / roll-up banner.",
)
@click.option(
    "--segment", default=None, help="Segment label shown on the card (posters: the community)."
)
@click.option("--locale", default="zh-CN", show_default=True, help="Language of the copy.")
@click.option("--variant", default="a", show_default=True, help="Which variant of the warning.")
@click.option(
    "--layout",
    type=click.Choice(["four-panel", "grid"]),
    default="four-panel",
    show_default=True,
    help="How the comic's panels are arranged.",
)
@click.option("--large-text", is_flag=True, help="Elder-friendly large text mode.")
@click.option(
    "--qr",
    default=None,
    help="Posters: the bank's public https address for a QR code (no default).",
)
@click.option("--press", is_flag=True, help="Posters: a CMYK press PDF instead of RGB.")
@click.option(
    "--out", type=FILE, required=True, help="Image file (.webp/.png/.jpg, or .pdf for posters)."
)
@reads(*LIBRARY, *BANK, "FANZHA_FONT")
@click.pass_context
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
      fanzha render credit-repair --format strip --large-text --out strip.webp
      fanzha render money-mule --format poster-a3 --qr https://bank.example.com/fanzha --out p.pdf
    """
    from fanzha.renderer import words_ahead

    words_ahead.start()  # a first run: rjieba's dictionary is built in a child meanwhile
    from fanzha.campaigns import posters

    request = posters.RenderRequest(
        warning, fmt, segment, locale, variant, layout, large_text, qr=qr, press=press
    )
    start = ctx.find_object(StartUp)  # the settings are read only if the cache cannot answer
    db = start.db if start is not None else None
    rendered = posters.render_warning(lambda: settings_from(ctx), request, out, db=db)
    click.echo(rendered.render())


@cli.command()
@click.argument("campaign", type=EXISTING)
@click.option("--out", type=FILE, required=True, help="Directory for index.html and images.")
@reads(*LIBRARY, *BANK, *RENDER)
@click.pass_context
def preview(ctx: click.Context, campaign: Path, out: Path) -> None:
    """Write a static HTML gallery of every card and poster with copy and alt text.

    \b
    Example:
      fanzha preview spring.yaml --out preview/ && open preview/index.html
    """
    from fanzha.campaigns import api

    click.echo(api.preview(campaign, out, settings=settings_from(ctx)).render())


@cli.command("posters")
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
@reads(*LIBRARY, *BANK, "FANZHA_FONT")
@click.pass_context
def posters_command(
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
    from fanzha.campaigns import posters

    if check:
        result = posters.preflight_posters(list(check), press=press)
    elif campaign is None or out is None:
        raise click.UsageError("give a CAMPAIGN and --out DIR, or --check FILE")
    else:
        result = posters.write_posters(campaign, out, settings_from(ctx), press=press)
    click.echo(result.render())
    if not result.ok:
        ctx.exit(1)


@cli.group()
def content() -> None:
    """The warning library: list it, lint it.

    \b
    Example:
      fanzha content lint content/library
    """


@content.command("list")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@reads("FANZHA_CONTENT")
@click.pass_context
def content_list(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Table of warnings: types, audiences, locales, variants, review status, expiry.

    PATHS are warning folders or files (default: FANZHA_CONTENT, else the bundled library).

    \b
    Example:
      fanzha content list
    """
    from fanzha.campaigns import validation

    click.echo(validation.list_content(settings_from(ctx), list(paths)))


@content.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--due",
    type=DAYS,
    default=None,
    help="Also list files whose review expires within DURATION (e.g. 30d).",
)
@reads("FANZHA_CONTENT", *BANK)
@click.pass_context
def content_lint(ctx: click.Context, paths: tuple[Path, ...], due: timedelta | None) -> None:
    """Refuse unsafe or incomplete warnings: one FILE:LINE:COL line per problem.

    PATHS are warning folders or files (default: FANZHA_CONTENT, else the bundled library).

    \b
    Example:
      fanzha content lint content/library
      fanzha content lint --due 30d
    """
    from fanzha.campaigns import validation

    settings = settings_from(ctx)
    problems = validation.lint_content(settings, list(paths))
    if due is not None:
        click.echo(validation.content_due(settings, list(paths), due))
    _report(problems, "content OK")
