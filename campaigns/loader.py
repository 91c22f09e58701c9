"""Load a campaign file: one validation pass, every problem of the file at its line and column.

The YAML is read by fanzha._yaml (bounded, no aliases) without positions; the data is
validated once by CampaignModel with a ``Checks`` context; only when something is wrong is
the text read again for positions, and pydantic's errors worded the campaign file's way.
"""

from __future__ import annotations

from pathlib import Path

from fanzha.campaigns.cross_checks import Checks, LoadContext
from fanzha.campaigns.errors import CampaignFileError, Problem
from fanzha.campaigns.experiments_model import experiment_specs, outcome_spec
from fanzha.campaigns.model import CampaignModel
from fanzha.campaigns.spec import (
    Campaign,
    PosterSpecC,
    RiskPromptSpec,
    SegmentSpecC,
    SendSpec,
    TriggerSpec,
)
from fanzha.campaigns.values import LOCALES
from pydantic import ValidationError

from fanzha._yaml import (
    DuplicateKeyError,
    Positions,
    YamlError,
    YamlSyntaxError,
    load_yaml,
    read_text,
)
from fanzha._yaml.explain import FieldError, explain


def load_campaign(path: Path, ctx: LoadContext | None = None) -> Campaign:
    """Parse and check ``path``; raise CampaignFileError listing every problem."""
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise CampaignFileError(
            [Problem(str(path), 1, 1, f"cannot read the file: {exc}")]
        ) from None
    except YamlError as exc:
        raise CampaignFileError(_yaml_problems(exc)) from None
    return load_campaign_text(text, str(path), ctx or LoadContext())


def load_campaign_text(text: str, filename: str, ctx: LoadContext) -> Campaign:
    """Parse and check campaign YAML text."""
    try:
        data = load_yaml(text, filename).data
    except YamlError as exc:
        raise CampaignFileError(_yaml_problems(exc)) from None
    if data is None:
        raise CampaignFileError([Problem(filename, 1, 1, "the file is empty")])
    if not isinstance(data, dict):
        line, column = _positions(text, filename).value(())
        raise CampaignFileError(
            [Problem(filename, line, column, "a campaign file is a mapping of keys")]
        )
    try:
        model = CampaignModel.model_validate(data, context=Checks(ctx))
    except ValidationError as exc:
        positions = _positions(text, filename)
        problems = [p for e in explain(exc, data, CampaignModel) for p in _problems(e, positions)]
        unique = {(p.line, p.column, p.message): p for p in problems}
        raise CampaignFileError(sorted(unique.values(), key=lambda p: (p.line, p.column))) from None
    return campaign_of(model, text, filename)


def _positions(text: str, filename: str) -> Positions:
    positions = load_yaml(text, filename, positions=True).positions
    assert positions is not None
    return positions


def _yaml_problems(exc: YamlError) -> list[Problem]:
    """A file that is not (acceptable) YAML, worded as campaign files always were."""
    if isinstance(exc, DuplicateKeyError):
        return [
            Problem(exc.file, d.line, d.column, f"duplicate key {d.key!r}") for d in exc.duplicates
        ]
    if isinstance(exc, YamlSyntaxError):
        # Point at where the broken construct began (an unclosed "[" …) when YAML knows it.
        line, column = exc.context_at or exc.problem_at or (1, 1)
        context = f"{exc.context}: " if exc.context else ""
        return [Problem(exc.file, line, column, f"YAML syntax: {context}{exc.problem}")]
    return [Problem(exc.file, exc.line, exc.column, exc.message)]


def _problems(error: FieldError, positions: Positions) -> list[Problem]:
    """One validation error as the problems it stands for (a rule may have several)."""
    file, path = positions.file, error.path
    if error.kind == "rule":
        return [
            Problem(file, *positions.inside(path, offset), message)
            for offset, message in error.ctx["found"]
        ]
    line, column = error.place(positions)
    return [Problem(file, line, column, _message(error))]


def _message(error: FieldError) -> str:
    kind, path = error.kind, error.path
    if kind == "extra_forbidden":
        hint = f' (did you mean "{error.suggestion}"?)' if error.suggestion else ""
        return f'unknown key "{path[-1]}"{hint}'
    if kind == "missing":
        return f'missing required key "{path[-1]}"'
    if kind == "literal_error":
        hint = f' (did you mean "{error.suggestion}"?)' if error.suggestion else ""
        return (
            f'"{error.input}" is not allowed here; expected {error.ctx.get("expected", "")}{hint}'
        )
    if kind == "string_pattern_mismatch":
        what, allowed = (
            ("campaign id", "a-z, 0-9 and '-'")
            if path == ("campaign",)
            else ("segment id", "a-z, 0-9 and '_'")
        )
        return f'"{error.input}" is not a valid {what}: use {allowed}'
    if kind in ("too_short", "list_too_short"):
        return f'"{path[-1]}" must not be empty'
    if kind == "value_error":
        return error.reason
    got = error.input
    shown = f" (got {got!r})" if not isinstance(got, dict | list) else ""
    return f"{error.reason.lower()}{shown}"


def campaign_of(m: CampaignModel, text: str, filename: str) -> Campaign:
    """The Campaign the pipeline runs, from a validated model (nothing is parsed again)."""
    segments = []
    for seg in m.segments:
        send = SendSpec(at=seg.send.at, weekdays=seg.send.weekdays, every_days=seg.send.every)
        style = seg.style
        segments.append(
            SegmentSpecC(
                seg.id,
                seg.label,
                seg.rule,
                tuple(seg.warnings),
                style.layout,
                style.large_text,
                send,
            )
        )
    limits = m.limits
    return Campaign(
        id=m.campaign,
        name=m.name,
        locale=m.locale,
        timezone=m.timezone,
        starts=m.starts,
        ends=m.ends,
        where=m.audience.where,
        holdout_pct=m.audience.holdout,
        match=m.match,
        segments=tuple(segments),
        channels=tuple(m.channels),
        quiet_hours=limits.quiet_hours,
        cap_max=limits.frequency_cap.max,
        cap_per=limits.frequency_cap.per,
        rate_per_s=limits.rate,
        triggers=tuple(TriggerSpec(t.on, t.warning, t.delay, t.once_per) for t in m.triggers),
        posters=tuple(PosterSpecC(p.community, p.size, tuple(p.segments), p.qr) for p in m.posters),
        experiments=experiment_specs(m.experiments),
        outcome=outcome_spec(m.outcome),
        risk_prompts=tuple(RiskPromptSpec(r.when, r.warning, r.pause) for r in m.risk_prompts),
        source=text,
        path=filename,
    )


__all__ = ["LOCALES", "LoadContext", "campaign_of", "load_campaign", "load_campaign_text"]
