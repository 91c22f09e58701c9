"""A poster's warning blocks: headline, what scammers say, the right action — planned, then drawn."""

from __future__ import annotations

from dataclasses import dataclass

from fanzha.content.copy import WarningCopy
from fanzha.renderer import text as typeset
from fanzha.renderer.canvas import Canvas
from fanzha.renderer.fonts import FontSet
from fanzha.renderer.formats import Format

_LABELS = {
    "zh": ("骗子常说：", "正确做法：", "“{}”"),
    "en": ("Scammers say: ", "What to do: ", "“{}” "),
}


@dataclass(frozen=True)
class Block:
    """One warning's laid-out texts and the block's height on the page."""

    head: typeset.TextLayout
    flags: typeset.TextLayout
    action: typeset.TextLayout
    height: int
    pad: int
    gap: int


def _u(fmt: Format) -> float:
    return fmt.width / 1000


def plan(
    fonts: FontSet,
    copies: list[WarningCopy],
    fmt: Format,
    x0: int,
    x1: int,
    room: int,
    min_body: int,
    scale: float,
    strict: bool | None = None,
) -> list[Block] | None:
    """Blocks for every warning at `scale` times the usual type sizes; None if they do not fit.

    Strict (the default at scale 1) raises TextOverflowError naming the text that cannot fit.
    """
    u = _u(fmt)
    pad, gap = round(22 * u * scale), round(12 * u * scale)
    budget = room // max(1, len(copies)) - round(30 * u)
    flags_per = 3 if len(copies) == 1 else 2
    inner = (x0 + round(22 * u) + round(16 * u), x1 - round(22 * u))
    out: list[Block] = []
    for i, c in enumerate(copies):
        said, do, quote = _LABELS["zh" if c.locale.lower().startswith("zh") else "en"]
        sizing = {
            "u": u,
            "scale": scale,
            "min_body": min_body,
            "strict": scale == 1.0 if strict is None else strict,
        }
        name = f"warning{i + 1}"
        head = _fit(
            fonts,
            f"{name}.headline",
            c.poster_headline or c.title,
            inner,
            150,
            54,
            "Black",
            sizing,
            max_lines=2,
            balance=True,
        )
        act = _fit(
            fonts, f"{name}.action", f"{do}{c.action}", inner, 130, 44, "Bold", sizing, max_lines=2
        )
        if head is None or act is None:
            return None
        used = sum(typeset.block_size(fonts, t)[1] for t in (head, act)) + 2 * gap + 2 * pad
        body = None
        for count in range(flags_per, 0, -1):  # fewer quoted lines before a smaller size
            flags = "".join(quote.format(f) for f in c.red_flags[:count]).strip()
            last = count == 1
            body = _fit(
                fonts,
                f"{name}.red_flags",
                f"{said}{flags}",
                inner,
                (budget - used) / (u * scale),
                38,
                "Medium",
                {**sizing, "strict": sizing["strict"] and last},
                spacing=1.35,
            )
            if body is not None:
                break
        if body is None:
            return None
        if scale > 1.0 and body.font_px < 0.75 * 38 * u * scale:
            return None  # bigger headlines that squeeze what scammers say are no improvement
        heights = [typeset.block_size(fonts, t)[1] for t in (head, body, act)]
        out.append(Block(head, body, act, sum(heights) + 2 * gap + 2 * pad, pad, gap))
    return _same_body_size(fonts, out)


def _same_body_size(fonts: FontSet, blocks: list[Block]) -> list[Block]:
    """Every block's quoted lines at one size (the smallest), so no block looks like small print."""
    common = min((b.flags.font_px for b in blocks), default=0)
    out = []
    for b in blocks:
        flags = b.flags
        if flags.font_px > common:
            refit = typeset.try_fit(
                fonts,
                flags.name,
                flags.text,
                flags.box,
                max_px=common,
                min_px=common,
                spacing=flags.line_spacing,
                weight=flags.weight,
            )
            if refit is not None:
                old_h, new_h = (typeset.block_size(fonts, t)[1] for t in (flags, refit))
                b = Block(b.head, refit, b.action, b.height - old_h + new_h, b.pad, b.gap)
        out.append(b)
    return out


def _fit(
    fonts: FontSet,
    name: str,
    text: str,
    inner: tuple[int, int],
    height: float,
    px: float,
    weight: str,
    sizing: dict,
    **options: object,
) -> typeset.TextLayout | None:
    """One text of a block: `height` and `px` in poster units at scale 1; strict raises on overflow."""
    u, scale, min_body = sizing["u"], sizing["scale"], sizing["min_body"]
    box = (inner[0], 0, inner[1], max(1, round(height * u * scale)))
    fit = typeset.fit if sizing["strict"] else typeset.try_fit
    return fit(
        fonts,
        name,
        text,
        box,
        max_px=max(min_body, round(px * u * scale)),
        min_px=min_body,
        weight=weight,
        **options,  # type: ignore[arg-type]
    )


def height(blocks: list[Block] | None, u: float) -> int:
    """Total height of the blocks with the usual space between them."""
    if not blocks:
        return 0
    return sum(b.height for b in blocks) + round(30 * u) * len(blocks)


def draw(cv: Canvas, blocks: list[Block], x0: int, x1: int, y: int, between: int) -> int:
    """Draw the blocks from y down, `between` px apart; returns the y below the last."""
    pal = cv.palette
    u = cv.img.width / 1000  # close enough to the format's unit for rules and radii
    for blk in blocks:
        d = cv.draw
        d.rounded_rectangle(
            (x0, y, x1, y + blk.height),
            radius=round(18 * u),
            fill=(255, 255, 255),
            outline=pal.outline,
            width=max(3, round(3 * u)),
        )
        d.rectangle(
            (
                x0 + round(3 * u),
                y + round(18 * u),
                x0 + round(16 * u),
                y + blk.height - round(18 * u),
            ),
            fill=pal.red,
        )
        ty = y + blk.pad
        for lay, color, role in (
            (blk.head, pal.navy, "title"),
            (blk.flags, pal.ink, "body"),
            (blk.action, pal.red, "body"),
        ):
            cv.text(lay, color, origin=(lay.box[0], ty), role=role)
            ty += typeset.block_size(cv.fonts, lay)[1] + blk.gap
        y += blk.height + between
    return y
