"""Semantic checks of a structurally valid warning: shape, length, templates, safety, review."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fanzha.content.config import IMAGE_FIELDS, TEMPLATE_FIELDS, ContentConfig, sample_context
from fanzha.content.limits import (
    CAST_PER_PANEL,
    ELDER_PANELS,
    LIMITS,
    LINES_PER_PANEL,
    MIN_RED_FLAGS,
    MIN_VARIANTS,
    PANELS,
    display_width,
)
from fanzha.content.model import PanelModel, WarningModel
from fanzha.content.safety import SCAMMER_ROLES, check_cooling_off, check_text
from fanzha.content.source import Loc
from fanzha.content.templating import check_template, mask_templates, render_template

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LOCALE = re.compile(r"^[a-z]{2}(?:-[A-Z]{2}|-[A-Z][a-z]{3})?$")
COOLING_OFF_PREFIX = "loan-cooling-off"


@dataclass(frozen=True)
class Issue:
    """A problem at a location in the file; `needle` narrows it to a column."""

    loc: Loc
    message: str
    needle: str = ""
    at_key: bool = False


@dataclass(frozen=True)
class TextField:
    """One piece of copy: where it is, its limit key, and how it is shown."""

    loc: Loc
    text: str
    limit: str | None
    image: bool = True
    scammer: bool = False
    dialogue: bool = False  # someone speaking (balloons, quoted red flags, phone screens)


def _copy_fields(fields: dict, base: Loc) -> Iterator[TextField]:
    """Top-level or variant-override copy fields present in `fields`."""
    for name in ("title", "slogan", "action", "if_paid"):
        if fields.get(name) is not None:
            yield TextField((*base, name), fields[name], name)
    for i, flag in enumerate(fields.get("red_flags") or []):
        yield TextField((*base, "red_flags", i), flag, "red_flag", scammer=True, dialogue=True)
    if fields.get("push") is not None:
        for name in ("title", "body"):
            text = getattr(fields["push"], name)
            yield TextField((*base, "push", name), text, f"push.{name}", image=False)
    if fields.get("poster") is not None:
        for name in ("headline", "body"):
            text = getattr(fields["poster"], name)
            yield TextField((*base, "poster", name), text, f"poster.{name}")


def panel_fields(panel: PanelModel, base: Loc) -> Iterator[TextField]:
    """A panel's balloons, caption and phone screen, with their locations."""
    for i, line in enumerate(panel.lines):
        scammer = line.speaker in SCAMMER_ROLES
        yield TextField(
            (*base, "lines", i, "text"), line.text, "comic.line", scammer=scammer, dialogue=True
        )
    if panel.caption:
        yield TextField((*base, "caption"), panel.caption, "comic.caption")
    if panel.screen is not None:
        # a screen shows the scam itself (its caller id, chat, payee): the scammer speaking
        screen: Loc = (*base, "screen")
        yield TextField(
            (*screen, "title"), panel.screen.title, "screen.title", scammer=True, dialogue=True
        )
        for i, text in enumerate(panel.screen.lines):
            yield TextField((*screen, "lines", i), text, "screen.line", scammer=True, dialogue=True)


def story_panels(model: WarningModel) -> Iterator[tuple[Loc, PanelModel]]:
    """Every panel of every story (comic and elder cut) with its location."""
    for v, variant in enumerate(model.variants):
        for part in ("comic", "elder_cut"):
            for p, panel in enumerate(getattr(variant, part) or ()):
                yield ("variants", v, part, p), panel


def text_fields(model: WarningModel) -> Iterator[TextField]:
    """Every piece of copy in a warning, with its location."""
    yield TextField(("scam",), model.scam, None)
    yield from _copy_fields(dict(model), ())
    for v, variant in enumerate(model.variants):
        yield from _copy_fields(dict(variant), ("variants", v))
    for base, panel in story_panels(model):
        yield from panel_fields(panel, base)


def check_identity(model: WarningModel, path: Path, config: ContentConfig) -> Iterator[Issue]:
    """Id and locale are well formed and match the file's name and folder."""
    if not _ID.match(model.id):
        yield Issue(("id",), f"id {model.id!r} must be lower-case words joined by '-'")
    elif model.id != path.stem:
        yield Issue(("id",), f"id {model.id!r} does not match the file name {path.name!r}")
    if not _LOCALE.match(model.locale):
        yield Issue(("locale",), f"locale {model.locale!r} is not a locale such as zh-CN or en")
    elif _LOCALE.match(path.parent.name) and path.parent.name != model.locale:
        yield Issue(("locale",), f"locale {model.locale!r} is in folder {path.parent.name!r}")
    if not model.audiences:
        yield Issue(("audiences",), "audiences is empty; name at least one segment or 'all'")
    for i, audience in enumerate(model.audiences):
        if audience not in config.audiences:
            close = difflib.get_close_matches(audience, config.audiences, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            known = ", ".join(config.audiences)
            yield Issue(("audiences", i), f"unknown audience {audience!r}{hint} (known: {known})")


def _check_panel(panel: PanelModel, base: Loc) -> Iterator[Issue]:
    """Cast and lines within their bounds; every speaker is on stage."""
    low, high = CAST_PER_PANEL
    if not low <= len(panel.cast) <= high:
        yield Issue(
            (*base, "cast"), f"a panel has {low}-{high} cast members, not {len(panel.cast)}"
        )
    low, high = LINES_PER_PANEL
    if not low <= len(panel.lines) <= high:
        yield Issue((*base, "lines"), f"a panel has {low}-{high} lines, not {len(panel.lines)}")
    roles = {member.role for member in panel.cast}
    for i, line in enumerate(panel.lines):
        if line.speaker not in roles:
            cast = ", ".join(sorted(roles)) or "nobody"
            yield Issue(
                (*base, "lines", i, "speaker"),
                f"speaker {line.speaker!r} is not in the panel's cast ({cast})",
            )


def check_shape(model: WarningModel) -> Iterator[Issue]:
    """Counts: red flags, variants, panels, cast and lines; unique variant ids."""
    if len(model.red_flags) < MIN_RED_FLAGS:
        yield Issue(
            ("red_flags",), f"at least {MIN_RED_FLAGS} red flags, found {len(model.red_flags)}"
        )
    if len(model.variants) < MIN_VARIANTS:
        yield Issue(("variants",), f"at least {MIN_VARIANTS} variants, found {len(model.variants)}")
    seen: set[str] = set()
    for v, variant in enumerate(model.variants):
        if variant.id in seen:
            yield Issue(("variants", v, "id"), f"duplicate variant id {variant.id!r}")
        seen.add(variant.id)
        flags = variant.red_flags
        if flags is not None and len(flags) < MIN_RED_FLAGS:
            loc: Loc = ("variants", v, "red_flags")
            yield Issue(loc, f"at least {MIN_RED_FLAGS} red flags, found {len(flags)}")
        if len(variant.comic) != PANELS:
            yield Issue(
                ("variants", v, "comic"),
                f"a comic has exactly {PANELS} panels (lure, pressure, doubt, action), "
                f"found {len(variant.comic)}",
            )
        for p, panel in enumerate(variant.comic):
            yield from _check_panel(panel, ("variants", v, "comic", p))
        if variant.elder_cut is not None:
            yield from _check_elder_cut(variant.elder_cut, ("variants", v, "elder_cut"))


def _check_elder_cut(panels: list[PanelModel], base: Loc) -> Iterator[Issue]:
    """Fewer, fuller panels: 2-3, each with a caption that carries the story."""
    low, high = ELDER_PANELS
    if not low <= len(panels) <= high:
        yield Issue(
            base,
            f"an elder cut has {low}-{high} panels (fewer, fuller than the comic), "
            f"found {len(panels)}",
        )
    for p, panel in enumerate(panels):
        yield from _check_panel(panel, (*base, p))
        if not panel.caption.strip():
            yield Issue(
                (*base, p), "every elder-cut panel has a caption (large text keeps the story whole)"
            )


def check_copy(model: WarningModel, config: ContentConfig) -> Iterator[Issue]:
    """Templates, lengths and safety of every piece of copy."""
    context = sample_context(config, model.locale)
    allowed = config.allowed_numbers()
    cooling_off = model.id.startswith(COOLING_OFF_PREFIX)
    for field in text_fields(model):
        if not field.text.strip():
            yield Issue(field.loc, "empty copy")
            continue
        issues = check_template(field.text, IMAGE_FIELDS if field.image else TEMPLATE_FIELDS)
        yield from (Issue(field.loc, i.message, i.needle) for i in issues)
        masked = mask_templates(field.text)
        for finding in check_text(masked, allowed_numbers=allowed, speaks_as_scammer=field.scammer):
            yield Issue(field.loc, finding.message, finding.needle)
        if cooling_off:
            yield from (Issue(field.loc, f.message, f.needle) for f in check_cooling_off(masked))
        if field.limit and not issues:
            width = display_width(render_template(field.text, context))
            if width > LIMITS[field.limit]:
                yield Issue(
                    field.loc,
                    f"{field.limit} is {width:g} wide, limit {LIMITS[field.limit]:g} "
                    "(CJK 1, other 0.5)",
                )
    if cooling_off and not any("customer.cooling_off_days" in f.text for f in text_fields(model)):
        yield Issue(
            ("push", "body"),
            "the cooling-off notice must state the bank's term with {{ customer.cooling_off_days }}",
        )
