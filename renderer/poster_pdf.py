"""Print boxes, marks outside the bleed, and the press output intent, set on Typst's PDF.

Typst draws the page at bleed size. Here the page gets a slug around it: the MediaBox grows by
SLUG_MM on every side, the artwork moves in by the same amount, and crop and registration
marks are drawn in the slug, outside the bleed, where the guillotine throws them away.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pikepdf
from fanzha.renderer.poster_colors import OUTPUT_CONDITION, profile_bytes
from fanzha.renderer.poster_formats import BLEED_MM, SLUG_MM
from fanzha.renderer.poster_words import JOINER

__all__ = ["PT_PER_MM", "finish"]

PT_PER_MM = 72 / 25.4
MARK_GAP_MM = 2.0  # marks start this far outside the bleed
MARK_LEN_MM = 7.0


def _marks(trim: tuple[float, float, float, float], bleed_pt: float, press: bool) -> str:
    """Crop marks at the four trim corners and a registration target on each side."""
    x0, y0, x1, y1 = trim
    gap = bleed_pt + MARK_GAP_MM * PT_PER_MM
    ln = MARK_LEN_MM * PT_PER_MM
    ops = ["q", "1 1 1 1 K" if press else "0 G", "0.25 w", "[] 0 d"]
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            ops.append(f"{x + sx * gap:.3f} {y:.3f} m {x + sx * (gap + ln):.3f} {y:.3f} l S")
            ops.append(f"{x:.3f} {y + sy * gap:.3f} m {x:.3f} {y + sy * (gap + ln):.3f} l S")
    r = 2.5 * PT_PER_MM
    k = 0.5523 * r
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    off = gap + ln / 2
    for cx, cy in ((mid_x, y0 - off), (mid_x, y1 + off), (x0 - off, mid_y), (x1 + off, mid_y)):
        ops.append(
            f"{cx + r:.3f} {cy:.3f} m "
            f"{cx + r:.3f} {cy + k:.3f} {cx + k:.3f} {cy + r:.3f} {cx:.3f} {cy + r:.3f} c "
            f"{cx - k:.3f} {cy + r:.3f} {cx - r:.3f} {cy + k:.3f} {cx - r:.3f} {cy:.3f} c "
            f"{cx - r:.3f} {cy - k:.3f} {cx - k:.3f} {cy - r:.3f} {cx:.3f} {cy - r:.3f} c "
            f"{cx + k:.3f} {cy - r:.3f} {cx + r:.3f} {cy - k:.3f} {cx + r:.3f} {cy:.3f} c S"
        )
        ops.append(f"{cx - 1.6 * r:.3f} {cy:.3f} m {cx + 1.6 * r:.3f} {cy:.3f} l S")
        ops.append(f"{cx:.3f} {cy - 1.6 * r:.3f} m {cx:.3f} {cy + 1.6 * r:.3f} l S")
    ops.append("Q")
    return "\n".join(ops)


def _output_intent(pdf: pikepdf.Pdf) -> None:
    profile = pikepdf.Stream(pdf, profile_bytes())
    profile.N = 4
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=OUTPUT_CONDITION,
        OutputCondition="Offset, coated paper (ISO 12647-2:2004/Amd 1, FOGRA39)",
        RegistryName="http://www.color.org",
        Info="FOGRA39L coated, TAC 320 %, as shipped with fanzha",
        DestOutputProfile=pdf.make_indirect(profile),
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])


_HEX = re.compile(rb"<([0-9A-Fa-f]{8,})>")


def _drop_joiners(pdf: pikepdf.Pdf) -> None:
    """Take the word joiners out of the fonts' ToUnicode maps, so copied and searched text
    (pdftotext, a viewer's search for 安全账户) reads as written. Typst folds each joiner into
    the glyph before it, so only the text mapping carries it; what is drawn is unchanged."""

    def clean(m: re.Match[bytes]) -> bytes:
        units = [m.group(1)[i : i + 4] for i in range(0, len(m.group(1)), 4)]
        kept = [u for u in units if u.upper() != b"2060"] or units
        return b"<" + b"".join(kept) + b">"

    for page in pdf.pages:
        resources: Any = page.obj.get("/Resources") or {}
        for _, font in (resources.get("/Font") or {}).items():
            cmap = font.get("/ToUnicode")
            if cmap is not None:
                cmap.write(_HEX.sub(clean, cmap.read_bytes()))
        # where a glyph's text is ambiguous Typst adds /ActualText to a marked span: clean it too
        ops = pikepdf.parse_content_stream(page)
        changed = False
        for instruction in ops:
            operands, op = instruction.operands, instruction.operator
            if (
                str(op) == "BDC"
                and len(operands) > 1
                and isinstance(operands[1], pikepdf.Dictionary)
            ):
                actual = operands[1].get("/ActualText")
                if actual is not None and JOINER in str(actual):
                    operands[1].ActualText = pikepdf.String(str(actual).replace(JOINER, ""))
                    changed = True
        if changed:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def finish(raw: bytes, out: Path, title: str, press: bool) -> dict[str, list[float]]:
    """Write the finished PDF to out (atomically); returns its boxes in points."""
    pdf = pikepdf.open(io.BytesIO(raw))
    _drop_joiners(pdf)
    page = pdf.pages[0]
    w, h = (float(v) for v in page.MediaBox[2:4])
    s, b = SLUG_MM * PT_PER_MM, BLEED_MM * PT_PER_MM
    media = [0.0, 0.0, w + 2 * s, h + 2 * s]
    bleed = [s, s, s + w, s + h]
    trim = [s + b, s + b, s + w - b, s + h - b]
    page.contents_add(pdf.make_stream(f"q 1 0 0 1 {s:.4f} {s:.4f} cm\n".encode()), prepend=True)
    marks = _marks((trim[0], trim[1], trim[2], trim[3]), b, press)
    page.contents_add(pdf.make_stream(f"\nQ\n{marks}\n".encode()))
    page.MediaBox = pikepdf.Array(media)
    page.BleedBox = pikepdf.Array(bleed)
    page.TrimBox = pikepdf.Array(trim)
    # press: the operator sees the marks; screens and office printers see the trimmed page
    page.CropBox = pikepdf.Array(media if press else trim)
    if press:
        _output_intent(pdf)
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Creator"] = "fanzha posters" + (" --press" if press else "")
    pdf.docinfo["/Trapped"] = pikepdf.Name("/False")
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    pdf.save(tmp)
    os.replace(tmp, out)
    return {"media": media, "bleed": bleed, "trim": trim}
