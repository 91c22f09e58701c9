"""The words on a poster: the bank once, each warning's slogan and block, hotlines, QR wording.

The QR wording follows the advice the poster gives: a code on a public wall is scanned only
with the bank's own app (打开{bank}App扫一扫), and the poster says so, because fraudsters paste
their own codes over real ones. Nothing here invites a stranger to "scan for more".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fanzha.content.copy import WarningCopy
from fanzha.renderer.errors import PosterError
from fanzha.renderer.poster_words import join_words

if TYPE_CHECKING:
    from fanzha.renderer.poster_formats import PosterSpec

__all__ = ["PosterCopy", "labels"]

BANK_SETTING = "FANZHA_BANK_NAME"

_ZH = {
    "kicker": "{bank} · 反诈提醒",
    "title": "反诈提醒",
    "flags": "骗子常说：",
    "action": "正确做法：{action}",
    "label": "遇到可疑情况，立即拨打",
    "hotline": "报警 110 · 反诈专线 96110",
    "bank_line": "本行客服 {phone}",
    "caption": "打开{bank}App扫一扫",
    "note": "本海报二维码仅限{bank}App扫描；如被覆盖请勿扫描",
    "quote": "“{}”",
}
_EN = {
    "kicker": "{bank} · Fraud alert",
    "title": "Fraud alert",
    "flags": "Scammers say:",
    "action": "What to do: {action}",
    "label": "Something feels wrong? Call",
    "hotline": "Police 110 · Anti-fraud line 96110",
    "bank_line": "Our service line {phone}",
    "caption": "Open the {bank} app and tap Scan",
    "note": "Scan this code only with the {bank} app. If anything is stuck over it, do not scan.",
    "quote": "“{}”",
}


@dataclass(frozen=True)
class PosterCopy:
    """Everything the template sets, with word joiners already in the Chinese."""

    zh: bool
    header: dict[str, str]
    slogans: list[str]
    blocks: list[dict[str, Any]]
    footer: dict[str, Any]
    qr: str | None
    qr_facts: dict[str, Any]


def labels(spec: PosterSpec, copies: list[WarningCopy], qr: dict[str, Any] | None) -> PosterCopy:
    """The poster's copy in its locale; PosterError when the bank's name is not configured."""
    bank = spec.bank_name.strip()
    if not bank:
        raise PosterError(
            f"a poster names the bank that put it up: set {BANK_SETTING} (and "
            f"{BANK_SETTING}_EN for English posters) to the bank's name"
        )
    zh = spec.locale.lower().startswith("zh")
    t = _ZH if zh else _EN
    j = join_words
    header = {
        "kicker": j(t["kicker"].format(bank=bank)),
        "community": j(spec.community.strip() or t["title"]),
    }
    blocks = [
        {
            "title": j(c.poster_headline or c.title),
            "flags_label": t["flags"],
            "flags": [j(t["quote"].format(f)) for f in c.red_flags],
            "action": j(t["action"].format(action=c.action)),
            "if_paid": j(getattr(c, "if_paid", "") or ""),
        }
        for c in copies
    ]
    footer: dict[str, Any] = {
        "label": j(t["label"]),
        "hotline": t["hotline"],
        "bank_line": j(t["bank_line"].format(phone=spec.bank_phone)) if spec.bank_phone else "",
        "qr": None,
    }
    facts: dict[str, Any] = {}
    if qr is not None:
        facts = qr.pop("facts")
        footer["qr"] = {
            **qr,
            "caption": j(t["caption"].format(bank=bank)),
            "note": j(t["note"].format(bank=bank)),
        }
    slogans = [j(c.slogan) for c in copies if c.slogan]
    return PosterCopy(zh, header, list(dict.fromkeys(slogans)), blocks, footer, spec.qr, facts)
