"""Load a campaign file: every problem of the file at once, each at its line and column."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfoNotFoundError, available_timezones

from fanzha.campaigns import parsing as P
from fanzha.campaigns.errors import CampaignFileError, Problem
from fanzha.campaigns.model import CampaignModel
from fanzha.campaigns.shape import shape_problems
from fanzha.campaigns.spec import Campaign, PosterSpecC, SegmentSpecC, SendSpec, TriggerSpec
from fanzha.campaigns.yamlsrc import SourceMap, load_yaml, parse_yaml

LOCALES = ("zh-CN", "en")
RuleChecker = Callable[[str], list[tuple[int, str]]]


@dataclasses.dataclass(frozen=True)
class LoadContext:
    """What a campaign is checked against besides itself."""

    known_warnings: frozenset[str] | None = None
    rule_checker: RuleChecker | None = None
    customer_columns: frozenset[str] | None = None
    rule_columns: Callable[[str], set[str]] | None = None


def load_campaign(path: Path, ctx: LoadContext | None = None) -> Campaign:
    """Parse and check ``path``; raise CampaignFileError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CampaignFileError(
            [Problem(str(path), 1, 1, f"cannot read the file: {exc}")]
        ) from None
    return load_campaign_text(text, str(path), ctx or LoadContext())


def load_campaign_text(text: str, filename: str, ctx: LoadContext) -> Campaign:
    """Parse and check campaign YAML text."""
    data, smap = parse_yaml(text, filename)
    if not isinstance(data, dict):
        raise CampaignFileError([smap.problem((), "a campaign file is a mapping of keys")])
    problems = shape_problems(data, smap)
    # Check meaning on a lenient view too, so one run reports every problem of the file.
    semantic = _semantic_problems(_Lenient(data), smap, ctx)
    every = {(p.line, p.column, p.message): p for p in [*problems, *semantic]}
    if every:
        raise CampaignFileError(sorted(every.values(), key=lambda p: (p.line, p.column)))
    return _build(CampaignModel.model_validate(data), text, filename)


class _Lenient:
    """Typed reads of the raw mapping that return None for anything of the wrong shape."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def get(self, path: tuple, kind: type | tuple[type, ...] = str, default: Any = None) -> Any:
        node: Any = self.data
        for part in path:
            if isinstance(part, int) and isinstance(node, list) and part < len(node):
                node = node[part]
            elif isinstance(part, str) and isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return default
        if (
            isinstance(node, bool)
            and kind is not bool
            and bool not in (kind if isinstance(kind, tuple) else (kind,))
        ):
            return None
        return node if isinstance(node, kind) else None

    def items(self, path: tuple) -> list:
        return self.get(path, list) or []


def _semantic_problems(d: _Lenient, smap: SourceMap, ctx: LoadContext) -> list[Problem]:
    problems: list[Problem] = []

    def attempt(path: tuple, fn: Callable[[Any], Any], kind: Any = str, default: Any = None) -> Any:
        raw = d.get(path, kind)
        if raw is None:
            return default
        try:
            return fn(raw)
        except (ValueError, ZoneInfoNotFoundError) as exc:
            problems.append(smap.problem(path, str(exc)))
            return default

    starts = attempt(("starts",), P.parse_date, (str, int))
    ends = attempt(("ends",), P.parse_date, (str, int))
    if starts and ends and ends < starts:
        problems.append(
            smap.problem(("ends",), f"the campaign ends ({ends}) before it starts ({starts})")
        )
    attempt(("timezone",), _check_zone)
    locale = d.get(("locale",))
    if locale is not None and locale not in LOCALES:
        hint = P.did_you_mean(locale, LOCALES)
        problems.append(
            smap.problem(
                ("locale",),
                f'unknown locale "{locale}"; expected one of {", ".join(LOCALES)}{hint}',
            )
        )
    holdout = attempt(("audience", "holdout"), P.parse_percent, (str, int, float))
    if holdout is not None and not 0 <= holdout <= 50:
        problems.append(
            smap.problem(("audience", "holdout"), f"holdout {holdout:g}% is outside 0–50%")
        )
    attempt(("limits", "quiet_hours"), P.parse_quiet_hours)
    attempt(("limits", "rate"), P.parse_rate)
    attempt(("limits", "frequency_cap", "per"), lambda v: P.parse_duration(v, allowed="hdw"))
    where = d.get(("audience", "where"))
    if where:
        problems += _rule_problems(where, ("audience", "where"), smap, ctx)

    seen: dict[str, int] = {}
    for i, _ in enumerate(d.items(("segments",))):
        base = ("segments", i)
        sid = d.get((*base, "id"))
        if sid is not None and sid in seen:
            problems.append(
                smap.problem(
                    (*base, "id"),
                    f'duplicate segment id "{sid}" (first used by segment {seen[sid] + 1})',
                )
            )
        if sid is not None:
            seen.setdefault(sid, i)
        rule = d.get((*base, "rule"))
        if rule is not None:
            problems += _rule_problems(rule, (*base, "rule"), smap, ctx)
        for j, wid in enumerate(d.items((*base, "warnings"))):
            if isinstance(wid, str):
                problems += _warning_problems(wid, (*base, "warnings", j), smap, ctx)
        problems += _send_problems(d, (*base, "send"), smap)
    for i, _ in enumerate(d.items(("triggers",))):
        attempt(("triggers", i, "delay"), P.parse_duration)
        wid = d.get(("triggers", i, "warning"))
        if wid:
            problems += _warning_problems(wid, ("triggers", i, "warning"), smap, ctx)
    for i, _ in enumerate(d.items(("posters",))):
        for j, sid in enumerate(d.items(("posters", i, "segments"))):
            if isinstance(sid, str) and sid not in seen:
                problems.append(
                    smap.problem(
                        ("posters", i, "segments", j),
                        f'the poster names unknown segment "{sid}"{P.did_you_mean(sid, seen)}',
                    )
                )
        qr = d.get(("posters", i, "qr"))
        if qr is not None and not qr.startswith(("https://", "http://")):
            problems.append(
                smap.problem(
                    ("posters", i, "qr"),
                    f'"{qr}" is not a web address; the QR code needs https://…',
                )
            )
    return problems


def _send_problems(d: _Lenient, path: tuple, smap: SourceMap) -> list[Problem]:
    if d.get(path, dict) is None:
        return []
    problems = []
    for key, parse in (("at", P.parse_time), ("every", P.parse_every)):
        raw = d.get((*path, key), (str, int))
        if raw is not None:
            try:
                parse(raw)
            except ValueError as exc:
                problems.append(smap.problem((*path, key), str(exc)))
    has_days = bool(d.get((*path, "days"), list))
    has_every = d.get((*path, "every"), (str, int)) is not None
    if has_days == has_every:
        problems.append(smap.problem(path, 'give either "days" or "every" (not both, not neither)'))
    return problems


def _build(m: CampaignModel, text: str, filename: str) -> Campaign:
    """The Campaign of a file that passed every check."""
    segments = tuple(
        SegmentSpecC(
            seg.id,
            seg.label,
            seg.rule,
            tuple(seg.warnings),
            seg.style.layout,
            seg.style.large_text,
            SendSpec(
                at=P.parse_time(seg.send.at),
                weekdays=tuple(sorted({P.WEEKDAYS.index(x) for x in seg.send.days or ()})),
                every_days=P.parse_every(seg.send.every) if seg.send.every else None,
            ),
        )
        for seg in m.segments
    )
    return Campaign(
        id=m.campaign,
        name=m.name,
        locale=m.locale,
        timezone=m.timezone,
        starts=P.parse_date(m.starts),
        ends=P.parse_date(m.ends),
        where=m.audience.where,
        holdout_pct=P.parse_percent(m.audience.holdout),
        match=m.match,
        segments=segments,
        channels=tuple(m.channels),
        quiet_hours=P.parse_quiet_hours(m.limits.quiet_hours),
        cap_max=m.limits.frequency_cap.max,
        cap_per=P.parse_duration(m.limits.frequency_cap.per, allowed="hdw"),
        rate_per_s=P.parse_rate(m.limits.rate),
        triggers=tuple(TriggerSpec(t.on, t.warning, P.parse_duration(t.delay)) for t in m.triggers),
        posters=tuple(PosterSpecC(p.community, p.size, tuple(p.segments), p.qr) for p in m.posters),
        source=text,
        path=filename,
    )


def _check_zone(name: str) -> None:
    if name not in available_timezones():
        raise ValueError(f'unknown time zone "{name}"{P.did_you_mean(name, available_timezones())}')


def _rule_problems(rule: str, path: tuple, smap: SourceMap, ctx: LoadContext) -> list[Problem]:
    out = []
    if ctx.rule_checker is not None:
        for column, message in ctx.rule_checker(rule):
            out.append(smap.problem(path, message, offset=column - 1))
    if not out and ctx.customer_columns is not None and ctx.rule_columns is not None:
        missing = sorted(ctx.rule_columns(rule) - ctx.customer_columns)
        for name in missing:
            hint = P.did_you_mean(name, ctx.customer_columns)
            out.append(smap.problem(path, f'the customer file has no column "{name}"{hint}'))
    return out


def _warning_problems(wid: str, path: tuple, smap: SourceMap, ctx: LoadContext) -> list[Problem]:
    if ctx.known_warnings is None or wid in ctx.known_warnings:
        return []
    return [smap.problem(path, f'unknown warning "{wid}"{P.did_you_mean(wid, ctx.known_warnings)}')]


__all__ = ["LoadContext", "load_campaign", "load_campaign_text", "load_yaml"]
