"""``fanzha preview``: a static, offline gallery of every card and poster a campaign uses."""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.messages import copy_context
from fanzha.campaigns.preview_labels import labels_for
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
    """Render every card per segment, warning, variant and mode, and every poster; write index.html.

    Cards render in the renderer's process pool, whose workers are replaced every few
    renders so that memory stays bounded; a progress bar shows on a terminal.
    """
    from fanzha.campaigns.progress import progress
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
    words = labels_for(campaign.locale)
    unique = len({job.key() for job in jobs})
    with progress(f"{words['cards']} ({len(jobs)})", total=unique) as bar:
        manifests = render_batch(
            jobs, cache=cache, processes=ws.settings.render_processes, on_done=bar.advance
        )
    sections = _segment_sections(campaign, entries, manifests, words)
    posters = _posters(ws, campaign, out, words)
    index = out / "index.html"
    index.write_text(_page(campaign, sections, len(jobs), posters, words), encoding="utf-8")
    return Preview(index, len(jobs), len(posters))


def _locales(ws: Workspace, warning_id: str, primary: str) -> list[str]:
    locales = ws.library.locales(warning_id)
    return [primary, *sorted(loc for loc in locales if loc != primary)]


def _segment_sections(
    campaign: Campaign, entries: list[Entry], manifests: list[Manifest], words: dict[str, str]
) -> list[str]:
    """One section per segment, in the campaign's priority order, its cards in a grid."""
    by_segment: dict[str, list[str]] = {seg.id: [] for seg in campaign.segments}
    for entry, manifest in zip(entries, manifests, strict=True):
        by_segment[entry[0].id].append(_card_html(entry, manifest, words))
    sections = []
    for seg in campaign.segments:
        cards = by_segment[seg.id]
        count = words["segment_count"].format(cards=len(cards), warnings=len(seg.warnings))
        sections.append(
            f"<section class='segment' id='seg-{html.escape(seg.id)}'>"
            f"<h2>{html.escape(seg.label)} <small>{html.escape(seg.id)} · {count}</small></h2>"
            f"<div class='grid'>{''.join(cards)}</div></section>"
        )
    return sections


def _posters(ws: Workspace, campaign: Campaign, out: Path, words: dict[str, str]) -> list[str]:
    from fanzha.campaigns.posters import campaign_posters

    blocks = []
    for pdf in campaign_posters(ws, campaign, out / "posters"):
        png = pdf.with_suffix(".png")
        _poster_thumbnail(pdf, png)
        rel_pdf, rel_png = pdf.relative_to(out).as_posix(), png.relative_to(out).as_posix()
        alt = words["poster_alt"].format(name=pdf.stem)
        img = (
            f"<img src='{html.escape(rel_png)}' alt='{html.escape(alt)}' loading='lazy'>"
            if png.exists()
            else f"<p class='none'>{html.escape(words['no_thumbnail'])}</p>"
        )
        blocks.append(
            f"<figure class='poster'>{img}<figcaption>{html.escape(pdf.name)} · "
            f"<a href='{html.escape(rel_pdf)}'>{html.escape(words['download'])}</a>"
            "</figcaption></figure>"
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


def _card_html(entry: Entry, manifest: Manifest, words: dict[str, str]) -> str:
    seg, wid, variant, locale, mode, copy = entry
    data = manifest.to_dict()
    smallest = min((b["font_px"] for b in data["text_boxes"]), default=0)
    need = 7.0 if manifest.large_text else 4.5
    ok = data["min_contrast"] >= need
    contrast = words["contrast"].format(value=f"{data['min_contrast']:.1f}", need=need)
    size = words["smallest"].format(
        px=smallest, w=data["size_px"][0], h=data["size_px"][1], layout=data["layout"]
    )
    checks = (
        f"<li class='{'ok' if ok else 'bad'}'>{html.escape(contrast)}</li>"
        f"<li>{html.escape(size)}</li>"
    )
    flags = "".join(f"<li>{html.escape(f)}</li>" for f in copy.red_flags)
    src = f"images/{manifest.image_key}"
    tags = " · ".join((wid, words["variant"].format(variant=variant), locale, words[mode]))
    return (
        f"<article class='card' data-segment='{html.escape(seg.id)}' lang='{html.escape(locale)}'>"
        f"<img src='{html.escape(src)}' alt='{html.escape(manifest.alt_text)}' loading='lazy'>"
        f"<div class='meta'><h3>{html.escape(copy.title)}</h3>"
        f"<p class='tags'>{html.escape(tags)}</p>"
        f"<p><b>{words['push']}:</b> {html.escape(copy.push_title)} — {html.escape(copy.push_body)}</p>"
        f"<p><b>{words['slogan']}:</b> {html.escape(copy.slogan)} · "
        f"<b>{words['action']}:</b> {html.escape(copy.action)}</p>"
        f"<details><summary>{words['red_flags']}</summary><ul>{flags}</ul></details>"
        f"<details><summary>{words['alt']}</summary><p class='alt'>{html.escape(manifest.alt_text)}</p></details>"
        f"<ul class='checks'>{checks}</ul></div></article>"
    )


STYLE = (
    "body{font:15px/1.55 system-ui,'Noto Sans CJK SC',sans-serif;margin:0;background:#f4f1ea;color:#1d2433}"
    "header{background:#14284b;color:#fff;padding:1.2rem 2rem}header h1{margin:.2rem 0}"
    "main{padding:1rem 2rem;max-width:1600px}nav a{color:#fff;margin-right:1.2rem}"
    ".segment h2 small{font-weight:normal;color:#556;font-size:14px;margin-left:.6rem}"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1.2rem}"
    ".card{background:#fff;border-radius:10px;box-shadow:0 1px 4px #0002;overflow:hidden;min-width:0}"
    ".card img{width:100%;height:auto;display:block;background:#ddd}.meta{padding:.6rem .9rem}"
    ".meta h3{margin:.2rem 0}.meta p{overflow-wrap:anywhere}"
    ".tags{color:#556;font-size:13px}.checks{list-style:none;padding:0;font-size:13px}"
    ".ok::before{content:'✔ ';color:#176d2c}.bad::before{content:'✘ ';color:#b3261e}"
    ".alt{font-size:13px;white-space:pre-wrap}"
    # Each poster keeps its own column: the image scales to the column, never past it.
    ".posters{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,360px));gap:1.5rem;align-items:start}"
    ".poster{margin:0;background:#fff;padding:.6rem;border-radius:8px;box-shadow:0 1px 4px #0002;min-width:0}"
    ".poster img{display:block;width:100%;height:auto;border:1px solid #ccc}"
    ".poster figcaption{font-size:13px;margin-top:.4rem;overflow-wrap:anywhere}"
)


def _page(
    campaign: Campaign, sections: list[str], cards: int, posters: list[str], words: dict[str, str]
) -> str:
    nav = "".join(
        f"<a href='#seg-{html.escape(s.id)}'>{html.escape(s.label)}</a>" for s in campaign.segments
    )
    nav += f"<a href='#posters'>{words['posters']}</a>"
    poster_block = (
        f"<div class='posters'>{''.join(posters)}</div>"
        if posters
        else f"<p>{html.escape(words['no_posters'])}</p>"
    )
    return (
        f"<!doctype html><html lang='{html.escape(campaign.locale)}'><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'>"
        f"<title>{words['title']}: {html.escape(campaign.name)}</title><style>{STYLE}</style>"
        f"<header><h1>{html.escape(campaign.name)}</h1><p>{html.escape(campaign.id)} · "
        f"{words['version']} {campaign.version} · {campaign.starts} – {campaign.ends} · "
        f"{cards} {words['cards']} · {len(posters)} {words['posters']}</p><nav>{nav}</nav></header>"
        f"<main>{''.join(sections)}"
        f"<section id='posters'><h2>{words['posters']}</h2>{poster_block}</section></main></html>"
    )
