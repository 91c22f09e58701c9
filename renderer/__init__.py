"""fanzha renderer: comic cards, print posters, Chinese typesetting, manifest and cache."""

from fanzha.renderer.api import render_card, render_poster
from fanzha.renderer.batch import RenderFailed, RenderJob, render_batch, render_each
from fanzha.renderer.cache import RenderCache, cache_key
from fanzha.renderer.contrast import contrast_ratio, relative_luminance
from fanzha.renderer.fonts import FontSet, find_font
from fanzha.renderer.formats import FORMATS, Format, get_format
from fanzha.renderer.manifest import RENDERER_VERSION, Manifest
from fanzha.renderer.poster import PosterSpec
from fanzha.renderer.style import Style

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
