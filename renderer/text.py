"""Chinese typesetting: 避头尾 line breaking, unbreakable runs, shrink-to-fit, fallback drawing."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from fanzha.renderer import words
from fanzha.renderer.errors import TextOverflowError
from fanzha.renderer.fonts import FontSet
from PIL import ImageDraw

# W3C clreq / scams.md: characters that may not start a line, and that may not end one.
NO_START = frozenset("，。、；：？！）」』》〉】〕〗”’…·%,.;:?!)]}>")
NO_END = frozenset("（「『《〈【〔〖“‘([{<")
# a line may break naturally after these (and at spaces): preferred over breaking inside a phrase
SOFT_BREAK_AFTER = frozenset("，、。！？；：,.!?;:")
_CLOSERS = "）」』》〉】〕〗”’)]}>"
# Unbreakable atoms: paired ellipsis/dash, Latin words and numbers (with inner ./-:'%), spaces.
_ATOM = re.compile(r"……|——|[A-Za-z0-9]+(?:[.'\-/:,][A-Za-z0-9]+)*%?|\s+|.", re.S)


def atoms(text: str) -> list[str]:
    """Split text into the smallest pieces a line break may ever fall between."""
    return _ATOM.findall(text)


def _glue(pieces: list[str]) -> list[str]:
    """避头尾 over pieces: closing marks join the piece before, opening marks the one after."""
    out: list[str] = []
    carry = ""  # opening punctuation waiting for the unit it opens
    for atom in pieces:
        if atom.isspace():
            if not carry and out and out[-1] != " ":
                out.append(" ")
        elif atom[0] in NO_END:
            carry += atom
        elif atom[0] in NO_START and not carry:
            spaced = bool(out) and out[-1] == " "
            while out and out[-1] == " ":
                out.pop()  # a closing mark hugs the word before it
            if out:
                # a spaced separator dot ("110 · 96110") keeps its space, and stays on the line
                out[-1] += (" " + atom) if spaced and atom == "·" else atom
            else:
                out.append(atom)
        else:
            out.append(carry + atom)
            carry = ""
    if carry:
        out.append(carry)
    return out


def _wordish(atom: str) -> bool:
    return not atom.isspace() and atom[0] not in NO_START and atom[0] not in NO_END


def word_units(text: str) -> list[str]:
    """Atoms joined into words: a break may fall only where the segmenter or a space allows."""
    cuts = words.boundaries(text)
    out: list[str] = []
    prev = ""
    for m in _ATOM.finditer(text):
        atom = m.group()
        if out and m.start() not in cuts and _wordish(atom) and _wordish(prev):
            out[-1] += atom
        else:
            out.append(atom)
        prev = atom
    return out


def groups(text: str) -> list[str]:
    """Words glued by 避头尾: the units a line break falls between."""
    return _glue(word_units(text))


def char_groups(text: str) -> list[str]:
    """Characters glued by 避头尾 only: how a word wider than the line is split."""
    return _glue(atoms(text))


def _break_offsets(text: str, lines: tuple[str, ...] | list[str]) -> list[int]:
    """Where in text each line but the last ends (the offset after its last character)."""
    offsets, at = [], 0
    for line in lines[:-1]:
        for char in line:
            while at < len(text) and text[at] != char:
                at += 1  # spaces and newlines dropped at a break
            at += 1
        offsets.append(at)
    return offsets


def split_words(text: str, lines: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The words a layout breaks inside, with the punctuation 避头尾 glues to them.

    A layout from wrap breaks a word only when it, with that punctuation, is wider than the line.
    """
    bounds = []
    for at, paragraph in _paragraphs(text):
        for unit in groups(paragraph):
            at = text.find(unit[0], at) if unit != " " else at
            bounds.append((at, at + len(unit), unit))
            at += len(unit)
    broken = {
        (start, unit)
        for offset in _break_offsets(text, lines)
        for start, end, unit in bounds
        if start < offset < end
    }
    return tuple(unit for _, unit in sorted(broken))


def _paragraphs(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for paragraph in text.split("\n"):
        out.append((at, paragraph))
        at += len(paragraph) + 1
    return out


@dataclass(frozen=True)
class TextLayout:
    """Text laid out in a box: the lines, size, line height and the box they occupy."""

    name: str
    text: str
    lines: tuple[str, ...]
    font_px: int
    line_height: int
    weight: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the text block

    @property
    def line_spacing(self) -> float:
        """Line height as a multiple of the font size."""
        return self.line_height / self.font_px

    @property
    def splits(self) -> tuple[str, ...]:
        """Words this layout breaks inside (each wider than its line)."""
        return split_words(self.text, self.lines)

    def width(self, fonts: FontSet) -> int:
        """Width of the widest line."""
        return max((measure(fonts, ln, self.font_px, self.weight) for ln in self.lines), default=0)


def measure(fonts: FontSet, text: str, size: int, weight: str = "Regular") -> int:
    """Advance width of text in pixels, using the fallback face where the main one lacks a glyph."""
    return _measure(fonts, text, int(size), weight)


@functools.lru_cache(maxsize=65536)
def _measure(fonts: FontSet, text: str, size: int, weight: str) -> int:
    total = 0.0
    for run, main in fonts.runs(text):
        face = fonts.face(size, weight) if main else fonts.fallback_face(size, weight)
        total += (face or fonts.face(size, weight)).getlength(run)
    return round(total)


def phrases(text: str) -> list[str]:
    """Groups joined into phrases that end at a space or after 、，。！？；： (natural breaks)."""
    out: list[str] = []
    current = ""
    for unit in groups(text):
        if unit == " ":
            if current:
                out.append(current)
                current = ""
            out.append(" ")
            continue
        current += unit
        if unit.rstrip(_CLOSERS)[-1:] in SOFT_BREAK_AFTER:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def wrap(
    fonts: FontSet,
    text: str,
    size: int,
    max_width: int,
    weight: str = "Regular",
    by_phrase: bool = False,
) -> list[str] | None:
    """Greedy line breaking between words (避头尾 on top) by real advances.

    A word wider than max_width is split between characters (split_words names it); None only
    when a Latin word, a number or one character is wider than the line. With by_phrase, whole phrases move to the next line and only a phrase wider than the
    line is broken inside.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        queue = phrases(paragraph) if by_phrase else groups(paragraph)
        queue.reverse()  # pop() from the end is O(1)
        while queue:
            unit = queue.pop()
            if unit == " ":
                current = current + " " if current else current
                continue
            candidate = current + unit
            if measure(fonts, candidate.rstrip(), size, weight) <= max_width:
                current = candidate
                continue
            if measure(fonts, unit, size, weight) > max_width:
                parts = groups(unit)
                if len(parts) == 1:  # a word wider than the line: split it (split_words names it)
                    parts = char_groups(unit)
                if len(parts) > 1:  # a phrase longer than a line: break inside it after all
                    queue.extend(reversed(parts))
                    continue
                return None
            lines.append(current.rstrip())
            current = unit
        lines.append(current.rstrip())
    return lines


@dataclass(frozen=True)
class Broken:
    """Text broken into lines, and the words it had to split (each wider than the line)."""

    lines: tuple[str, ...]
    splits: tuple[str, ...]


def break_lines(
    fonts: FontSet, text: str, size: int, max_width: int, weight: str = "Regular"
) -> Broken | None:
    """Word-aware Chinese line breaking for any layout (cards, strips, posters).

    Breaks fall between words (rjieba plus the domain dictionary), never inside
    one unless the word is wider than the line; 避头尾 holds; the lines are as few as
    greedy breaking needs, at phrase ends where that costs no line, and evenly wide.
    None when a Latin word or number alone is wider than max_width.
    """
    lines = balanced(fonts, text, size, max_width, weight)
    return None if lines is None else Broken(tuple(lines), split_words(text, lines))


def balanced(
    fonts: FontSet, text: str, size: int, max_width: int, weight: str = "Regular"
) -> list[str] | None:
    """As few lines as greedy wrapping needs, broken at phrases where that costs no extra
    line, with the widest line as short as possible."""
    found = _balanced(fonts, text, int(size), int(max_width), weight)
    return None if found is None else list(found)


@functools.lru_cache(maxsize=16384)
def _balanced(
    fonts: FontSet, text: str, size: int, max_width: int, weight: str
) -> tuple[str, ...] | None:
    lines = wrap(fonts, text, size, max_width, weight)
    if lines is None or len(lines) < 2:
        return None if lines is None else tuple(lines)
    by_phrase = wrap(fonts, text, size, max_width, weight, by_phrase=True)
    phrased = by_phrase is not None and len(by_phrase) <= len(lines)
    if by_phrase is not None and phrased:
        lines = by_phrase
    inside = _breaks_inside_phrases(text, lines)
    split = len(split_words(text, lines))
    lo, hi, best = size, max_width, lines
    while lo <= hi:
        mid = (lo + hi) // 2
        trial = wrap(fonts, text, size, mid, weight, by_phrase=phrased)
        # narrower is better only if it breaks no more phrases than the widest wrap did
        if (
            trial is not None
            and len(trial) <= len(lines)
            and (not phrased or _breaks_inside_phrases(text, trial) <= inside)
            and len(split_words(text, trial)) <= split
        ):
            best, hi = trial, mid - 1
        else:
            lo = mid + 1
    return tuple(best)


def _breaks_inside_phrases(text: str, lines: list[str]) -> int:
    """How many line breaks fall inside a phrase rather than at its end."""
    ends, count = set(), 0
    for phrase in phrases(text.replace("\n", " ")):
        count += len(phrase.replace(" ", ""))
        ends.add(count)
    inside, count = 0, 0
    for line in lines[:-1]:
        count += len(line.replace(" ", ""))
        inside += count not in ends
    return inside


def line_height_for(size: int, spacing: float) -> int:
    """Pixel line height for a size and spacing factor, never below the factor."""
    return -(-int(size * spacing * 100) // 100)


def fit(
    fonts: FontSet, name: str, text: str, box: tuple[int, int, int, int], **options: object
) -> TextLayout:
    """Largest size in [min_px, max_px] at which text fits the box; TextOverflowError otherwise.

    Takes try_fit's keyword options (max_px, min_px, spacing, weight, max_lines, balance).
    """
    found = try_fit(fonts, name, text, box, **options)  # type: ignore[arg-type]
    if found is None:
        x0, y0, x1, y1 = box
        raise TextOverflowError(
            f"text box {name!r} ({x1 - x0}x{y1 - y0} px) cannot hold {text!r} "
            f"even at the minimum size {options.get('min_px')} px"
        )
    return found


def try_fit(
    fonts: FontSet,
    name: str,
    text: str,
    box: tuple[int, int, int, int],
    *,
    max_px: int,
    min_px: int,
    spacing: float = 1.3,
    weight: str = "Regular",
    max_lines: int | None = None,
    balance: bool = False,
) -> TextLayout | None:
    """Like fit, but None instead of an error (binary search over integer sizes)."""
    x0, y0, x1, y1 = box

    def attempt(size: int, whole_phrases: bool, whole_words: bool) -> TextLayout | None:
        lines = (balanced if balance else wrap)(fonts, text, size, x1 - x0, weight)
        if lines is None or (max_lines is not None and len(lines) > max_lines):
            return None
        if whole_phrases and _breaks_inside_phrases(text, lines):
            return None
        if whole_words and split_words(text, lines):
            return None
        lh = line_height_for(size, spacing)
        # the last line needs only its glyph height, plus a descent allowance
        if lh * (len(lines) - 1) + int(size * 1.15) > y1 - y0:
            return None
        return TextLayout(name, text, tuple(lines), size, lh, weight, box)

    # the largest size that breaks no phrase (balanced text), then no word, then any size
    passes = (
        ((True, True), (False, True), (False, False))
        if balance
        else ((False, True), (False, False))
    )
    for whole_phrases, whole_words in passes:
        lo, hi, best = int(min_px), int(max_px), None
        while lo <= hi:
            mid = (lo + hi) // 2
            layout = attempt(mid, whole_phrases, whole_words)
            if layout is None:
                hi = mid - 1
            else:
                best, lo = layout, mid + 1
        if best is not None:
            return best
    return None


def block_size(fonts: FontSet, layout: TextLayout) -> tuple[int, int]:
    """Width and height of a laid-out block (tight)."""
    h = layout.line_height * (len(layout.lines) - 1) + int(layout.font_px * 1.15)
    return layout.width(fonts), h


def draw(
    draw_ctx: ImageDraw.ImageDraw,
    fonts: FontSet,
    layout: TextLayout,
    fill: tuple[int, int, int],
    align: str = "left",
    origin: tuple[int, int] | None = None,
) -> None:
    """Draw a layout line by line, switching to the fallback face for uncovered characters."""
    x0, y0, x1, _ = layout.box
    if origin is not None:
        x0, y0 = origin
    width = x1 - x0 if origin is None else layout.width(fonts)
    ascent = int(layout.font_px * 0.88)  # CJK ideographs sit ~0.88 em above the baseline
    for i, line in enumerate(layout.lines):
        line_w = measure(fonts, line, layout.font_px, layout.weight)
        x: float = x0 + {"left": 0, "center": (width - line_w) // 2, "right": width - line_w}[align]
        y = y0 + i * layout.line_height + ascent
        for run, main in fonts.runs(line):
            face = fonts.face(layout.font_px, layout.weight)
            if not main:
                face = fonts.fallback_face(layout.font_px, layout.weight) or face
            draw_ctx.text((x, y), run, font=face, fill=fill, anchor="ls")
            x += face.getlength(run)
