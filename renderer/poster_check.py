"""Preflight for print PDFs: boxes, fonts, colour, image resolution, safe margin, output intent.

`preflight(path, press=...)` reads any PDF (not only fanzha's) and returns one line per
failure, empty when the file passes. The checks are the print-shop norms the posters are made
to: TrimBox and a BleedBox 3 mm outside it inside a larger MediaBox (marks outside the bleed),
every font embedded, raster art at 300 ppi where it is placed (150 ppi from 700 mm up: roll-up
banners are read from metres away), text at least 5 mm inside the trim; and for press, no RGB
anywhere, black text on the K plate alone (no four-colour text) and a CMYK output intent.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from fanzha.renderer.poster_formats import BLEED_MM, SAFE_MM

__all__ = ["preflight"]

MM = 72 / 25.4
TOLERANCE_MM = 0.1
MIN_SLUG_MM = 5.0  # room a crop mark needs outside the bleed
LARGE_FORMAT_MM = 700.0  # from here on, raster art needs 150 ppi (viewing distance)
_RGB_SPACES = ("/DeviceRGB", "/CalRGB")


@dataclass
class _Page:
    number: int
    page: pikepdf.Page
    problems: list[str]

    def fail(self, message: str) -> None:
        self.problems.append(f"page {self.number}: {message}")


def _box(page: pikepdf.Page, name: str) -> list[float] | None:
    raw = page.obj.get(name)
    return None if raw is None else [float(v) for v in raw]


def _check_boxes(p: _Page) -> list[float] | None:
    media = _box(p.page, "/MediaBox")
    trim, bleed = _box(p.page, "/TrimBox"), _box(p.page, "/BleedBox")
    if trim is None:
        p.fail("no TrimBox: the print shop cannot tell the finished size")
        return None
    w, h = (trim[2] - trim[0]) / MM, (trim[3] - trim[1]) / MM
    if bleed is None:
        p.fail(f"no BleedBox: the {w:.0f}x{h:.0f} mm trim needs {BLEED_MM:g} mm of bleed")
    else:
        off = [
            (trim[0] - bleed[0]),
            (trim[1] - bleed[1]),
            (bleed[2] - trim[2]),
            (bleed[3] - trim[3]),
        ]
        if any(abs(v / MM - BLEED_MM) > TOLERANCE_MM for v in off):
            shown = ", ".join(f"{v / MM:.1f}" for v in off)
            p.fail(f"BleedBox is not the TrimBox plus {BLEED_MM:g} mm on each side ({shown} mm)")
        if media is not None:
            room = [
                bleed[0] - media[0],
                bleed[1] - media[1],
                media[2] - bleed[2],
                media[3] - bleed[3],
            ]
            if min(room) / MM < MIN_SLUG_MM:
                p.fail(
                    f"MediaBox leaves {min(room) / MM:.1f} mm outside the bleed: crop and "
                    f"registration marks need {MIN_SLUG_MM:g} mm, or they fall on the artwork"
                )
    return trim


def _fonts(resources: pikepdf.Object | None, seen: set) -> Iterator[tuple[str, bool]]:
    """(name, embedded) for every font of a resource dictionary and the forms it uses."""
    if not isinstance(resources, pikepdf.Dictionary):
        return
    for _, font in (resources.get("/Font") or {}).items():
        if font.objgen in seen:
            continue
        seen.add(font.objgen)
        if font.get("/Subtype") == "/Type3":
            yield from _fonts(font.get("/Resources"), seen)
            continue
        desc = font.get("/FontDescriptor")
        if font.get("/Subtype") == "/Type0":
            desc = font.DescendantFonts[0].get("/FontDescriptor")
        embedded = desc is not None and any(
            k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")
        )
        yield str(font.get("/BaseFont", "?")).lstrip("/"), embedded
    for _, xobj in (resources.get("/XObject") or {}).items():
        if xobj.get("/Subtype") == "/Form" and xobj.objgen not in seen:
            seen.add(xobj.objgen)
            yield from _fonts(xobj.get("/Resources"), seen)


def _is_rgb(space: pikepdf.Object | None) -> bool:
    if space is None:
        return False
    if isinstance(space, pikepdf.Name):
        return str(space) in _RGB_SPACES
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        kind = str(space[0])
        if kind == "/ICCBased":
            return int(space[1].get("/N", 0)) == 3
        if kind in ("/Indexed", "/Separation", "/DeviceN"):
            return _is_rgb(space[1] if kind == "/Indexed" else space[2])
        return kind in _RGB_SPACES
    return False


def _mul(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _walk(
    p: _Page,
    content: pikepdf.Object,
    resources: pikepdf.Object,
    ctm: list[float],
    press: bool,
    need_ppi: int,
    seen: set,
) -> None:
    """Colour operators, colour spaces and placed images of one content stream (forms too)."""
    spaces: Any = (
        (resources.get("/ColorSpace") or {}) if isinstance(resources, pikepdf.Dictionary) else {}
    )
    xobjects: Any = (
        (resources.get("/XObject") or {}) if isinstance(resources, pikepdf.Dictionary) else {}
    )
    stack: list[list[float]] = []
    rgb_ops = 0
    for instruction in pikepdf.parse_content_stream(content):
        operands, name = instruction.operands, str(instruction.operator)
        if name == "q":
            stack.append(ctm)
        elif name == "Q" and stack:
            ctm = stack.pop()
        elif name == "cm":
            ctm = _mul([float(v) for v in operands], ctm)
        elif name in ("rg", "RG"):
            rgb_ops += 1
        elif name in ("cs", "CS") and operands:
            key = str(operands[0])
            if key in _RGB_SPACES or _is_rgb(spaces.get(key)):
                rgb_ops += 1
        elif name == "Do" and operands:
            key = str(operands[0])
            xobj = xobjects.get(key)
            if xobj is None:
                continue
            if xobj.get("/Subtype") == "/Image":
                _image(p, key, xobj, ctm, press, need_ppi)
            elif xobj.get("/Subtype") == "/Form" and (xobj.objgen, tuple(ctm)) not in seen:
                seen.add((xobj.objgen, tuple(ctm)))
                matrix = [float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                group = xobj.get("/Group")
                if press and group is not None and _is_rgb(group.get("/CS")):
                    p.fail(f"form {key.lstrip('/')} blends transparency in RGB")
                _walk(
                    p,
                    xobj,
                    xobj.get("/Resources") or resources,
                    _mul(matrix, ctm),
                    press,
                    need_ppi,
                    seen,
                )
    if press and rgb_ops:
        p.fail(f"{rgb_ops} RGB colour setting(s) in the content: press files are CMYK only")


def _image(
    p: _Page, key: str, xobj: pikepdf.Object, ctm: list[float], press: bool, need_ppi: int
) -> None:
    label = key.lstrip("/")
    if press and _is_rgb(xobj.get("/ColorSpace")):
        p.fail(f"image {label} is RGB: convert it to CMYK for press")
    w_in = math.hypot(ctm[0], ctm[1]) / 72
    h_in = math.hypot(ctm[2], ctm[3]) / 72
    if w_in <= 0 or h_in <= 0 or bool(xobj.get("/ImageMask", False)):
        return
    ppi = min(int(xobj.Width) / w_in, int(xobj.Height) / h_in)
    if ppi + 0.5 < need_ppi:
        p.fail(
            f"image {label} is {ppi:.0f} ppi where it is placed "
            f"({w_in * 25.4:.0f}x{h_in * 25.4:.0f} mm); print needs {need_ppi} ppi"
        )


def _text(path: Path, pages: list[_Page], trims: list[list[float] | None], press: bool) -> None:
    """Every character inside the safe margin; in press, no black built from four inks."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer

    def chars(obj):  # type: ignore[no-untyped-def]
        if isinstance(obj, LTChar):
            yield obj
        elif isinstance(obj, LTTextContainer) or hasattr(obj, "__iter__"):
            for child in obj:
                yield from chars(child)

    for index, layout in enumerate(extract_pages(str(path), laparams=LAParams())):
        p, trim = pages[index], trims[index]
        media = _box(p.page, "/MediaBox") or [0.0, 0.0, 0.0, 0.0]
        outside: dict[str, float] = {}
        four = set()
        for ch in chars(layout):
            text = ch.get_text()
            if not text.strip() or text == "\u2060":
                continue
            x0, y0, x1, y1 = ch.x0 + media[0], ch.y0 + media[1], ch.x1 + media[0], ch.y1 + media[1]
            if trim is not None:
                gap = min(x0 - trim[0], y0 - trim[1], trim[2] - x1, trim[3] - y1) / MM
                if gap + TOLERANCE_MM < SAFE_MM:
                    outside[text] = min(outside.get(text, gap), gap)
            color = ch.graphicstate.ncolor
            if press and isinstance(color, (list, tuple)) and len(color) == 4:
                c, m, y, k = (float(v) for v in color)
                if min(c, m, y, k) > 0.005:
                    four.add(text)
        if outside:
            sample = "".join(list(outside)[:12])
            p.fail(
                f"{len(outside)} character(s) of text less than {SAFE_MM:g} mm inside the trim "
                f"(closest {min(outside.values()):.1f} mm): {sample}"
            )
        if four:
            p.fail(
                f"text in four-colour black or mixed inks ({''.join(sorted(four))[:12]}): "
                "set black text in 100 % K only"
            )


def _intent(pdf: pikepdf.Pdf) -> str | None:
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        return "no output intent: a press file names the printing condition it was made for"
    for intent in intents:
        profile = intent.get("/DestOutputProfile")
        if profile is not None and int(profile.get("/N", 0)) == 4:
            return None
        if profile is None and intent.get("/OutputConditionIdentifier"):
            return None  # a registered condition (PDF/X-1a allows naming it without a profile)
    return "the output intent carries no CMYK profile"


def preflight(path: str | Path, press: bool = False) -> list[str]:
    """One line per failure of the print norms (empty: the file passes)."""
    path = Path(path)
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        return [f"{path}: not a readable PDF ({exc})"]
    problems: list[str] = []
    with pdf:
        pages, trims = [], []
        for number, page in enumerate(pdf.pages, start=1):
            p = _Page(number, page, problems)
            pages.append(p)
            trim = _check_boxes(p)
            trims.append(trim)
            for name, embedded in _fonts(page.obj.get("/Resources"), set()):
                if not embedded:
                    p.fail(f"font {name} is not embedded")
            need = 300
            if (
                trim is not None
                and max(trim[2] - trim[0], trim[3] - trim[1]) / MM >= LARGE_FORMAT_MM
            ):
                need = 150
            group = page.obj.get("/Group")
            if press and group is not None and _is_rgb(group.get("/CS")):
                p.fail("the page blends transparency in RGB")
            _walk(
                p,
                page.obj,
                page.obj.get("/Resources") or pikepdf.Dictionary(),
                [1, 0, 0, 1, 0, 0],
                press,
                need,
                set(),
            )
        _text(path, pages, trims, press)
        if press:
            missing = _intent(pdf)
            if missing:
                problems.append(missing)
    return [f"{path}: {line}" for line in problems]
