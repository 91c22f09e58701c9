"""The cooling-off reminder: two days before the loan's free-repayment window closes.

The copy states only the bank's configured terms (its name, what is waived), like the
``loan-cooling-off`` notice it follows; it names no phone number and no link.
"""

from __future__ import annotations

from fanzha.content.config import ContentConfig

DAYS_LEFT = 2

_TITLE = {"zh-CN": "冷静期还剩{left}天", "en": "{left} days left in your cooling-off period"}
_BODY = {
    "zh-CN": (
        "您好，您的贷款冷静期还剩{left}天：如果用不上这笔钱，请在{bank}App里自己提前还款，"
        "免收{waived}。让您把钱转到“验证账户”的，都是骗子。"
    ),
    "en": (
        "Hello, your loan's cooling-off period ends in {left} days: if you do not need the money, "
        "repay it yourself in the {bank} app, free of {waived}. Anyone asking you to move it to "
        'a "verification account" is a scammer.'
    ),
}


def cooling_off_reminder(config: ContentConfig, locale: str) -> tuple[str, str]:
    """The reminder's push title and body in ``locale`` (English for any other locale)."""
    lang = locale if locale in _TITLE else "en"
    bank = config.text("bank_name", lang) or ("银行" if lang == "zh-CN" else "bank's")
    waived = config.text("cooling_off_waived", lang)
    title = _TITLE[lang].format(left=DAYS_LEFT)
    return title, _BODY[lang].format(left=DAYS_LEFT, bank=bank, waived=waived)


__all__ = ["DAYS_LEFT", "cooling_off_reminder"]
