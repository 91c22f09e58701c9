"""Story checks: the reader a story is for, who is drawn, and what the phone shows.

* `segments` name known segments (or `all`, alone) that the warning's audiences cover;
  the `protagonist` is a role that fits every one of them (ContentConfig.protagonists:
  elderly ↔ elderly, shop_owner ↔ founders, young_worker ↔ young_workers) and is on stage
  in the first and last panel of the comic and of the elder cut.
* Looks fit their role; a named gender has a look; one role keeps one look in a story.
* A phone `screen` has the lines its kind allows (content.limits.SCREEN_LINES), and the
  protagonist, who holds the phone, is in its panel.
* Names and pronouns fit the look drawn: a caption's 他/她 (he/she) or titled name
  (赵阿姨, 陈先生, Mrs Zhao) and a balloon's opening address (妈，/ 大爷，/ Mum,) name
  someone drawn with that gender in the panel.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from fanzha.content.cast import drawn_gender, look_of, story_looks
from fanzha.content.checks import Issue
from fanzha.content.config import ContentConfig
from fanzha.content.copy import LOOK_GENDER, LOOKS, ROLES
from fanzha.content.limits import SCREEN_LINES
from fanzha.content.model import PanelModel, VariantModel, WarningModel
from fanzha.content.source import Loc

__all__ = ["check_story", "gender_words"]

ALL = "all"
# Common surnames: a surname followed by a gendered title is a name (赵阿姨, 陈先生).
_SURNAMES = (
    "赵钱孙李周吴郑王冯陈卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜谢邹喻苏潘葛范彭鲁韦马"
    "方俞任袁柳鲍史唐费薛雷贺倪汤罗毕郝安常乐于傅齐康伍余顾孟黄穆萧尹姚邵汪毛狄宋庞熊"
    "纪舒屈董梁杜阮蓝季贾江童颜郭梅盛林钟徐邱骆高夏蔡田胡凌霍万柯卢莫房丁邓洪包石崔龚"
    "程邢裴陆荣翁段侯刘叶黎白廖曾"
)
_F_TITLES = "阿姨|奶奶|大妈|婆婆|女士|大姐|姐|嫂"
_M_TITLES = "大爷|爷爷|叔叔|叔|大伯|伯|先生|大哥|哥"
_ZH_REFERENCES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<!其)她(?![们])"), "f"),
    (re.compile(r"(?<!其)他(?![们人])"), "m"),
    (re.compile(rf"[{_SURNAMES}](?:{_F_TITLES})"), "f"),
    (re.compile(rf"[{_SURNAMES}](?:{_M_TITLES})"), "m"),
    (re.compile(r"老板娘"), "f"),
)
_EN_REFERENCES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)(?<!mr )(?<!ms )(?<!mrs )(?<!miss )\b(?:she|her|hers|herself)\b"), "f"),
    (re.compile(r"(?i)\b(?:mrs|ms|miss|grandma|granny|auntie)\b"), "f"),
    # "Ms He", "Mr Xu": a surname after a title is a name, not a pronoun
    (re.compile(r"(?i)(?<!mr )(?<!ms )(?<!mrs )(?<!miss )\b(?:he|him|his|himself)\b"), "m"),
    (re.compile(r"(?i)\b(?:mr|grandpa|uncle)\b"), "m"),
)
_ZH_VOCATIVE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:阿姨|奶奶|妈妈|妈|姐|大妈|婆婆|闺女|姑娘|老板娘)[，,！!]"), "f"),
    (re.compile(r"^(?:叔叔|叔|大爷|爷爷|爸爸|爸|哥|小伙子)[，,！!]"), "m"),
)
_EN_VOCATIVE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:Mum|Mom|Grandma|Gran|Auntie|Madam)\b[,!]"), "f"),
    (re.compile(r"^(?:Dad|Grandpa|Uncle|Sir)\b[,!]"), "m"),
)


def gender_words(text: str, locale: str, *, vocative: bool = False) -> list[tuple[str, str]]:
    """(word, f|m) for each gendered reference in a caption (or a balloon's opening address)."""
    zh = locale.startswith("zh")
    if vocative:
        table = _ZH_VOCATIVE if zh else _EN_VOCATIVE
    else:
        table = _ZH_REFERENCES if zh else _EN_REFERENCES
    found = []
    for pattern, gender in table:
        found += [(m.group(), gender) for m in pattern.finditer(text)]
    return found


def _check_segments(
    model: WarningModel, variant: VariantModel, base: Loc, config: ContentConfig
) -> Iterator[Issue]:
    """Known segments, `all` alone, covered by the warning's audiences."""
    if not variant.segments:
        yield Issue((*base, "segments"), "segments is empty; name who the story is for, or [all]")
    if ALL in variant.segments and len(variant.segments) > 1:
        yield Issue(
            (*base, "segments"), "`all` stands alone: a story is for everyone or for named segments"
        )
    for i, segment in enumerate(variant.segments):
        loc = (*base, "segments", i)
        if segment not in config.audiences:
            close = difflib.get_close_matches(segment, config.audiences, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            yield Issue(
                loc, f"unknown segment {segment!r}{hint} (known: {', '.join(config.audiences)})"
            )
        elif segment not in config.protagonists:
            yield Issue(loc, f"segment {segment!r} has no protagonist roles declared")
        elif (
            segment != ALL
            and ALL not in model.audiences
            and segment not in model.audiences
            and set(model.audiences) <= set(config.audiences)  # else check_identity says so
        ):
            yield Issue(
                loc,
                f"the story is for {segment!r}, which the warning's audiences "
                f"({', '.join(model.audiences)}) do not list",
            )


def _check_protagonist(variant: VariantModel, base: Loc, config: ContentConfig) -> Iterator[Issue]:
    """A role that fits every declared segment and is on stage at the start and the end."""
    role = variant.protagonist
    if role not in ROLES:
        close = difflib.get_close_matches(role, ROLES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        yield Issue((*base, "protagonist"), f"unknown role {role!r}{hint}")
        return
    for segment in variant.segments:
        fits = config.protagonists.get(segment)
        if fits is not None and role not in fits:
            yield Issue(
                (*base, "protagonist"),
                f"protagonist {role!r} does not fit segment {segment!r} "
                f"(its readers see themselves as {', '.join(fits)})",
            )
    for part in ("comic", "elder_cut"):
        panels = getattr(variant, part) or []
        for p in sorted({0, len(panels) - 1} if panels else set()):
            if role not in {m.role for m in panels[p].cast}:
                yield Issue(
                    (*base, part, p, "cast"),
                    f"the protagonist ({role}) is on stage in the first and last panel",
                )


def _check_looks(panels: list[tuple[Loc, PanelModel]]) -> Iterator[Issue]:
    """Looks fit the role, genders have a look, and one role keeps one look."""
    story = story_looks(panel for _, panel in panels)
    for loc, panel in panels:
        for c, member in enumerate(panel.cast):
            at: Loc = (*loc, "cast", c)
            options = LOOKS.get(member.role, ())
            if member.look is not None and member.look not in options:
                yield Issue(
                    (*at, "look"),
                    f"look {member.look!r} does not fit role {member.role!r}; "
                    f"expected one of {', '.join(options)}",
                )
                continue
            if member.gender is not None and look_of(member.role, None, member.gender) is None:
                yield Issue(
                    (*at, "gender"),
                    f"role {member.role!r} has no look of gender {member.gender!r} "
                    f"(looks: {', '.join(options)})",
                )
                continue
            if member.look and member.gender and LOOK_GENDER[member.look] != member.gender:
                yield Issue(
                    (*at, "gender"), f"look {member.look!r} is not gender {member.gender!r}"
                )
                continue
            named = look_of(member.role, member.look, member.gender)
            if named is not None and named != story.get(member.role, named):
                yield Issue(
                    (*at, "look" if member.look else "gender"),
                    f"{member.role} is drawn as {story[member.role]!r} elsewhere in this story; "
                    "one person keeps one look",
                )


def _check_screen(panel: PanelModel, loc: Loc, protagonist: str) -> Iterator[Issue]:
    """The kind's line count, and the protagonist holding the phone."""
    screen = panel.screen
    if screen is None:
        return
    low, high = SCREEN_LINES[screen.kind]
    if not low <= len(screen.lines) <= high:
        yield Issue(
            (*loc, "screen", "lines"),
            f"a {screen.kind} screen shows {low}-{high} lines, not {len(screen.lines)}",
        )
    if not screen.title.strip():
        yield Issue((*loc, "screen", "title"), f"a {screen.kind} screen needs its title")
    if protagonist not in {m.role for m in panel.cast}:
        yield Issue(
            (*loc, "screen"),
            f"the protagonist ({protagonist}) holds the phone: put them in the panel that "
            "shows the screen",
        )


def _check_genders(
    panel: PanelModel, loc: Loc, story: dict[str, str], locale: str
) -> Iterator[Issue]:
    """Captions' pronouns and titled names, and balloons' opening address, fit who is drawn."""
    drawn = [(m.role, drawn_gender(m, story)) for m in panel.cast]
    genders = {g for _, g in drawn}
    for word, gender in gender_words(panel.caption, locale):
        if gender not in genders:
            who = ", ".join(f"{r} ({g})" for r, g in drawn)
            yield Issue(
                (*loc, "caption"),
                f"{word!r} names a {'woman' if gender == 'f' else 'man'}, but the panel draws "
                f"{who}; give the cast member a fitting look: or gender:",
                word,
            )
    for i, line in enumerate(panel.lines):
        others = {g for r, g in drawn if r != line.speaker}
        for word, gender in gender_words(line.text, locale, vocative=True):
            if others and gender not in others:
                yield Issue(
                    (*loc, "lines", i, "text"),
                    f"{line.speaker} addresses a {'woman' if gender == 'f' else 'man'} "
                    f"({word.rstrip('，,！!')}), but no one drawn opposite is",
                    word,
                )


def check_story(model: WarningModel, config: ContentConfig) -> Iterator[Issue]:
    """Every story check of the module docstring."""
    for v, variant in enumerate(model.variants):
        base: Loc = ("variants", v)
        yield from _check_segments(model, variant, base, config)
        yield from _check_protagonist(variant, base, config)
        panels = [
            ((*base, part, p), panel)
            for part in ("comic", "elder_cut")
            for p, panel in enumerate(getattr(variant, part) or ())
        ]
        yield from _check_looks(panels)
        story = story_looks(panel for _, panel in panels)
        for loc, panel in panels:
            yield from _check_screen(panel, loc, variant.protagonist)
            yield from _check_genders(panel, loc, story, model.locale)
