"""What a risk prompt says besides the warning's own copy: its story, questions and buttons.

A risk prompt shows one warning's story (the one written for the customer's segment, by the
same rule as the feed's selection), the concrete questions to ask oneself before paying
(forewarning with questions halves victimisation in the AARP/Pratkanis trials) and one clear
action. The questions come from the warning's reviewed red flags, so a prompt says nothing
the warning's review did not approve.
"""

from __future__ import annotations

from fanzha.content.copy import WarningCopy
from fanzha.content.library import Library
from fanzha.content.select import stories_for

MAX_QUESTIONS = 3
POLICE = "110"  # the public police line every warning already tells customers to call

_ASK = {"zh-CN": "对方是不是说过：“{flag}”？", "en": 'Did they tell you: "{flag}"?'}
_CALL = {"zh-CN": "打110问问", "en": "Call 110 first"}
_CONTINUE = {"zh-CN": "我已核实，继续", "en": "I have checked, continue"}
_CANCEL = {
    "zh-CN": {
        "transfer": "不转了",
        "payee_added": "不添加了",
        "loan_drawdown": "不借了",
        "card_limit_raised": "不提额了",
        "app_login_new_device": "不是我，退出",
        "": "取消",
    },
    "en": {
        "transfer": "Don't send",
        "payee_added": "Don't add",
        "loan_drawdown": "Don't borrow",
        "card_limit_raised": "Keep my limit",
        "app_login_new_device": "Not me, log out",
        "": "Cancel",
    },
}


def risk_story(library: Library, warning_id: str, segment: str, locale: str) -> str:
    """The variant a risk prompt shows this segment: the first story written for it."""
    doc = library.get(warning_id, locale)
    variants = doc.model.variants
    fitting, _own = stories_for([v.id for v in variants], [v.segments for v in variants], segment)
    return fitting[0]


def risk_questions(copy: WarningCopy) -> list[str]:
    """Questions to ask oneself before paying: the warning's first red flags, as questions."""
    ask = _ASK.get(copy.locale, _ASK["en"])
    return [ask.format(flag=flag.strip('“”"')) for flag in copy.red_flags[:MAX_QUESTIONS]]


def risk_labels(locale: str) -> dict[str, list[dict[str, str]]]:
    """The buttons of a prompt in ``locale``, per kind of moment ("" for any other kind)."""
    lang = locale if locale in _CANCEL else "en"
    out = {}
    for kind, cancel in _CANCEL[lang].items():
        out[kind] = [
            {"id": "cancel", "label": cancel},
            {"id": "call", "label": _CALL[lang], "phone": POLICE},
            {"id": "continue", "label": _CONTINUE[lang]},
        ]
    return out


__all__ = ["MAX_QUESTIONS", "risk_labels", "risk_questions", "risk_story"]
