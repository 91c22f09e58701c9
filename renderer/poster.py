"""Print-ready posters: A4/A3 at 300 dpi with 3 mm bleed, crop marks, safe margins and a QR code."""

from __future__ import annotations

from dataclasses import dataclass

from fanzha.content.copy import WarningCopy
from fanzha.renderer import card, comic
from fanzha.renderer import poster_blocks as blocks_mod
from fanzha.renderer import text as typeset
from fanzha.renderer.canvas import Canvas
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.formats import SAFE_MM, Format, mm_to_px
from fanzha.renderer.qr import QRImage, make_qr
from PIL import Image

SLOGAN_MIN_PX = 340  # >= 72 pt: CJK ideographs at 340 px stand ~300 px tall at 300 dpi


@dataclass(frozen=True)
class PosterSpec:
    """One community poster: where it hangs, its size, and the address its QR code opens."""

    community: str
    size: str = "A3"
    qr: str = ""
    bank_name: str = ""
    segments: tuple[str, ...] = ()
    qr_caption: str = "扫码了解更多防骗知识"
    locale: str = "zh-CN"

    @property
    def format_name(self) -> str:
        """The renderer format for the paper size."""
        return f"poster-{self.size.lower()}"


@dataclass(frozen=True)
class PosterResult:
    """The drawn page (trim + bleed), its text records and QR facts."""

    image: Image.Image
    records: tuple
    qr: QRImage | None
    qr_box: tuple[int, int, int, int] | None
    bleed_px: int


def _u(fmt: Format) -> float:
    return fmt.width / 1000


def render_poster_image(
    spec: PosterSpec, copies: list[WarningCopy], fmt: Format, fonts: FontSet
) -> PosterResult:
    """Draw the whole page, bleed included, in page pixels."""
    b = fmt.bleed_px()
    u = _u(fmt)
    page = (fmt.width + 2 * b, fmt.height + 2 * b)
    cv = Canvas(Image.new("RGB", page, (251, 244, 230)), fonts)
    safe = b + mm_to_px(SAFE_MM) + round(20 * u)  # text stays well inside the 5 mm safe line
    right = page[0] - safe
    min_body = fmt.body_min_px(False)
    head_h = _header(cv, spec, fmt, safe, right, min_body)
    # the slogan, readable at 3 m
    y = head_h + round(40 * u)
    slogan = copies[0].slogan if copies else ""
    lay = typeset.fit(
        fonts,
        "slogan",
        slogan,
        (safe, y, right, y + round(330 * u)),
        max_px=max(SLOGAN_MIN_PX, round(130 * u)),
        min_px=SLOGAN_MIN_PX,
        spacing=1.15,
        weight="Black",
        max_lines=2,
        balance=True,
    )
    sw, sh = typeset.block_size(fonts, lay)
    cv.text(lay, cv.palette.red, origin=((page[0] - sw) // 2, y), align="center", role="display")
    y += sh + round(40 * u)
    foot_top = page[1] - (round(260 * u) + b)
    _body(cv, copies, fmt, (safe, y, right, foot_top - round(40 * u)), min_body)
    qr, qr_box = _footer(cv, spec, fmt, safe, right, foot_top, min_body)
    return PosterResult(cv.img, tuple(cv.records), qr, qr_box, b)


def _header(cv: Canvas, spec: PosterSpec, fmt: Format, x0: int, x1: int, min_body: int) -> int:
    """Navy band to the bleed: the bank and 反诈提醒 small, the community's name large."""
    u, pal, fonts = _u(fmt), cv.palette, cv.fonts
    y = fmt.bleed_px() + mm_to_px(SAFE_MM) + round(12 * u)
    kicker = " · ".join(part for part in (spec.bank_name, "反诈提醒") if part)
    small = typeset.fit(
        fonts,
        "bank_name",
        kicker,
        (x0, y, x1, y + round(50 * u)),
        max_px=round(36 * u),
        min_px=min_body,
        weight="Bold",
        max_lines=1,
    )
    y += typeset.block_size(fonts, small)[1] + round(10 * u)
    # the dormitory's own name is what tells a resident the poster is for them
    big = typeset.fit(
        fonts,
        "community",
        spec.community or "反诈提醒",
        (x0, y, x1, y + round(120 * u)),
        max_px=round(96 * u),
        min_px=min_body,
        weight="Black",
        max_lines=1,
    )
    head_h = y + typeset.block_size(fonts, big)[1] + round(24 * u)
    d = cv.draw
    d.rectangle((0, 0, cv.img.width, head_h), fill=pal.navy)
    d.rectangle((0, head_h - round(10 * u), cv.img.width, head_h), fill=pal.orange)
    cv.text(small, pal.gold, role="body")
    cv.text(big, pal.navy_text, role="title")
    return head_h


def _body(
    cv: Canvas,
    copies: list[WarningCopy],
    fmt: Format,
    area: tuple[int, int, int, int],
    min_body: int,
) -> None:
    """Warning blocks, then the first warning's comic if it fits, else larger blocks: no empty space."""
    x0, y, x1, limit = area
    u = _u(fmt)
    blocks = blocks_mod.plan(cv.fonts, copies, fmt, x0, x1, limit - y, min_body, 1.0)
    # the comic tells the story best: give it room, the blocks keeping at least 40 % of it
    for share in (None, 0.5, 0.4) if len(copies) == 1 else (None,):
        tighter = blocks if share is None else _tighter(cv, copies, fmt, area, min_body, share)
        if not tighter:
            continue
        used = blocks_mod.height(tighter, u)
        if _comic(cv, copies[0], (x0, y + used, x1, limit), u, dry_run=True):
            blocks_mod.draw(cv, tighter, x0, x1, y, round(30 * u))
            _comic(cv, copies[0], (x0, y + used, x1, limit), u)
            return
    for scale in (1.6, 1.45, 1.3, 1.15):  # room to spare: larger type reads from further away
        bigger = blocks_mod.plan(cv.fonts, copies, fmt, x0, x1, limit - y, min_body, scale)
        if bigger and blocks_mod.height(bigger, u) <= limit - y:
            blocks = bigger
            break
    spare = limit - y - blocks_mod.height(blocks, u)
    gap = round(30 * u) + spare // (
        len(blocks) + 1
    )  # what is left is spread, not piled at the foot
    blocks_mod.draw(cv, blocks, x0, x1, y + spare // (len(blocks) + 1), gap)


def _tighter(
    cv: Canvas,
    copies: list[WarningCopy],
    fmt: Format,
    area: tuple[int, int, int, int],
    min_body: int,
    share: float,
) -> list[blocks_mod.Block] | None:
    """Blocks planned into `share` of the area (fewer quoted lines), or None."""
    x0, y, x1, limit = area
    return blocks_mod.plan(cv.fonts, copies, fmt, x0, x1, int((limit - y) * share), min_body, 0.999)


def _comic(
    cv: Canvas, c: WarningCopy, area: tuple[int, int, int, int], u: float, dry_run: bool = False
) -> bool:
    """The warning's four panels as a 2x2 grid, if the page has room; False when it has not."""
    if area[3] - area[1] < 0.22 * (area[2] - area[0]):
        return False
    m = comic.Metrics(u * 1000 / 1080, 1.25)
    min_px = round(28 * m.scale)
    plans = card.plan_panels(cv.fonts, c, "grid4", area, m, min_px, round(40 * m.scale))
    if plans is None:
        return (
            False  # the headline blocks already carry the message; a cramped comic would not help
        )
    if not dry_run:
        for pp in plans:
            comic.draw(cv, pp, m)
    return True


def _footer(
    cv: Canvas, spec: PosterSpec, fmt: Format, x0: int, x1: int, top: int, min_body: int
) -> tuple[QRImage | None, tuple[int, int, int, int] | None]:
    """Red band to the bleed: QR on a white tile with its caption, and the hotlines."""
    u, pal, fonts = _u(fmt), cv.palette, cv.fonts
    page_w, page_h = cv.img.size
    d = cv.draw
    d.rectangle((0, top, page_w, page_h), fill=pal.red)
    d.rectangle((0, top, page_w, top + round(10 * u)), fill=pal.gold)
    inner_bottom = page_h - fmt.bleed_px() - mm_to_px(SAFE_MM) - round(10 * u)
    qr, qr_box = None, None
    text_x = x0
    if spec.qr:
        qr = make_qr(spec.qr, round(210 * u), fmt.dpi)
        side = qr.image.width
        qy = top + round(24 * u)
        cv.img.paste(qr.image, (x0, qy))
        qr_box = (x0, qy, x0 + side, qy + side)
        text_x = x0 + side + round(50 * u)
        cap = typeset.fit(
            fonts,
            "qr_caption",
            f"← {spec.qr_caption}",
            (text_x, qy, x1, qy + round(70 * u)),
            max_px=round(40 * u),
            min_px=min_body,
            weight="Medium",
            max_lines=1,
        )
        cv.text(cap, pal.red_text, role="body")
        top = qy + typeset.block_size(fonts, cap)[1]
    mid = top + round(30 * u)
    label = typeset.fit(
        fonts,
        "hotline_label",
        "遇到可疑情况，立即拨打",
        (text_x, mid, x1, mid + round(80 * u)),
        max_px=round(48 * u),
        min_px=min_body,
        weight="Bold",
        max_lines=1,
    )
    cv.text(label, pal.red_text, role="body")
    y = mid + typeset.block_size(fonts, label)[1] + round(20 * u)
    hot = typeset.fit(
        fonts,
        "hotline",
        "反诈 96110 · 报警 110",
        (text_x, y, x1, inner_bottom),
        max_px=round(110 * u),
        min_px=min_body,
        weight="Black",
        max_lines=1,
    )
    cv.text(hot, pal.red_text, role="display")
    return qr, qr_box


def crop_marks(page_px: tuple[int, int], bleed_px: int, dpi: int) -> str:
    """PDF operators drawing crop marks in the bleed at each trim corner (white-backed black hairlines)."""
    k = 72 / dpi
    w, h = page_px[0] * k, page_px[1] * k
    b = bleed_px * k
    gap = 1.0 / 25.4 * 72  # stop 1 mm short of the trim so no mark shows on the finished piece
    segments = []
    for tx in (b, w - b):
        for ty in (b, h - b):
            out_x = 0.0 if tx < w / 2 else w
            out_y = 0.0 if ty < h / 2 else h
            end_x = tx - gap if tx < w / 2 else tx + gap
            end_y = ty - gap if ty < h / 2 else ty + gap
            segments.append(((out_x, ty), (end_x, ty)))
            segments.append(((tx, out_y), (tx, end_y)))
    ops = []
    for color, width in (("1 1 1 RG", 1.2), ("0 0 0 RG", 0.4)):
        ops.append(f"q {color} {width} w")
        ops.extend(f"{x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l S" for (x0, y0), (x1, y1) in segments)
        ops.append("Q")
    return "\n".join(ops)
