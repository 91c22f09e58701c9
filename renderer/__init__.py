"""fanzha renderer: comic cards, print posters, Chinese typesetting, manifest and cache.

Every public name loads on first use (PEP 562): importing one module of the package (the
CLI's ``words_ahead``, say) does not import the card, strip and poster renderers with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fanzha._lazy import lazy_names

if TYPE_CHECKING:
    from fanzha.renderer.api import render_card, render_poster
    from fanzha.renderer.batch import RenderFailed, RenderJob, render_batch, render_each
    from fanzha.renderer.cache import RenderCache, cache_key
    from fanzha.renderer.contrast import contrast_ratio, relative_luminance
    from fanzha.renderer.fonts import FontSet, find_font
    from fanzha.renderer.formats import FORMATS, Format, get_format
    from fanzha.renderer.manifest import RENDERER_VERSION, Manifest
    from fanzha.renderer.poster import PosterSpec
    from fanzha.renderer.style import Style

# Which module of the package holds each public name.
_LAZY = {
    **dict.fromkeys(("render_card", "render_poster"), "api"),
    **dict.fromkeys(("RenderFailed", "RenderJob", "render_batch", "render_each"), "batch"),
    **dict.fromkeys(("RenderCache", "cache_key"), "cache"),
    **dict.fromkeys(("contrast_ratio", "relative_luminance"), "contrast"),
    **dict.fromkeys(("FontSet", "find_font"), "fonts"),
    **dict.fromkeys(("FORMATS", "Format", "get_format"), "formats"),
    **dict.fromkeys(("RENDERER_VERSION", "Manifest"), "manifest"),
    "PosterSpec": "poster",
    "Style": "style",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())


__all__ = [
    "FORMATS",
    "RENDERER_VERSION",
    "FontSet",
    "Format",
    "Manifest",
    "PosterSpec",
    "RenderCache",
    "RenderFailed",
    "RenderJob",
    "Style",
    "cache_key",
    "contrast_ratio",
    "find_font",
    "get_format",
    "relative_luminance",
    "render_batch",
    "render_card",
    "render_each",
    "render_poster",
]
