"""fanzha renderer: comic cards, print posters, Chinese typesetting, manifest and cache."""

from renderer.api import render_card, render_poster
from renderer.batch import RenderJob, render_batch
from renderer.cache import RenderCache, cache_key
from renderer.contrast import contrast_ratio, relative_luminance
from renderer.fonts import FontSet, find_font
from renderer.formats import FORMATS, Format, get_format
from renderer.manifest import RENDERER_VERSION, Manifest
from renderer.poster import PosterSpec
from renderer.style import Style

__all__ = [
    "FORMATS",
    "RENDERER_VERSION",
    "FontSet",
    "Format",
    "Manifest",
    "PosterSpec",
    "RenderCache",
    "RenderJob",
    "Style",
    "cache_key",
    "contrast_ratio",
    "find_font",
    "get_format",
    "relative_luminance",
    "render_batch",
    "render_card",
    "render_poster",
]
