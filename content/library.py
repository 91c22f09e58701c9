"""The warning library: loading files, review status, resolving copy, listing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.content.cast import look_of, story_looks
from fanzha.content.config import IMAGE_FIELDS, CopyContext
from fanzha.content.copy import CastMember, Line, Panel, Screen, WarningCopy
from fanzha.content.errors import ContentError, WarningFileError, WarningNotFound
from fanzha.content.files import BUNDLED, library_files, warning_files
from fanzha.content.model import PanelModel, VariantModel, WarningModel, parse_warning
from fanzha.content.review import review_status
from fanzha.content.source import read_source
from fanzha.content.templating import render_template

if TYPE_CHECKING:
    import pandas as pd

# BUNDLED and warning_files live in .files (no model needed); kept importable from here.
__all__ = ["BUNDLED", "Library", "WarningDoc", "load_library", "warning_files"]


@dataclass(frozen=True)
class WarningDoc:
    """One loaded warning file (one warning in one locale)."""

    model: WarningModel
    path: Path

    def status(self, today: date) -> str:
        """`approved`, `unapproved`, `pending` (reviewed_on ahead) or `expired`."""
        return review_status(self.model.review, today)

    def variant_ids(self) -> list[str]:
        """Variant ids in file order."""
        return [v.id for v in self.model.variants]

    def variant(self, variant_id: str) -> VariantModel:
        """One variant; WarningNotFound if the file has no such variant."""
        for v in self.model.variants:
            if v.id == variant_id:
                return v
        raise WarningNotFound(
            f"warning {self.model.id!r} ({self.model.locale}) has no variant {variant_id!r}; "
            f"variants: {', '.join(self.variant_ids())}"
        )


def _panel(panel: PanelModel, fill: Callable[[str], str], looks: dict[str, str]) -> Panel:
    """A Panel value object with its lines and caption filled, looks kept for the story."""
    screen = panel.screen
    return Panel(
        scene=panel.scene,
        cast=tuple(
            CastMember(
                c.role,
                c.expression,
                c.side,
                look_of(c.role, c.look, c.gender) or looks.get(c.role),
                c.on_phone,
            )
            for c in panel.cast
        ),
        lines=tuple(Line(ln.speaker, fill(ln.text), ln.kind) for ln in panel.lines),
        caption=fill(panel.caption),
        shot=panel.shot,
        screen=Screen(screen.kind, fill(screen.title), tuple(fill(t) for t in screen.lines))
        if screen
        else None,
    )


class Library:
    """Every loaded warning, keyed by (id, locale)."""

    def __init__(self, docs: Iterable[WarningDoc] = ()) -> None:
        self._docs: dict[tuple[str, str], WarningDoc] = {}
        for doc in docs:
            key = (doc.model.id, doc.model.locale)
            if key in self._docs:
                raise WarningFileError(
                    f"warning {key[0]!r} ({key[1]}) is also defined in {self._docs[key].path}",
                    file=str(doc.path),
                )
            self._docs[key] = doc

    def __len__(self) -> int:
        return len(self._docs)

    def __iter__(self) -> Iterator[WarningDoc]:
        return iter(self._docs[k] for k in sorted(self._docs))

    def ids(self) -> list[str]:
        """Warning ids, sorted."""
        return sorted({wid for wid, _ in self._docs})

    def locales(self, warning_id: str) -> list[str]:
        """Locales a warning is written in, sorted."""
        return sorted(loc for wid, loc in self._docs if wid == warning_id)

    def get(self, warning_id: str, locale: str) -> WarningDoc:
        """One warning file; WarningNotFound naming what exists."""
        try:
            return self._docs[(warning_id, locale)]
        except KeyError:
            have = self.locales(warning_id)
            detail = f"locales: {', '.join(have)}" if have else "no such warning"
            raise WarningNotFound(f"warning {warning_id!r} in {locale}: {detail}") from None

    def resolve(
        self,
        warning_id: str,
        variant: str,
        locale: str,
        context: CopyContext,
        *,
        html: bool = False,
    ) -> WarningCopy:
        """The copy of one variant in one locale with every template filled."""
        doc = self.get(warning_id, locale)
        model, chosen = doc.model, doc.variant(variant)
        push = chosen.push or model.push
        poster = chosen.poster or model.poster

        def image(text: str) -> str:
            return render_template(text, context, html=html, allowed=IMAGE_FIELDS)

        def text(text: str) -> str:
            return render_template(text, context, html=html)

        looks = story_looks([*chosen.comic, *(chosen.elder_cut or ())])

        try:
            return WarningCopy(
                warning_id=model.id,
                variant=chosen.id,
                locale=model.locale,
                scam=image(model.scam),
                title=image(chosen.title or model.title),
                slogan=image(chosen.slogan or model.slogan),
                red_flags=tuple(image(f) for f in (chosen.red_flags or model.red_flags)),
                action=image(chosen.action or model.action),
                push_title=text(push.title),
                push_body=text(push.body),
                poster_headline=image(poster.headline),
                poster_body=image(poster.body),
                panels=tuple(_panel(p, image, looks) for p in chosen.comic),
                elder_panels=tuple(_panel(p, image, looks) for p in chosen.elder_cut or ()),
                if_paid=image(chosen.if_paid or model.if_paid or ""),
                segments=tuple(chosen.segments),
                protagonist=chosen.protagonist,
            )
        except ValueError as exc:  # Panel/Line refuse a malformed comic (lint says where)
            if isinstance(exc, ContentError):
                raise
            raise WarningFileError(str(exc), file=str(doc.path)) from exc

    def sendable(self, today: date) -> pd.DataFrame:
        """(warning_id, locale, variant, position, segments) of every approved, unexpired
        variant; `segments` is the tuple of segments the story is written for."""
        import pandas as pd  # only the run's content picks need a frame

        rows = [
            (doc.model.id, doc.model.locale, v.id, pos, tuple(v.segments))
            for doc in self
            if doc.status(today) == "approved"
            for pos, v in enumerate(doc.model.variants)
        ]
        return pd.DataFrame(
            rows, columns=["warning_id", "locale", "variant", "position", "segments"]
        )

    def list_rows(
        self, today: date | None = None, primary_locale: str = "zh-CN"
    ) -> list[dict[str, str]]:
        """One row per warning for `fanzha content list` (type and variants from the primary)."""
        today = today or date.today()
        rows = []
        for wid in self.ids():
            docs = [self._docs[(wid, loc)] for loc in self.locales(wid)]
            docs.sort(key=lambda doc: doc.model.locale != primary_locale)
            first = docs[0].model
            statuses = {doc.model.locale: doc.status(today) for doc in docs}
            statuses = dict(sorted(statuses.items()))
            worst = [f"{s} ({loc})" for loc, s in statuses.items() if s != "approved"]
            rows.append(
                {
                    "id": wid,
                    "scam": first.scam,
                    "audiences": ", ".join(first.audiences),
                    "locales": ", ".join(statuses),
                    "variants": ", ".join(docs[0].variant_ids()),
                    "status": "; ".join(worst) or "approved",
                    "expires": str(min(doc.model.review.expires for doc in docs)),
                }
            )
        return rows


def load_library(paths: Iterable[str | Path] | None = None) -> Library:
    """Load warning files (default: the bundled library); WarningFileError on the first bad one."""
    files = library_files(paths)
    docs = []
    for path in files:
        model, problems = parse_warning(read_source(path))
        if problems:
            first = problems[0]
            more = (
                f" (and {len(problems) - 1} more; run `fanzha content lint`)"
                if problems[1:]
                else ""
            )
            raise WarningFileError(
                first.message + more, file=first.file, line=first.line, column=first.column
            )
        assert model is not None
        docs.append(WarningDoc(model=model, path=path))
    return Library(docs)
