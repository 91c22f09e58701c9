"""``fanzha preview``: a static, offline gallery of every card and poster a campaign uses."""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.messages import copy_context
from fanzha.campaigns.results import Result
from fanzha.campaigns.workspace import CampaignSource, Workspace

if TYPE_CHECKING:
    from fanzha.campaigns.spec import Campaign, SegmentSpecC
    from fanzha.content import WarningCopy
    from fanzha.renderer import Manifest

MODES = (("normal", False), ("large text", True))


@dataclass
class Preview(Result):
    """A static gallery: its page, and how many cards and posters it shows."""

    index: Path
    cards: int
    posters: int

    def render(self) -> str:
        """One line."""
        return f"wrote {self.index} ({self.cards} cards, {self.posters} posters)"


Entry = tuple["SegmentSpecC", str, str, str, str, "WarningCopy"]


def write_preview(ws: Workspace, source: CampaignSource, out: Path) -> Preview:
    """Render every card per segment, warning, variant and mode, and every poster; write index.html."""
    from fanzha.renderer import RenderCache, RenderJob, Style, render_batch

    campaign = ws.campaign(source)
    images = out / "images"
    images.mkdir(parents=True, exist_ok=True)
    cache = RenderCache(images)
    entries: list[Entry] = []
    jobs = []
    for seg in campaign.segments:
        for wid in seg.warnings:
            for locale in _locales(ws, wid, campaign.locale):
                ctx = copy_context(ws, campaign, seg.id, locale)
                for variant in ws.variants(wid, locale):
                    copy = ws.library.resolve(wid, variant=variant, locale=locale, context=ctx)
                    for mode, large in MODES:
                        if seg.large_text and not large:
                            continue  # an elder segment is only ever sent large text
                        jobs.append(
                            RenderJob(copy, "card", Style(layout=seg.layout, large_text=large))
                        )
                        entries.append((seg, wid, variant, locale, mode, copy))
    manifests = render_batch(jobs, cache=cache, processes=ws.settings.render_processes)
    cards = [_card_html(e, m) for e, m in zip(entries, manifests, strict=True)]
    posters = _posters(ws, campaign, out)
    index = out / "index.html"
    index.write_text(_page(campaign, cards, posters), encoding="utf-8")
    return Preview(index, len(cards), len(posters))


def _locales(ws: Workspace, warning_id: str, primary: str) -> list[str]:
    locales = ws.library.locales(warning_id)
    return [primary, *sorted(loc for loc in locales if loc != primary)]


def _posters(ws: Workspace, campaign: Campaign, out: Path) -> list[str]:
    from fanzha.campaigns.posters import campaign_posters

    blocks = []
    for pdf in campaign_posters(ws, campaign, out / "posters"):
        png = pdf.with_suffix(".png")
        _poster_thumbnail(pdf, png)
        rel_pdf, rel_png = pdf.relative_to(out).as_posix(), png.relative_to(out).as_posix()
        img = (
            f"<img src='{html.escape(rel_png)}' alt='Poster preview {html.escape(pdf.stem)}' loading='lazy'>"
            if png.exists()
            else ""
        )
        blocks.append(
            f"<figure class='poster'>{img}<figcaption><a href='{html.escape(rel_pdf)}'>{html.escape(pdf.name)}</a></figcaption></figure>"
        )
    return blocks


def _poster_thumbnail(pdf: Path, png: Path) -> None:
    """A screen-size PNG of the poster (pdftoppm when installed; else the renderer's own preview)."""
    import subprocess

    side = pdf.with_suffix(".preview.png")
    if side.exists():
        shutil.copyfile(side, png)
        return
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", "-singlefile", str(pdf), str(png.with_suffix(""))],
            check=False,
            capture_output=True,
        )


def _card_html(entry: Entry, manifest: Manifest) -> str:
    seg, wid, variant, locale, mode, copy = entry
    data = manifest.to_dict()
    smallest = min((b["font_px"] for b in data["text_boxes"]), default=0)
    need = 7.0 if manifest.large_text else 4.5
    ok = data["min_contrast"] >= need
    checks = (
        f"<li class='{'ok' if ok else 'bad'}'>lowest contrast {data['min_contrast']:.1f}:1 (needs {need}:1)</li>"
        f"<li>smallest text {smallest}px · {data['size_px'][0]}×{data['size_px'][1]}px · {html.escape(data['layout'])}</li>"
    )
    flags = "".join(f"<li>{html.escape(f)}</li>" for f in copy.red_flags)
    src = f"images/{manifest.image_key}"
    return (
        f"<article class='card' data-segment='{html.escape(seg.id)}'>"
        f"<img src='{html.escape(src)}' alt='{html.escape(manifest.alt_text)}' loading='lazy'>"
        f"<div class='meta'><h3>{html.escape(copy.title)}</h3>"
        f"<p class='tags'>{html.escape(seg.label)} · {html.escape(wid)} · variant {html.escape(variant)} · {html.escape(locale)} · {html.escape(mode)}</p>"
        f"<p><b>Push:</b> {html.escape(copy.push_title)} — {html.escape(copy.push_body)}</p>"
        f"<p><b>Slogan:</b> {html.escape(copy.slogan)} · <b>Action:</b> {html.escape(copy.action)}</p>"
        f"<details><summary>Red flags</summary><ul>{flags}</ul></details>"
        f"<details><summary>Alt text</summary><p class='alt'>{html.escape(manifest.alt_text)}</p></details>"
        f"<ul class='checks'>{checks}</ul></div></article>"
    )


def _page(campaign: Campaign, cards: list[str], posters: list[str]) -> str:
    style = (
        "body{font:15px/1.55 system-ui,'Noto Sans CJK SC',sans-serif;margin:0;background:#f4f1ea;color:#1d2433}"
        "header{background:#14284b;color:#fff;padding:1.2rem 2rem}main{padding:1rem 2rem}"
        ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1.2rem}"
        ".card{background:#fff;border-radius:10px;box-shadow:0 1px 4px #0002;overflow:hidden}"
        ".card img{width:100%;display:block;background:#ddd}.meta{padding:.6rem .9rem}.meta h3{margin:.2rem 0}"
        ".tags{color:#556;font-size:13px}.checks{list-style:none;padding:0;font-size:13px}.ok::before{content:'✔ ';color:#176d2c}"
        ".bad::before{content:'✘ ';color:#b3261e}.poster img{max-width:360px;border:1px solid #ccc}.alt{font-size:13px;white-space:pre-wrap}"
    )
    return (
        "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>Preview: {html.escape(campaign.id)}</title><style>{style}</style>"
        f"<header><h1>{html.escape(campaign.name)}</h1><p>{html.escape(campaign.id)} · version {campaign.version} · "
        f"{campaign.starts} – {campaign.ends} · {len(cards)} cards · {len(posters)} posters</p></header>"
        f"<main><h2>Cards</h2><section class='grid'>{''.join(cards)}</section>"
        f"<h2>Posters</h2><section class='grid'>{''.join(posters)}</section></main></html>"
    )
