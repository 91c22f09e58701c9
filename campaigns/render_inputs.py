"""What one render reads of the settings and the library, from the derived-data cache.

A render of one warning needs, of the settings, the bank's terms (name, number, cooling-off)
and the library folders, and of the library one variant's copy with its templates filled.
Building those costs more than a strip's drawing: pydantic-settings, the library's pydantic
model over every file, the YAML reader and Jinja2. Both answers are pure functions of their
inputs, so they are kept in the derived-data cache (``fanzha._cache``):

- the terms under ``settings_cache.environment_key`` (every non-secret ``FANZHA_*`` variable,
  ``--db`` and the settings code); a bad variable raises before anything is stored, so it is
  reported on every run, and no secret is ever stored (none is part of the terms);
- the copy under a hash of the template context, the request (warning, variant, locale), the
  path and bytes of every library file (a bad file anywhere fails the load, as before, and
  is never stored) and a stamp of the code that reads and fills them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fanzha.content.config import ContentConfig, CopyContext
from fanzha.content.copy import WarningCopy

from fanzha import _cache

if TYPE_CHECKING:
    from fanzha.campaigns.posters import RenderRequest
    from fanzha.campaigns.settings import Settings
    from fanzha.content.library import Library

__all__ = ["RenderInputs", "content_config", "render_inputs", "resolved"]

# What reads and fills a warning file: the library, its model, templating, YAML, this module.
_COPY_CODE = (
    "fanzha.content",
    "fanzha._yaml",
    "yaml",
    "pydantic",
    "pydantic_core",
    "jinja2",
    "markupsafe",
    "fanzha.campaigns.render_inputs",
)


@dataclass(frozen=True)
class RenderInputs:
    """One render's copy, and the bank's details a poster prints."""

    copy: WarningCopy
    bank_name: str  # in the request's locale ("" when unset)
    bank_phone: str


def content_config(settings: Settings) -> ContentConfig:
    """The bank's terms as the content package wants them (unset ones left out)."""
    return ContentConfig(**_terms(settings))


def _terms(s: Settings) -> dict[str, Any]:
    terms: dict[str, Any] = {
        "cooling_off_days": s.cooling_off_days,
        "cooling_off_waived": {"zh-CN": s.cooling_off_waived, "en": s.cooling_off_waived_en},
    }
    names = {k: v for k, v in (("zh-CN", s.bank_name), ("en", s.bank_name_en)) if v}
    if names:
        terms["bank_name"] = names
    if s.bank_phone:
        terms["bank_phone"] = s.bank_phone
    return terms


def _settings_part(
    settings: Callable[[], Settings], db: str | None
) -> tuple[ContentConfig, list[str] | None]:
    """The bank's terms and the library folders (None: the bundled library)."""
    from fanzha.campaigns.settings_cache import environment_key

    key = environment_key(db)
    hit = _cache.load("render-settings", key)
    if isinstance(hit, dict):
        try:
            paths = hit["content_paths"]
            return ContentConfig(**hit["terms"]), [str(p) for p in paths] or None
        except (KeyError, TypeError, ValueError):
            pass  # not an entry this code wrote: read the settings
    s = settings()
    terms = _terms(s)
    config = ContentConfig(**terms)
    paths = [str(p) for p in s.content_paths]
    _cache.store("render-settings", key, {"terms": terms, "content_paths": paths})
    return config, paths or None


def _copy_key(req: RenderRequest, context: CopyContext, paths: list[str] | None) -> str | None:
    from fanzha.content.files import files_digest, library_files

    try:
        files = files_digest(library_files(paths))
    except OSError:
        return None  # the library's load reports an unreadable file in its own words
    return _cache.digest(
        json.dumps(context.as_dict(), ensure_ascii=False, sort_keys=True),
        req.warning,
        req.variant,
        req.locale,
        files,
        _cache.code_stamp(*_COPY_CODE),
    )


def _context(config: ContentConfig, req: RenderRequest) -> CopyContext:
    """The template context of one render: the bank's terms, no customer (shared copy)."""
    return CopyContext.for_locale(
        config, req.locale, segment_label=req.segment or "", salutation=""
    )


def _inputs(copy: WarningCopy, config: ContentConfig, req: RenderRequest) -> RenderInputs:
    return RenderInputs(copy, config.text("bank_name", req.locale), config.bank_phone)


def resolved(library: Library, config: ContentConfig, req: RenderRequest) -> RenderInputs:
    """One render's copy resolved from a loaded library, and the bank's details."""
    copy = library.resolve(
        req.warning, variant=req.variant, locale=req.locale, context=_context(config, req)
    )
    return _inputs(copy, config, req)


def render_inputs(
    req: RenderRequest, settings: Callable[[], Settings], db: str | None = None
) -> RenderInputs:
    """The copy and bank details of one render; ``settings`` is called (and the library
    loaded) only when the derived-data cache has no answer for these inputs."""
    config, paths = _settings_part(settings, db)
    key = _copy_key(req, _context(config, req), paths)
    hit = _cache.load("render-copy", key) if key else None
    if isinstance(hit, dict):
        try:
            return _inputs(WarningCopy.from_data(hit), config, req)
        except (KeyError, TypeError, ValueError):
            pass  # not an entry this code wrote: resolve it again
    from fanzha.content.library import load_library

    inputs = resolved(load_library([Path(p) for p in paths] if paths else None), config, req)
    if key:
        _cache.store("render-copy", key, inputs.copy.to_data())
    return inputs
