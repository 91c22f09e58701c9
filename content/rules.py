"""Copy rules: speak to the reader as 您, lead with the action, name an official channel,
say what to do once money has gone, and never repeat what the renderer already draws.

* zh-CN copy addresses the reader as 您 everywhere but in dialogue: balloons, the quoted
  scam lines of red flags, phone screens, and 「quotations」 inside other copy.
* A push body carries the action in its first 40 wide (about 40 Chinese characters or
  80 Latin letters, with the longest salutation): notifications cut off there.
* Every warning names an official channel (110, 96110, the 国家反诈中心 app, or the bank's
  own line) and has `if_paid`, which names 110.
* The footer "报警 110 · 反诈专线 96110" is drawn by the renderer on every card and poster,
  so no copy repeats it, and a story's last caption does not repeat the slogan, the
  action or if_paid, word for word or nearly (stamp, caption and footer each say
  something different).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from fanzha.content.checks import Issue, TextField, text_fields
from fanzha.content.config import ContentConfig, sample_context
from fanzha.content.errors import TemplateError
from fanzha.content.limits import PUSH_ACTION_WIDTH, char_width
from fanzha.content.model import WarningModel
from fanzha.content.safety import quoted
from fanzha.content.source import Loc
from fanzha.content.templating import mask_templates, render_template

__all__ = ["ACTION_WORDS", "CHANNELS", "check_rules"]

# Words that make a sentence an instruction: one must appear early in every push body.
ACTION_WORDS: dict[str, tuple[str, ...]] = {
    "zh": (
        "挂断",
        "拨打",
        "打110",
        "别",
        "不要",
        "勿",
        "不转",
        "不交",
        "不垫",
        "不借",
        "不租",
        "不卖",
        "不点",
        "不填",
        "不扫",
        "不投",
        "不签",
        "不进",
        "不共享",
        "不告诉",
        "先",
        "只在",
        "只用",
        "只走",
        "只认",
        "立即",
        "马上",
        "停止",
        "停手",
        "拒绝",
        "回绝",
        "核实",
        "查",
        "问",
        "商量",
        "一律",
        "报警",
        "自己",
    ),
    "en": (
        "hang up",
        "call ",
        "don't",
        "do not",
        "never",
        "stop",
        "only ",
        "check",
        "ask ",
        "refuse",
        "pay nothing",
        "view ",
        "see the",
        "say no",
        "talk to",
        "verify",
        "repay",
        "keep ",
        "walk away",
        "report",
    ),
}
# Official channels a warning may name (the bank's own line is its template field).
CHANNELS: dict[str, tuple[str, ...]] = {
    "zh": ("110", "96110", "国家反诈中心", "customer.bank_phone"),
    "en": ("110", "96110", "National Anti-Fraud Center", "customer.bank_phone"),
}
_FOOTER = re.compile(
    r"(?i)报警\s*110[^，。；！？]{0,8}96110|110\s*[·・/|]\s*(?:反诈专线\s*)?96110"
    r"|police\W{0,3}110[^.;!?]{0,24}96110"
)
REPEAT_RATIO = 0.7  # a last caption this close to the slogan, action or if_paid repeats it
_IF_PAID_EXAMPLE = "已转账：立即打110并联系银行，越快越可能止付"


def _lang(locale: str) -> str:
    return "zh" if locale.startswith("zh") else "en"


def _head(text: str, width: float) -> str:
    """The start of `text` that fits within `width` (display width)."""
    used, out = 0.0, []
    for char in text:
        used += char_width(char)
        if used > width:
            break
        out.append(char)
    return "".join(out)


def _check_address(fields: list[TextField]) -> Iterator[Issue]:
    """zh-CN: 您 outside dialogue; 你 only in balloons, red flags, screens and quotations."""
    for field in fields:
        if field.dialogue:
            continue
        masked = mask_templates(field.text)
        for match in re.finditer("你", masked):
            if not quoted(masked, match.start()):
                yield Issue(
                    field.loc,
                    "address the reader as 您 outside quoted dialogue (found 你)",
                    "你",
                )
                break


def _push_bodies(model: WarningModel) -> Iterator[tuple[Loc, str]]:
    """Every push body of the warning (top level and variant overrides)."""
    yield ("push", "body"), model.push.body
    for v, variant in enumerate(model.variants):
        if variant.push is not None:
            yield ("variants", v, "push", "body"), variant.push.body


def _check_push_action(model: WarningModel, config: ContentConfig) -> Iterator[Issue]:
    """The action appears within the first 40 wide of every rendered push body."""
    context = sample_context(config, model.locale)
    words = ACTION_WORDS[_lang(model.locale)]
    for loc, body in _push_bodies(model):
        try:
            text = render_template(body, context)
        except TemplateError:
            continue  # check_copy reports the template
        head = _head(text, PUSH_ACTION_WIDTH).casefold()
        if not any(word in head for word in words):
            yield Issue(
                loc,
                f"the push body must carry the action in its first {PUSH_ACTION_WIDTH} wide "
                f"(a notification cuts off there): {_head(text, PUSH_ACTION_WIDTH)!r}",
            )


def _check_channels(model: WarningModel, fields: list[TextField]) -> Iterator[Issue]:
    """An official channel somewhere, and if_paid (naming 110) on the warning."""
    channels = CHANNELS[_lang(model.locale)]
    said = " ".join(f.text for f in fields if not f.dialogue)
    if not any(channel.casefold() in said.casefold() for channel in channels):
        yield Issue(
            ("poster", "body"),
            "name at least one official channel: " + ", ".join(channels[:3]) + " or "
            "{{ customer.bank_phone }}",
        )
    if not (model.if_paid or "").strip():
        yield Issue(
            ("if_paid",),
            f"missing if_paid: say what to do once money has gone (e.g. {_IF_PAID_EXAMPLE})",
            at_key=True,
        )
    paid: list[tuple[tuple[str | int, ...], str]] = [(("if_paid",), model.if_paid or "")]
    paid += [(("variants", v, "if_paid"), x.if_paid or "") for v, x in enumerate(model.variants)]
    for loc, text in paid:
        if text.strip() and "110" not in text:
            yield Issue(
                loc, "if_paid must name 110: the police can stop a payment only if called at once"
            )


def _check_repetition(model: WarningModel, fields: list[TextField]) -> Iterator[Issue]:
    """No copy repeats the drawn footer; the last caption says something new."""
    for field in fields:
        match = _FOOTER.search(field.text)
        if match and not field.dialogue:
            yield Issue(
                field.loc,
                "the renderer draws the footer (报警 110 · 反诈专线 96110) on every card and "
                "poster; don't repeat it in copy",
                match.group(),
            )
    for v, variant in enumerate(model.variants):
        said = {
            "slogan": variant.slogan or model.slogan,
            "action": variant.action or model.action,
            "if_paid": variant.if_paid or model.if_paid or "",
        }
        for part in ("comic", "elder_cut"):
            panels = getattr(variant, part) or []
            if not panels:
                continue
            caption = panels[-1].caption.strip()
            for name, text in said.items():
                if caption and _alike(caption, text.strip()):
                    yield Issue(
                        ("variants", v, part, len(panels) - 1, "caption"),
                        f"the last caption repeats the {name}; the stamp, the caption and the "
                        "footer should each say something different",
                    )


def _alike(one: str, two: str) -> bool:
    """The same line, or nearly (70% of it in common): a repeat to the reader."""
    return one == two or difflib.SequenceMatcher(None, one, two).ratio() >= REPEAT_RATIO


def check_rules(model: WarningModel, config: ContentConfig) -> Iterator[Issue]:
    """Every copy rule of the module docstring."""
    fields = list(text_fields(model))
    if _lang(model.locale) == "zh":
        yield from _check_address(fields)
    yield from _check_push_action(model, config)
    yield from _check_channels(model, fields)
    yield from _check_repetition(model, fields)
