"""Single renders and a campaign's posters: screen/office PDF, press PDF, and the preflight."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.results import Result

if TYPE_CHECKING:
    from collections.abc import Callable

    from fanzha.campaigns.render_inputs import RenderInputs
    from fanzha.campaigns.settings import Settings
    from fanzha.campaigns.spec import Campaign, PosterSpecC
    from fanzha.campaigns.workspace import CampaignSource, Workspace
    from fanzha.renderer.manifest import Manifest


@dataclass(frozen=True)
class RenderRequest:
    """One warning to render: which copy, which format, which look."""

    warning: str
    fmt: str = "card"
    segment: str | None = None
    locale: str = "zh-CN"
    variant: str = "a"
    layout: str = "four-panel"
    large_text: bool = False
    qr: str | None = None  # posters only: the bank's public address; no code without one
    press: bool = False


@dataclass
class Rendered(Result):
    """One image (or PDF) and the JSON manifest written beside it."""

    out: Path
    width_px: int
    height_px: int
    images: int = 1  # a strip's panel images or a carousel's pages: NAME-2.webp … beside out

    def render(self) -> str:
        """One line."""
        size = f"{self.width_px}x{self.height_px} px"
        if self.images > 1:
            last = self.out.with_name(f"{self.out.stem}-{self.images}{self.out.suffix}")
            size = f"{self.images} images, {last.name} the last; {size}"
        return f"wrote {self.out} ({size}) and {self.out}.json"


@dataclass
class Posters(Result):
    """A campaign's poster PDFs (or files given to check) and their preflight."""

    paths: list[Path] = field(default_factory=list)
    written: bool = True
    press: bool = False
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every file passed its preflight."""
        return not self.failures

    def render(self) -> str:
        """One line per PDF written, then one per preflight failure (or pass)."""
        if not self.paths:
            return "the campaign has no posters"
        lines = [f"wrote {p}" for p in self.paths] if self.written else []
        if self.failures:
            return "\n".join([*lines, *self.failures])
        mode = "press" if self.press else "screen/office"
        return "\n".join([*lines, *(f"{p}: passes the {mode} preflight" for p in self.paths)])


def render_warning(
    settings: Callable[[], Settings], req: RenderRequest, out: Path, *, db: str | None = None
) -> Rendered:
    """Render one warning in one format to ``out``, with its manifest beside it.

    ``settings`` reads the settings (``db``: the ``--db`` they were read with); it is not
    called when the derived-data cache holds this render's copy (``render_inputs``).
    """
    from fanzha.campaigns.render_inputs import render_inputs

    manifest = _draw(render_inputs(req, settings, db), req, out)
    width, height = manifest.size_px
    return Rendered(out, width, height, len(manifest.extra.get("images", ())) or 1)


def write_posters(
    campaign: CampaignSource, out: Path, settings: Settings, *, press: bool = False
) -> Posters:
    """Print-ready PDFs, one per poster entry of the campaign, each through the preflight."""
    from fanzha.campaigns.workspace import Workspace

    paths = campaign_posters(Workspace(settings), campaign, out, press=press)
    return Posters(paths, written=True, press=press, failures=check_posters(paths, press))


def preflight_posters(paths: list[Path], *, press: bool = False) -> Posters:
    """The preflight of PDFs made anywhere: one line per failure."""
    return Posters(list(paths), written=False, press=press, failures=check_posters(paths, press))


def _is_poster(fmt: str) -> bool:
    return fmt.startswith("poster-") or fmt == "rollup"


def render_single(ws: Workspace, req: RenderRequest, out: Path) -> Manifest:
    """Render one warning in one format to ``out`` (with ``out.json`` beside it)."""
    from fanzha.campaigns.render_inputs import resolved

    return _draw(resolved(ws.library, ws.content_config, req), req, out)


def _draw(inputs: RenderInputs, req: RenderRequest, out: Path) -> Manifest:
    """Draw resolved copy in the request's format to ``out``."""
    from fanzha.renderer.api import render_card, render_poster

    out.parent.mkdir(parents=True, exist_ok=True)
    if _is_poster(req.fmt):
        from fanzha.renderer.poster import PosterSpec

        spec = PosterSpec(
            community=req.segment or "",
            size=req.fmt,
            qr=req.qr,
            bank_name=inputs.bank_name,
            locale=req.locale,
            bank_phone=inputs.bank_phone,
            press=req.press,
        )
        return render_poster(spec, [inputs.copy], out=out)
    from fanzha.renderer.style import Style

    style = Style(layout=req.layout, large_text=req.large_text)
    return render_card(inputs.copy, format=req.fmt, style=style, out=out)


def campaign_posters(
    ws: Workspace, source: CampaignSource, out: Path, press: bool = False
) -> list[Path]:
    """One PDF per poster entry: a block per segment (its first warning), its community and QR."""
    from fanzha.campaigns.progress import progress

    campaign = ws.campaign(source)
    out.mkdir(parents=True, exist_ok=True)
    with progress("posters", total=len(campaign.posters)) as bar:
        return [
            _campaign_poster(ws, campaign, i, poster, out, press, bar.advance)
            for i, poster in enumerate(campaign.posters, start=1)
        ]


def _campaign_poster(
    ws: Workspace,
    campaign: Campaign,
    i: int,
    poster: PosterSpecC,
    out: Path,
    press: bool,
    done: Callable[[], None],
) -> Path:
    """One poster entry's PDF."""
    from fanzha.campaigns.messages import copy_context
    from fanzha.renderer import PosterSpec, render_poster
    from fanzha.renderer.errors import PosterError

    copies, seen = [], set()
    for seg_id in poster.segments:
        seg = campaign.segment(seg_id)
        if seg.warnings[0] in seen:
            continue  # two segments warned of one scam: one block, not the same block twice
        seen.add(seg.warnings[0])
        ctx = copy_context(ws, campaign, seg_id, campaign.locale)
        copies.append(
            ws.library.resolve(seg.warnings[0], variant="a", locale=campaign.locale, context=ctx)
        )
    spec = PosterSpec(
        community=poster.community,
        size=poster.size,
        qr=poster.qr,
        bank_name=ws.content_config.text("bank_name", campaign.locale),
        locale=campaign.locale,
        bank_phone=ws.content_config.bank_phone,
        press=press,
    )
    suffix = "-press" if press else ""
    path = out / f"{i:02d}-{_slug(poster.community)}-{poster.size.lower()}{suffix}.pdf"
    try:
        render_poster(spec, copies, out=path)
    except PosterError as exc:  # name the campaign setting the user must change
        where = f"posters[{i - 1}]." if str(exc).startswith("qr:") else ""
        raise PosterError(f"{campaign.path or 'campaign'}: {where}{exc}") from None
    done()
    return path


def check_posters(paths: list[Path], press: bool) -> list[str]:
    """Preflight lines for every file (empty: all pass)."""
    from fanzha.renderer.poster_check import preflight

    return [line for path in paths for line in preflight(path, press=press)]


def _slug(text: str) -> str:
    """A file-name-safe form of a community name (Chinese characters kept)."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "community"
