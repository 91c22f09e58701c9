"""The renderer's entry points: render_card, render_poster, render (by format name)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from fanzha.content.copy import WarningCopy
from fanzha.renderer import alt, output
from fanzha.renderer.cache import RenderCache, cache_key
from fanzha.renderer.card import render_card_image
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.formats import get_format
from fanzha.renderer.manifest import Manifest, check_accessibility
from fanzha.renderer.poster import PosterSpec, render_poster
from fanzha.renderer.style import Style

_FONTS: dict[str, FontSet] = {}


def default_fonts() -> FontSet:
    """The process-wide FontSet (found once, on first use)."""
    if "default" not in _FONTS:
        _FONTS["default"] = FontSet.default()
    return _FONTS["default"]


def _from_cache(cache: RenderCache | None, key: str, ext: str, out: Path | None) -> Manifest | None:
    hit = cache.get(key, ext) if cache is not None else None
    if hit is None or hit.image_path is None:
        return None
    if out is None or out.resolve() == hit.image_path.resolve():
        return hit
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(hit.image_path, out)
    placed = replace(hit, image_path=out)
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


def render_card(
    copy: WarningCopy,
    format: str = "card",
    style: Style | None = None,
    out: Path | str | None = None,
    cache: RenderCache | None = None,
    fonts: FontSet | None = None,
) -> Manifest:
    """Render a warning as a comic card (or, for poster formats, a one-warning poster)."""
    fmt, style = get_format(format), style or Style()
    out = Path(out) if out is not None else None
    if fmt.kind == "poster":  # posters need the bank's name: call render_poster with a PosterSpec
        spec = PosterSpec(community="", size=fmt.name, locale=copy.locale)
        return render_poster(spec, [copy], out=out, cache=cache, fonts=fonts)
    ext = output.extension(out, "webp")
    key = cache_key(copy, fmt.name, style.key(), ext)
    hit = _from_cache(cache, key, ext, out)
    if hit is not None:
        return hit
    if out is None and cache is None:
        raise ValueError("render_card needs an output path or a cache")
    result = render_card_image(copy, fmt, style, fonts or default_fonts())
    lowest = check_accessibility(result.records, fmt, style)
    target = out if out is not None else cache.path(key, ext)  # type: ignore[union-attr]
    output.save_image(result.image, target, ext)
    manifest = Manifest(
        fmt.name,
        (fmt.width, fmt.height),
        fmt.size_mm(),
        fmt.dpi,
        result.records,
        lowest,
        alt.card_alt(copy, result.panels),
        key,
        None,
        result.layout,
        style.large_text,
        None,
        {
            "warning_id": copy.warning_id,
            "variant": copy.variant,
            "locale": copy.locale,
            "panels_shown": [i + 1 for i in result.panels],
            "arrangements": list(result.arrangements),
        },
    )
    return _store(manifest, target, cache, out)
