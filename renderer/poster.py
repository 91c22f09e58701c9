"""Print posters: vector text set by Typst, the warnings' own comic art, and press-ready PDF.

`render_poster(spec, copies, out)` lays out 1–4 warning blocks under the slogans, measures the
art slots Typst leaves, draws each warning's panels to fit its slot at the format's art
resolution, compiles the PDF, then sets the print boxes and marks (see poster_pdf).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanzha.content.copy import WarningCopy
from fanzha.renderer import alt
from fanzha.renderer.cache import RenderCache
from fanzha.renderer.canvas import TextRecord
from fanzha.renderer.contrast import contrast_ratio
from fanzha.renderer.errors import AccessibilityError, PosterError, TextOverflowError
from fanzha.renderer.fonts import FontSet, default_fonts
from fanzha.renderer.manifest import RENDERER_VERSION, Manifest
from fanzha.renderer.poster_art import draw_art
from fanzha.renderer.poster_colors import colors, rgb_of, to_cmyk
from fanzha.renderer.poster_copy import PosterCopy, labels
from fanzha.renderer.poster_formats import PosterFormat, PosterSpec
from fanzha.renderer.poster_typeset import TEMPLATE, Measured, compile_pdf, family, measure
from fanzha.renderer.poster_words import plain

__all__ = ["MAX_WARNINGS", "PosterSpec", "render_poster"]

MAX_WARNINGS = 4
# Type sizes in mm on A3 at full density (other formats scale with their width).
_BASE = {
    "kicker": 8.5,
    "community": 17.0,
    "title": 15.0,
    "flags": 8.5,
    "action": 9.5,
    "paid": 7.5,
    "label": 8.0,
    "hotline": 17.0,
    "note": 5.5,
}
_FLOOR = {"flags": 5.5, "action": 6.0, "paid": 5.0, "title": 9.0}
_DENSITY = {1: 1.0, 2: 0.85, 3: 0.62, 4: 0.62}
_FLAGS = {1: 3, 2: 2, 3: 2, 4: 1}
_SQUEEZE = (1.0, 0.9, 0.8, 0.7, 0.62)


@dataclass
class _Plan:
    fmt: PosterFormat
    copy: PosterCopy
    sizes: dict[str, float]
    data: dict[str, Any] = field(default_factory=dict)


def _sizes(fmt: PosterFormat, n: int, squeeze: float) -> dict[str, float]:
    s, dens = fmt.scale, _DENSITY[n] * squeeze
    out = {k: v * s for k, v in _BASE.items()}
    for k in ("title", "flags", "action", "paid"):
        out[k] = max(_BASE[k] * dens, _FLOOR[k]) * s
    # the headline: the slogans, at least the format's cap-height floor and the largest type
    out["slogan"] = fmt.headline_px * 1.03
    out.update(rule=2.0 * s, stroke=0.5 * s, accent=2.5 * s)
    return {k: round(v, 3) for k, v in out.items()}


def _data(
    spec: PosterSpec,
    fmt: PosterFormat,
    pc: PosterCopy,
    fonts: FontSet,
    n_flags: int,
    squeeze: float,
    art: list[str | None],
) -> dict[str, Any]:
    from fanzha.renderer.fonts import _face_index

    s = fmt.scale
    blocks = [{**b, "flags": b["flags"][:n_flags], "art": art[i]} for i, b in enumerate(pc.blocks)]
    return {
        "page": {
            "w": fmt.trim_mm[0],
            "h": fmt.trim_mm[1],
            "bleed": 3.0,
            "safe": 5.0,
            "pad": round(4.0 * s, 2),
            "gap": round(7.0 * s, 2),
        },
        "colors": colors(spec.press),
        "font": family(fonts.path, _face_index(fonts.path)),
        "lang": "zh" if pc.zh else "en",
        "region": "cn" if pc.zh else "gb",
        "sizes": _sizes(fmt, len(blocks), squeeze),
        "header": pc.header,
        "slogans": [_slogan_lines(t, fmt) for t in pc.slogans],
        "blocks": blocks,
        "layout": {1: "single", 2: "rows"}.get(len(blocks), "grid"),
        "art_share": 0.8,
        "footer": pc.footer,
    }


def _em(text: str) -> float:
    """Width of text in ems (quotes are full width in a CJK face)."""
    from fanzha.renderer.poster_words import plain

    return sum(1.0 if ord(c) > 0x2E7F or c in "“”‘’" else 0.55 for c in plain(text))


def _slogan_lines(text: str, fmt: PosterFormat) -> str:
    """A slogan too wide for one line breaks at the space that balances its two halves
    (不乱贷 / 不信“修复”, Hang up, / call 110), not mid-phrase; a line-end quote's em box must
    not reach the trim."""
    width = fmt.trim_mm[0] - 2 * (5.0 + 4.0 * fmt.scale)
    words = text.split()
    if _em(text) * fmt.headline_px * 1.03 <= 0.92 * width or len(words) < 2:
        return text
    cut = min(
        range(1, len(words)),
        key=lambda i: max(_em(" ".join(words[:i])), _em(" ".join(words[i:]))),
    )
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _fits(m: Measured, fmt: PosterFormat, single: bool) -> bool:
    if m.pages != 1 or m.overflow() > 0.3:
        return False
    least = (55.0 if single else 38.0) * fmt.scale
    return all(min(a["w"], a["h"]) >= least for a in m.of("art"))


def _widen(
    data: dict[str, Any], found: Measured, work: Path, fonts: FontSet, fmt: PosterFormat
) -> tuple[dict[str, Any], Measured]:
    """Stacked blocks whose words leave room: the art column grows (never the gap) while all fits."""
    if data["layout"] != "rows" or max(f["have"] - f["need"] for f in found.of("fit")) < 10:
        return data, found
    for share in (1.4, 1.1):
        wider = {**data, "art_share": share}
        tried = measure(work, fonts, wider)
        if _fits(tried, fmt, False):
            return wider, tried
    return data, found


def _layout(
    spec: PosterSpec, pc: PosterCopy, fmt: PosterFormat, fonts: FontSet, work: Path
) -> tuple[dict[str, Any], Measured]:
    """The largest type and most red flags at which every block fits with room for its art."""
    n = len(pc.blocks)
    most = min(_FLAGS[n], *(len(b["flags"]) for b in pc.blocks))
    none: list[str | None] = [None] * n
    for squeeze in _SQUEEZE:
        for count in range(most, 0, -1):
            data = _data(spec, fmt, pc, fonts, count, squeeze, none)
            found = measure(work, fonts, data)
            if _fits(found, fmt, n == 1):
                return _widen(data, found, work, fonts, fmt)
    raise TextOverflowError(
        f"the {fmt.label} poster for {spec.community or 'this community'} cannot hold "
        f"{n} warning(s) at readable sizes; give it fewer segments or a larger size"
    )


def _records(m: Measured, fmt: PosterFormat) -> tuple[TextRecord, ...]:
    px = fmt.art_ppi / 25.4
    out = []
    for r in m.of("text"):
        fg, bg = rgb_of(r["fg"]), rgb_of(r["bg"])
        box = tuple(round(v * px) for v in (r["x"], r["y"], r["x"] + r["w"], r["y"] + r["h"]))
        size = round(r["size"] * px)
        out.append(
            TextRecord(
                r["name"],
                "",
                (),
                size,
                round(size * 1.3),
                box,
                "#{:02x}{:02x}{:02x}".format(*fg),
                contrast_ratio(fg, bg),
                r["role"],
            )
        )
    return tuple(out)


def poster_key(spec: PosterSpec, copies: list[WarningCopy], font: str) -> str:
    """Cache key of a poster: spec, every warning's fingerprint, template, renderer version and
    font (``FontSet.key``)."""
    raw = "|".join(
        (
            repr(spec),
            *(c.fingerprint() for c in copies),
            RENDERER_VERSION,
            hashlib.sha256(TEMPLATE.read_bytes()).hexdigest()[:12],
            font,
        )
    )
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def render_poster(
    spec: PosterSpec,
    copies: list[WarningCopy],
    out: Path | str | None = None,
    cache: RenderCache | None = None,
    fonts: FontSet | None = None,
) -> Manifest:
    """Render a poster PDF (vector text, art at print resolution, boxes and marks) to out."""
    fmt = spec.format
    out = Path(out) if out is not None else None
    if out is not None and out.suffix.lower() != ".pdf":
        raise PosterError(f"posters are PDF files: name the output {out.with_suffix('.pdf')}")
    if not 1 <= len(copies) <= MAX_WARNINGS:
        raise PosterError(f"a poster holds 1 to {MAX_WARNINGS} warnings, not {len(copies)}")
    fonts = fonts or default_fonts()
    key = poster_key(spec, copies, fonts.key)
    if cache is not None:
        hit = cache.get(key, "pdf")
        if (
            hit is not None
            and hit.image_path is not None
            and (out is None or out.resolve() == hit.image_path.resolve())
        ):
            return hit
    if out is None and cache is None:
        raise ValueError("render_poster needs an output path or a cache")
    target = out if out is not None else cache.path(key, "pdf")  # type: ignore[union-attr]
    from fanzha.renderer.poster_qr import qr_data  # segno: loaded by posters alone

    pc = labels(spec, copies, qr_data(spec.qr, fmt, spec.locale))
    with tempfile.TemporaryDirectory(prefix="fanzha-poster-") as tmp:
        work = Path(tmp)
        data, found = _layout(spec, pc, fmt, fonts, work)
        arts = []
        names: list[str | None] = []
        for i, slot in enumerate(found.of("art")):
            art = draw_art(fonts, copies[i], slot["w"], slot["h"], fmt.art_ppi, fmt.scale)
            if spec.press:
                name = f"art{i}.jpg"
                to_cmyk(art.image).save(work / name, "JPEG", quality=92, dpi=(art.ppi,) * 2)
            else:
                name = f"art{i}.png"
                art.image.save(work / name, "PNG", compress_level=1, dpi=(art.ppi,) * 2)
            arts.append(art)
            names.append(name)
        data["blocks"] = [{**b, "art": names[i]} for i, b in enumerate(data["blocks"])]
        raw = compile_pdf(work, fonts, data)
    title = f"{spec.community} 反诈提醒".strip() if pc.zh else f"Fraud alert {spec.community}"
    from fanzha.renderer.poster_pdf import finish  # pikepdf: loaded by posters alone

    boxes = finish(raw, target, title, spec.press)
    records = _records(found, fmt)
    lowest = min((r.contrast for r in records), default=21.0)
    if lowest < 4.5:
        worst = min(records, key=lambda r: r.contrast)
        raise AccessibilityError(f"{worst.name}: contrast {worst.contrast:.2f}:1 < 4.5:1")
    px = fmt.art_ppi / 25.4
    qr_slot = found.of("qr")
    qr = None
    if pc.qr is not None and qr_slot:
        q = qr_slot[0]
        qr = {
            **pc.qr_facts,
            "box_mm": [
                round(v, 2) for v in (q["x"], q["y"], q["x"] + q["side"], q["y"] + q["side"])
            ],
        }
    manifest = Manifest(
        fmt.name,
        (round(fmt.trim_mm[0] * px), round(fmt.trim_mm[1] * px)),
        fmt.trim_mm,
        fmt.art_ppi,
        records,
        lowest,
        alt.poster_alt(spec.community, copies, spec.qr or ""),
        key,
        target,
        data["layout"],
        False,
        qr,
        {
            **fmt.to_dict(),
            "font": fonts.info,
            "press": spec.press,
            "color": "CMYK, FOGRA39 output intent" if spec.press else "sRGB",
            "boxes_pt": boxes,
            "community": spec.community,
            "warnings": [c.warning_id for c in copies],
            "slogans": [plain(s) for s in pc.slogans],
            "sizes_mm": data["sizes"],
            "red_flags_shown": len(data["blocks"][0]["flags"]),
            "art": [
                {
                    "warning": copies[i].warning_id,
                    "arrangement": a.arrangement,
                    "panels": list(a.panels),
                    "size_mm": [round(v, 1) for v in a.size_mm],
                    "ppi": a.ppi,
                }
                for i, a in enumerate(arts)
            ],
        },
    )
    if cache is not None:
        stored = cache.put(manifest, target)
        if out is None:
            return stored
    manifest.write(target)
    return manifest
