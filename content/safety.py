"""Copy safety rules: an anti-fraud message must never contain what it warns against.

The rule, in full:

* Never anywhere (not even quoted, not even in a scammer's mouth): links, web or
  domain-like addresses, chat ids (``微信号：abc123``, ``wx: …``, ``QQ: …``) and phone
  numbers (any run of 5+ digits, spaces or dashes between them allowed) other than
  110, 96110, 12381 and the bank's configured service number. Amounts (``50000元``)
  are not phone numbers.
* Lures (calls to action such as 点击链接 / 扫码领取 / "click", and contact requests such
  as 加微信 / QQ号 / "add me on WeChat") may appear only where the copy is plainly the
  scammer speaking: a red flag, a comic line spoken by ``scammer_phone`` or
  ``fake_officer``, or a quotation in 「」『』“”"" anywhere else. Outside those they
  are allowed only negated (不要点击陌生链接, "never click"), because telling people
  what not to do is the point of a warning.
* The loan cooling-off notice states the bank's own terms from configuration: it
  never cites a regulation and never hard-codes the number of days.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

SCAMMER_ROLES = frozenset({"scammer_phone", "fake_officer"})

_TLDS = (
    "com|cn|net|org|top|xyz|cc|vip|app|io|info|biz|me|shop|site|online|link|club|co|tv|ly"
    "|gov|edu|hk|tk|ml|icu|live|pro|wang|ren|ink"
)
_LINK = re.compile(r"(?i)(?:https?://|www\.)[^\s，。；、“”「」]*")
_DOMAIN = re.compile(rf"(?i)(?:[a-z0-9-]+\.)+(?:{_TLDS})(?![a-z0-9])|\.(?:{_TLDS})(?![a-z0-9])")
_DIGITS = re.compile(r"\+?\d(?:[ \-]?\d){4,}")
_AMOUNT_AFTER = re.compile(r"^\s*(?:元|块|万|亿|千|百|%|％|yuan|rmb|cny)", re.IGNORECASE)
_AMOUNT_BEFORE = re.compile(r"(?:[¥$€£]|rmb|cny)\s*$", re.IGNORECASE)
_CHAT_ID = re.compile(
    r"(?i)(?:qq|微信|wechat|weixin|wx|vx)\s*(?:号|群|id)?\s*[:：]\s*[a-z0-9_\-]{3,}"
)
_CONTACT = re.compile(
    r"(?i)加(?:我)?(?:的)?(?:微信|vx|v信|qq)|微信号|qq号|qq群"
    r"|add (?:me|us) on (?:wechat|qq)|wechat id"
)
_CTA = re.compile(
    r"(?i)点击链接|点击|点开链接|点链接|扫码领取|扫码领|\bclick\b|tap the link|open the link|scan to claim"
)
_NEGATION_ZH = re.compile(r"[不别勿莫没]")
_NEGATION_EN = re.compile(r"(?i)\b(?:never|don't|don’t|do not|not|no)\b")
_QUOTES = (("「", "」"), ("『", "』"), ("“", "”"), ('"', '"'), ("‘", "’"))

_REGULATION = re.compile(
    r"(?i)国家规定|监管要求|监管规定|法律规定|法规规定|政策规定|国家要求|法定|依法|按规定|"
    r"银保监|金融监管总局|人民银行规定|\bregulations?\b|\bregulators?\b|\bregulatory\b|"
    r"required by law|by law|legally required|\bstatutory\b|\bmandated\b|\bthe law\b"
)
_HARD_TERM = re.compile(
    r"(?i)(?:\d+|[一二三四五六七八九十两]+)\s*(?:个)?(?:工作)?(?:天|日)(?!常)|\d+\s*(?:working\s+)?days?\b"
)


@dataclass(frozen=True)
class Finding:
    """One unsafe piece of text: what it is and why it is refused."""

    needle: str
    message: str


def _overlaps(found: list[Finding], start: int, end: int, text: str) -> bool:
    """Whether text[start:end] is part of a finding already made."""
    return any(text[start:end] in f.needle or f.needle in text[start:end] for f in found)


def _normalize(text: str) -> str:
    """Full-width digits and letters as ASCII, one character for one (positions kept)."""
    return "".join(map(_folded, text))


@functools.cache  # copy uses a few thousand distinct characters, checked many times each
def _folded(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def quoted(text: str, index: int) -> bool:
    """Whether position `index` lies inside a quotation."""
    for opening, closing in _QUOTES:
        start = 0
        while (left := text.find(opening, start)) >= 0:
            right = text.find(closing, left + 1)
            if right < 0:
                break
            if left < index < right:
                return True
            start = right + 1
    return False


def _negated(text: str, index: int) -> bool:
    """Whether the phrase at `index` follows a negation (不要点击, never click)."""
    return bool(
        _NEGATION_ZH.search(text[max(0, index - 4) : index])
        or _NEGATION_EN.search(text[max(0, index - 12) : index])
    )


def _phone_findings(text: str, allowed: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, message) of digit runs that look like phone numbers, not allowlisted."""
    found = []
    for match in _DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits in allowed:
            continue
        if _AMOUNT_AFTER.match(text[match.end() :]) or _AMOUNT_BEFORE.search(text[: match.start()]):
            continue
        numbers = ", ".join(sorted(allowed, key=lambda n: (len(n), n)))
        message = f"phone number {match.group()!r} is not allowed; only {numbers}"
        found.append((match.start(), match.end(), message))
    return found


def check_text(
    text: str, *, allowed_numbers: frozenset[str], speaks_as_scammer: bool
) -> list[Finding]:
    """Every safety problem in one piece of copy (templates already masked out)."""
    norm = _normalize(text)
    found: list[Finding] = []
    for match in _LINK.finditer(norm):
        found.append(
            Finding(
                text[match.start() : match.end()],
                f"link {text[match.start() : match.end()]!r} is not allowed",
            )
        )
    for match in _DOMAIN.finditer(norm):
        if not _overlaps(found, match.start(), match.end(), text):
            found.append(
                Finding(
                    text[match.start() : match.end()],
                    f"domain-like text {text[match.start() : match.end()]!r} is not allowed",
                )
            )
    for match in _CHAT_ID.finditer(norm):
        found.append(
            Finding(
                text[match.start() : match.end()],
                f"chat id {text[match.start() : match.end()]!r} is not allowed",
            )
        )
    found += [Finding(text[a:b], msg) for a, b, msg in _phone_findings(norm, allowed_numbers)]
    if not speaks_as_scammer:
        for pattern, what in ((_CTA, "call to action"), (_CONTACT, "contact request")):
            for match in pattern.finditer(norm):
                if quoted(norm, match.start()) or _negated(norm, match.start()):
                    continue
                if _overlaps(found, match.start(), match.end(), text):
                    continue
                found.append(
                    Finding(
                        text[match.start() : match.end()],
                        f"{what} {text[match.start() : match.end()]!r} is allowed only in a red flag, a scammer's "
                        "line, a 「quotation」 or negated (不要…)",
                    )
                )
    return found


def check_cooling_off(text: str) -> list[Finding]:
    """Cooling-off copy states the bank's terms: no regulation, no hard-coded days."""
    found = [
        Finding(
            m.group(),
            f"cooling-off copy must not cite a regulation ({m.group()!r}); "
            "it is the bank's own term",
        )
        for m in _REGULATION.finditer(text)
    ]
    found += [
        Finding(
            m.group(),
            f"cooling-off term {m.group()!r} is hard-coded; use {{{{ customer.cooling_off_days }}}}",
        )
        for m in _HARD_TERM.finditer(_normalize(text))
    ]
    return found
