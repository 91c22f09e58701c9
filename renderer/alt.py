"""Alt text: a one-line description, then the dialogue in reading order."""

from __future__ import annotations

from fanzha.content.copy import WarningCopy

_LABELS = {
    "zh": {
        "elderly": "老人",
        "young_worker": "年轻职工",
        "shop_owner": "店主",
        "scammer_phone": "骗子",
        "fake_officer": "假警察",
        "bank_staff": "银行工作人员",
        "family": "家人",
        "caption": "旁白",
        "screen": "手机屏幕",
        "child": "孩子",
        "police": "民警",
    },
    "en": {
        "elderly": "Older person",
        "young_worker": "Young worker",
        "shop_owner": "Shop owner",
        "scammer_phone": "Scammer",
        "fake_officer": "Fake officer",
        "bank_staff": "Bank staff",
        "family": "Family member",
        "caption": "Narrator",
        "screen": "Phone screen",
        "child": "Child",
        "police": "Police officer",
    },
}


def _zh(locale: str) -> bool:
    return locale.lower().startswith("zh")


def card_alt(copy: WarningCopy, elder_cut: bool = False) -> str:
    """Alt text of a comic: a one-line description, then every panel's words in reading order."""
    labels = _LABELS["zh" if _zh(copy.locale) else "en"]
    panels = copy.elder_panels if elder_cut and copy.elder_panels else copy.panels
    total = len(panels)
    if _zh(copy.locale):
        head = (
            f"反诈漫画（{total}格）《{copy.title}》，提醒{copy.scam}；"
            f"标语“{copy.slogan}”；做法：{copy.action}；反诈专线96110，报警110。"
        )
    else:
        head = (
            f"Anti-fraud comic ({total} panels), “{copy.title}”, about {copy.scam}; "
            f"slogan “{copy.slogan}”; what to do: {copy.action}; anti-fraud line 96110, police 110."
        )
    sep = "：" if _zh(copy.locale) else ": "
    lines = [head]
    for panel in panels:
        if panel.caption:
            lines.append(f"{labels['caption']}{sep}{panel.caption}")
        if panel.screen is not None:
            shown = "，".join([panel.screen.title, *panel.screen.lines])
            lines.append(f"{labels['screen']}{sep}{shown}")
        lines.extend(f"{labels.get(ln.speaker, ln.speaker)}{sep}{ln.text}" for ln in panel.lines)
    if copy.if_paid:
        lines.append(copy.if_paid)
    return "\n".join(lines)


def poster_alt(community: str, copies: list[WarningCopy], qr: str) -> str:
    """Alt text of a poster: where it hangs, the slogan, then each warning's headline."""
    if not copies or _zh(copies[0].locale):
        head = (
            f"{community}反诈海报：“{copies[0].slogan if copies else ''}”；反诈专线96110，报警110"
        )
        head += f"；二维码：{qr}。" if qr else "。"
        return "\n".join([head, *(f"{c.poster_headline or c.title}：{c.action}" for c in copies)])
    head = f"Anti-fraud poster for {community}: “{copies[0].slogan}”; 96110, police 110"
    head += f"; QR code: {qr}." if qr else "."
    return "\n".join([head, *(f"{c.poster_headline or c.title}: {c.action}" for c in copies)])
