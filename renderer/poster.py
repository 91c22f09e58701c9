"""Print-ready posters: A4/A3 at 300 dpi with 3 mm bleed, crop marks, safe margins and a QR code."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from content.copy import WarningCopy
from renderer import card, comic
from renderer import text as typeset
from renderer.canvas import Canvas
from renderer.fonts import FontSet
from renderer.formats import SAFE_MM, Format, mm_to_px
from renderer.qr import QRImage, make_qr

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
    pal = cv.palette
    d = cv.draw
    safe = b + mm_to_px(SAFE_MM) + round(20 * u)  # text stays well inside the 5 mm safe line
    right = page[0] - safe
    min_body = fmt.body_min_px(False)
    # header band, to the bleed edge
    head_h = b + round(150 * u)
    d.rectangle((0, 0, page[0], head_h), fill=pal.navy)
    d.rectangle((0, head_h - round(10 * u), page[0], head_h), fill=pal.orange)
    y = b + mm_to_px(SAFE_MM) + round(18 * u)
    if spec.bank_name:
        lay = typeset.fit(
            fonts,
            "bank_name",
            spec.bank_name,
            (safe, y, right, y + round(60 * u)),
            max_px=round(40 * u),
            min_px=min_body,
            weight="Bold",
            max_lines=1,
        )
        cv.text(lay, pal.navy_text, role="body")
        y += round(56 * u)
    community = f"{spec.community} · 反诈提醒" if spec.community else "反诈提醒"
    lay = typeset.fit(
        fonts,
        "community",
        community,
        (safe, y, right, head_h - round(22 * u)),
        max_px=round(72 * u),
        min_px=min_body,
        weight="Black",
        max_lines=1,
    )
    cv.text(lay, pal.navy_text, role="title")
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
    cv.text(lay, pal.red, origin=((page[0] - sw) // 2, y), align="center", role="display")
    y += sh + round(40 * u)
    foot_h = round(260 * u) + b
    foot_top = page[1] - foot_h
    y = _warnings(cv, copies, fmt, safe, right, y, foot_top - round(40 * u), min_body)
    if copies and foot_top - round(40 * u) - y > 0.3 * fmt.height:
        _comic(cv, copies[0], (safe, y, right, foot_top - round(40 * u)), u)
    qr, qr_box = _footer(cv, spec, fmt, safe, right, foot_top, min_body)
    return PosterResult(cv.img, tuple(cv.records), qr, qr_box, b)


def _warnings(
    cv: Canvas,
    copies: list[WarningCopy],
    fmt: Format,
    x0: int,
    x1: int,
    y: int,
    limit: int,
    min_body: int,
) -> int:
    """One block per warning: headline, up to three red flags, the action."""
    u, pal, fonts = _u(fmt), cv.palette, cv.fonts
    pad = round(22 * u)
    budget = (limit - y) // max(1, len(copies)) - round(30 * u)
    flags_per = 3 if len(copies) == 1 else 2
    for i, c in enumerate(copies):
        inner = (x0 + pad + round(16 * u), x1 - pad)
        head = typeset.fit(
            fonts,
            f"warning{i + 1}.headline",
            c.poster_headline or c.title,
            (inner[0], 0, inner[1], round(150 * u)),
            max_px=round(54 * u),
            min_px=min_body,
            weight="Black",
            max_lines=2,
            balance=True,
        )
        act = typeset.fit(
            fonts,
            f"warning{i + 1}.action",
            f"正确做法：{c.action}",
            (inner[0], 0, inner[1], round(130 * u)),
            max_px=round(44 * u),
            min_px=min_body,
            weight="Bold",
            max_lines=2,
        )
        gap = round(12 * u)
        used = sum(typeset.block_size(fonts, t)[1] for t in (head, act)) + 2 * gap + 2 * pad
        flags = "".join(f"“{f}”" for f in c.red_flags[:flags_per])
        body = typeset.fit(
            fonts,
            f"warning{i + 1}.red_flags",
            f"骗子常说：{flags}",
            (inner[0], 0, inner[1], budget - used),
            max_px=round(38 * u),
            min_px=min_body,
            spacing=1.35,
            weight="Medium",
        )
        blocks = [typeset.block_size(fonts, t)[1] for t in (head, body, act)]
        h = sum(blocks) + 2 * gap + 2 * pad
        d = cv.draw
        d.rounded_rectangle(
            (x0, y, x1, y + h),
            radius=round(18 * u),
            fill=(255, 255, 255),
            outline=pal.outline,
            width=max(3, round(3 * u)),
        )
        d.rectangle(
            (x0 + round(3 * u), y + round(18 * u), x0 + round(16 * u), y + h - round(18 * u)),
            fill=pal.red,
        )
        ty = y + pad
        for lay, color, role in (
            (head, pal.navy, "title"),
            (body, pal.ink, "body"),
            (act, pal.red, "body"),
        ):
            cv.text(lay, color, origin=(inner[0], ty), role=role)
            ty += typeset.block_size(fonts, lay)[1] + gap
        y += h + round(30 * u)
    return y


def _comic(cv: Canvas, c: WarningCopy, area: tuple[int, int, int, int], u: float) -> None:
    """The first warning's four panels as a 2x2 grid, if the page has room."""
    m = comic.Metrics(u * 1000 / 1080, 1.25)
    min_px = round(28 * m.scale)
    plans = card.plan_panels(cv.fonts, c, "grid4", area, m, min_px, round(40 * m.scale))
    if plans is None:
        return  # the headline blocks already carry the message; a cramped comic would not help
    for pp in plans:
        comic.draw(cv, pp, m)


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
