"""Single renders and a campaign's print-ready posters."""

from __future__ import annotations

import re
from pathlib import Path

from campaigns.messages import copy_context
from campaigns.workspace import Workspace


def render_single(
    ws: Workspace,
    warning: str,
    fmt: str,
    segment: str | None,
    locale: str,
    variant: str,
    layout: str,
    large_text: bool,
    out: Path,
):  # type: ignore[no-untyped-def]
    """Render one warning in one format to ``out`` (with ``out.json`` beside it)."""
    from content import CopyContext
    from renderer import PosterSpec, Style, render_card, render_poster

    ctx = CopyContext.for_locale(
        ws.content_config, locale, segment_label=segment or "", salutation=""
    )
    copy = ws.library.resolve(warning, variant=variant, locale=locale, context=ctx)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt.startswith("poster-"):
        spec = PosterSpec(
            community=segment or ws.settings.bank_name,
            size=fmt.split("-")[1].upper(),
            qr=ws.settings.public_url,
            bank_name=ws.content_config.text("bank_name", locale),
        )
        return render_poster(spec, [copy], out=out)
    return render_card(copy, format=fmt, style=Style(layout=layout, large_text=large_text), out=out)


def campaign_posters(ws: Workspace, campaign_path: Path, out: Path) -> list[Path]:
    """One PDF per poster entry: the warnings of its segments, its community and QR."""
    from renderer import PosterSpec, render_poster

    campaign = ws.campaign(campaign_path)
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
