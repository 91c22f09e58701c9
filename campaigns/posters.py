"""Single renders and a campaign's print-ready posters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.results import Result
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import CampaignSource, Workspace

if TYPE_CHECKING:
    from fanzha.renderer import Manifest


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


@dataclass
class Rendered(Result):
    """One image (or PDF) and the JSON manifest written beside it."""

    out: Path
    width_px: int
    height_px: int

    def render(self) -> str:
        """One line."""
        return f"wrote {self.out} ({self.width_px}x{self.height_px} px) and {self.out}.json"


@dataclass
class Posters(Result):
    """A campaign's poster PDFs."""

    paths: list[Path] = field(default_factory=list)

    def render(self) -> str:
        """One line per PDF."""
        return "\n".join(f"wrote {p}" for p in self.paths) or "the campaign has no posters"


def render_warning(settings: Settings, req: RenderRequest, out: Path) -> Rendered:
    """Render one warning in one format to ``out``, with its manifest beside it."""
    manifest = render_single(Workspace(settings), req, out)
    width, height = manifest.size_px
    return Rendered(out, width, height)


def write_posters(campaign: CampaignSource, out: Path, settings: Settings) -> Posters:
    """Print-ready PDFs, one per poster entry of the campaign."""
    return Posters(campaign_posters(Workspace(settings), campaign, out))


def render_single(ws: Workspace, req: RenderRequest, out: Path) -> Manifest:
    """Render one warning in one format to ``out`` (with ``out.json`` beside it)."""
    from fanzha.content import CopyContext
    from fanzha.renderer import PosterSpec, Style, render_card, render_poster

    ctx = CopyContext.for_locale(
        ws.content_config, req.locale, segment_label=req.segment or "", salutation=""
    )
    copy = ws.library.resolve(req.warning, variant=req.variant, locale=req.locale, context=ctx)
    out.parent.mkdir(parents=True, exist_ok=True)
    if req.fmt.startswith("poster-"):
        spec = PosterSpec(
            community=req.segment or ws.settings.bank_name or "",
            size=req.fmt.split("-")[1].upper(),
            qr=ws.settings.public_url,
            bank_name=ws.content_config.text("bank_name", req.locale),
        )
        return render_poster(spec, [copy], out=out)
    style = Style(layout=req.layout, large_text=req.large_text)
    return render_card(copy, format=req.fmt, style=style, out=out)


def campaign_posters(ws: Workspace, source: CampaignSource, out: Path) -> list[Path]:
    """One PDF per poster entry: the warnings of its segments, its community and QR."""
    from fanzha.campaigns.messages import copy_context
    from fanzha.renderer import PosterSpec, render_poster

    campaign = ws.campaign(source)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, poster in enumerate(campaign.posters, start=1):
        copies = []
        for seg_id in poster.segments:
            seg = campaign.segment(seg_id)
            ctx = copy_context(ws, campaign, seg_id, campaign.locale)
            copies.append(
                ws.library.resolve(
                    seg.warnings[0], variant="a", locale=campaign.locale, context=ctx
                )
            )
        spec = PosterSpec(
            community=poster.community,
            size=poster.size,
            qr=poster.qr,
            bank_name=ws.content_config.text("bank_name", campaign.locale),
        )
        path = out / f"{i:02d}-{_slug(poster.community)}-{poster.size.lower()}.pdf"
        render_poster(spec, copies, out=path)
        paths.append(path)
    return paths


def _slug(text: str) -> str:
    """A file-name-safe form of a community name (Chinese characters kept)."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "community"
