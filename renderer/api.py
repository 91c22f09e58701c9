"""The renderer's entry points: render_card, render_poster, render (by format name)."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

from fanzha.content.copy import WarningCopy
from fanzha.renderer import alt, output
from fanzha.renderer.cache import RenderCache, cache_key
from fanzha.renderer.card import render_card_image
from fanzha.renderer.fonts import FontSet, default_fonts
from fanzha.renderer.formats import get_format
from fanzha.renderer.manifest import Manifest, check_accessibility
from fanzha.renderer.poster import PosterSpec, render_poster
from fanzha.renderer.strip import render_strip_image
from fanzha.renderer.style import Style
from PIL import Image


def page_key(key: str, n: int) -> str:
    """The content key of image n (1-based) of a render: the render's own key for the first."""
    if n == 1:
        return key
    return hashlib.sha256(f"{key}|image{n}".encode()).hexdigest()[: len(key)]


def _images(manifest: Manifest) -> list[dict]:
    return list(manifest.extra.get("images", ()))


def _from_cache(cache: RenderCache | None, key: str, ext: str, out: Path | None) -> Manifest | None:
    hit = cache.get(key, ext) if cache is not None else None
    if hit is None or hit.image_path is None:
        return None
    if out is None or out.resolve() == hit.image_path.resolve():
        return hit
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(hit.image_path, out)
    images = _images(hit)
    for n, entry in enumerate(images[1:], start=2):
        name = f"{out.stem}-{n}{out.suffix}"
        shutil.copyfile(hit.image_path.with_name(entry["image"]), out.with_name(name))
        entry["image"] = name
    placed = replace(
        hit, image_path=out, extra={**hit.extra, "images": images} if images else hit.extra
    )
    placed.write(out)
    return placed


def _store(
    manifest: Manifest, rendered: Path, cache: RenderCache | None, out: Path | None
) -> Manifest:
    if cache is not None:
        stored = cache.put(manifest, rendered)
        if out is None:
            return stored
    manifest = replace(manifest, image_path=rendered)
    manifest.write(rendered)
    return manifest


def _image_path(target: Path, key: str, ext: str, n: int, named: bool) -> Path:
    """Where image n (1-based) of a render goes: the first at target, the rest beside it."""
    if n == 1:
        return target
    if named:
        return target.with_name(f"{target.stem}-{n}{target.suffix}")
    return target.with_name(f"{page_key(key, n)}.{ext}")


def _entries(
    pages: list[tuple[Image.Image, tuple[int, ...]]],
    target: Path,
    key: str,
    ext: str,
    named: bool,
    stacked: bool,
) -> list[dict[str, object]]:
    """The manifest's `images`: each image's file, key, size, panels (and top in a strip)."""
    entries, top = [], 0
    for n, (img, panels) in enumerate(pages, start=1):
        entry: dict[str, object] = {
            "image": _image_path(target, key, ext, n, named).name,
            "key": page_key(key, n),
            "size_px": [img.width, img.height],
            "panels": [i + 1 for i in panels],
        }
        if stacked:
            entry["top"] = top
        entries.append(entry)
        top += img.height
    return entries


def render_card(
    copy: WarningCopy,
    format: str = "card",
    style: Style | None = None,
    out: Path | str | None = None,
    cache: RenderCache | None = None,
    fonts: FontSet | None = None,
) -> Manifest:
    """Render a warning as a strip, a comic card (a carousel when one page cannot hold the
    story) or, for poster formats, a one-warning poster."""
    fmt, style = get_format(format), style or Style()
    out = Path(out) if out is not None else None
    if fmt.kind == "poster":  # posters need the bank's name: call render_poster with a PosterSpec
        spec = PosterSpec(community="", size=fmt.name, locale=copy.locale)
        return render_poster(spec, [copy], out=out, cache=cache, fonts=fonts)
    ext = output.extension(out, "webp")
    fonts = fonts or default_fonts()
    key = cache_key(copy, fmt.name, style.key(), ext, font=fonts.key)
    hit = _from_cache(cache, key, ext, out)
    if hit is not None:
        return hit
    if out is None and cache is None:
        raise ValueError("render_card needs an output path or a cache")
    extra: dict = {
        "warning_id": copy.warning_id,
        "variant": copy.variant,
        "locale": copy.locale,
        "font": fonts.info,
    }
    target = out if out is not None else cache.path(key, ext)  # type: ignore[union-attr]
    named = out is not None
    writer = output.ImageWriter(ext)

    def encode(n: int, img: Image.Image) -> None:  # while the next image is drawn
        writer.submit(img, _image_path(target, key, ext, n + 1, named))

    try:
        if fmt.kind == "strip":
            strip = render_strip_image(copy, fmt, style, fonts, on_image=encode)
            pages = list(strip.images)
            records = strip.records
            layout, elder = "strip", strip.elder_cut
            extra["geometry"] = list(strip.geometry)
            shown = strip.panels
            # the strip's size: its images stacked, as the reader scrolls them
            size = (fmt.width, sum(img.height for img, _ in pages))
        else:
            card = render_card_image(copy, fmt, style, fonts, on_image=encode)
            pages = [(img, panels) for img, panels in card.pages]
            records = tuple(
                replace(r, name=f"p{n}.{r.name}") if n > 1 else r
                for n, page in enumerate(card.records, start=1)
                for r in page
            )
            layout, elder = card.layout, card.elder_cut
            extra["arrangements"] = list(card.arrangements)
            extra["geometry"] = list(card.geometry)
            extra["carousel"] = len(pages) > 1
            shown = tuple(i + 1 for i in card.panels)
            size = pages[0][0].size
        lowest = check_accessibility(records, fmt, style)
        writer.wait()
    except BaseException:
        writer.discard()  # no half-written render is left behind
        raise
    extra["images"] = _entries(pages, target, key, ext, named, fmt.kind == "strip")
    extra["panels_shown"] = list(shown)
    extra["elder_cut"] = elder
    size_mm = (
        round(size[0] / fmt.dpi * 25.4, 1),
        round(size[1] / fmt.dpi * 25.4, 1),
    )
    manifest = Manifest(
        fmt.name,
        (size[0], size[1]),
        size_mm,
        fmt.dpi,
        records,
        lowest,
        alt.card_alt(copy, elder),
        key,
        None,
        layout,
        style.large_text,
        None,
        extra,
    )
    return _store(manifest, target, cache, out)
