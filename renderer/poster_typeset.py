"""Typst runs for a poster: measure the layout, draw the art to size, compile the PDF.

Copy reaches the template only as JSON in `sys.inputs`; the template sets it with `text()`,
so markup or code in copy is printed as written. Fonts come from the renderer's FontSet only
(system fonts are ignored), so a poster looks the same on every machine.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fanzha.renderer.errors import RenderError
from fanzha.renderer.fonts import FontSet

__all__ = ["TEMPLATE", "Measured", "compile_pdf", "family", "measure"]

TEMPLATE = Path(__file__).with_name("poster.typ")


@functools.lru_cache(maxsize=8)
def family(path: Path, index: int) -> str:
    """The family name Typst knows a face by (typographic family first)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        face = TTCollection(str(path), lazy=True).fonts[index]
    else:
        face = TTFont(str(path), lazy=True)
    name = face["name"]
    return str(name.getDebugName(16) or name.getDebugName(1))


def _font_dirs(fonts: FontSet) -> list[str]:
    return [str(fonts.path.parent)]


class Measured:
    """What the first pass found: pages, art slots, text columns' needs, text records."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items

    def of(self, kind: str) -> list[dict[str, Any]]:
        """The records of one kind, in document order."""
        return [i for i in self.items if i.get("kind") == kind]

    @property
    def pages(self) -> int:
        """Pages the layout took (a poster that fits takes one)."""
        found = self.of("pages")
        return int(found[0]["n"]) if found else 0

    def overflow(self) -> float:
        """The most a text column needs beyond its cell, in mm (0 when all fit)."""
        return max((f["need"] - f["have"] for f in self.of("fit")), default=0.0)


def _prepare(work: Path) -> Path:
    main = work / "poster.typ"
    if not main.exists():
        shutil.copyfile(TEMPLATE, main)
    return main


def _run(
    call: Callable[..., Any], work: Path, fonts: FontSet, data: dict[str, Any], **kw: Any
) -> Any:
    import typst

    main = _prepare(work)
    try:
        return call(
            str(main),
            root=str(work),
            font_paths=_font_dirs(fonts),
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            **kw,
        )
    except typst.TypstError as exc:  # a template bug, never the copy: copy is data
        raise RenderError(f"the poster template failed: {exc.message}") from None


def measure(work: Path, fonts: FontSet, data: dict[str, Any]) -> Measured:
    """Lay the poster out without the art and read back every slot and text box."""
    import typst

    raw = _run(typst.query, work, fonts, data, selector="metadata")
    return Measured([m["value"] for m in json.loads(raw)])


def compile_pdf(work: Path, fonts: FontSet, data: dict[str, Any]) -> bytes:
    """The poster as PDF bytes (Typst: fonts embedded and subset, text as text)."""
    import typst

    pdf = _run(typst.compile, work, fonts, data, format="pdf")
    assert isinstance(pdf, bytes)
    return pdf
