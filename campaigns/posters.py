"""Single renders and a campaign's posters: screen/office PDF, press PDF, and the preflight."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.messages import copy_context
from fanzha.campaigns.workspace import Workspace

if TYPE_CHECKING:
    from fanzha.renderer import Manifest

__all__ = ["RenderRequest", "campaign_posters", "check_posters", "render_single"]


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


def _is_poster(fmt: str) -> bool:
    return fmt.startswith("poster-") or fmt == "rollup"


def render_single(ws: Workspace, req: RenderRequest, out: Path) -> Manifest:
    """Render one warning in one format to ``out`` (with ``out.json`` beside it)."""
    from fanzha.content import CopyContext
    from fanzha.renderer import PosterSpec, Style, render_card, render_poster

    ctx = CopyContext.for_locale(
        ws.content_config, req.locale, segment_label=req.segment or "", salutation=""
    )
    copy = ws.library.resolve(req.warning, variant=req.variant, locale=req.locale, context=ctx)
    out.parent.mkdir(parents=True, exist_ok=True)
    if _is_poster(req.fmt):
        spec = PosterSpec(
            community=req.segment or "",
            size=req.fmt,
            qr=req.qr,
            bank_name=ws.content_config.text("bank_name", req.locale),
            locale=req.locale,
            bank_phone=ws.content_config.bank_phone,
            press=req.press,
        )
        return render_poster(spec, [copy], out=out)
    style = Style(layout=req.layout, large_text=req.large_text)
    return render_card(copy, format=req.fmt, style=style, out=out)


def campaign_posters(
    ws: Workspace, campaign_path: Path, out: Path, press: bool = False
) -> list[Path]:
    """One PDF per poster entry: a block per segment (its first warning), its community and QR."""
    from fanzha.renderer import PosterSpec, render_poster
    from fanzha.renderer.errors import PosterError

    campaign = ws.campaign(campaign_path)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, poster in enumerate(campaign.posters, start=1):
        copies, seen = [], set()
        for seg_id in poster.segments:
            seg = campaign.segment(seg_id)
            if seg.warnings[0] in seen:
                continue  # two segments warned of one scam: one block, not the same block twice
            seen.add(seg.warnings[0])
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
            raise PosterError(f"{campaign_path}: {where}{exc}") from None
        paths.append(path)
    return paths


def check_posters(paths: list[Path], press: bool) -> list[str]:
    """Preflight lines for every file (empty: all pass)."""
    from fanzha.renderer.poster_check import preflight

    return [line for path in paths for line in preflight(path, press=press)]


def _slug(text: str) -> str:
    """A file-name-safe form of a community name (Chinese characters kept)."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "community"
