"""Campaign values checked against more than themselves: the warning library, the customer
schema's columns and rules, and the segments defined above them in the file.

These checks read a ``Checks`` object passed as pydantic's validation context (a file's
``LoadContext`` and the segment ids seen so far); without one they are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from fanzha._yaml.hints import did_you_mean

RuleChecker = Callable[[str], list[tuple[int, str]]]
# A risk prompt's rule also reads the event's fields and ``segment`` (one of these ids).
RiskRuleChecker = Callable[[str, frozenset[str]], list[tuple[int, str]]]


@dataclass(frozen=True)
class LoadContext:
    """What a campaign is checked against besides itself."""

    known_warnings: frozenset[str] | None = None
    rule_checker: RuleChecker | None = None
    customer_columns: frozenset[str] | None = None
    rule_columns: Callable[[str], set[str]] | None = None
    risk_rule_checker: RiskRuleChecker | None = None


@dataclass
class Checks:
    """The validation context of one file: its LoadContext and the segment ids seen so far."""

    load: LoadContext
    segment_ids: dict[str, int] = field(default_factory=dict)
    segments_seen: int = 0


def checks(info: ValidationInfo) -> Checks | None:
    """The Checks of this validation, if it has any."""
    return info.context if isinstance(info.context, Checks) else None


def _check_warning(wid: str, info: ValidationInfo) -> str:
    c = checks(info)
    known = c.load.known_warnings if c is not None else None
    if known is not None and wid not in known:
        raise ValueError(f'unknown warning "{wid}"{did_you_mean(wid, known)}')
    return wid


def _check_rule(rule: str, info: ValidationInfo) -> str:
    """A rule's problems as (offset in the rule, message): the first one and all of them."""
    c = checks(info)
    if c is None:
        return rule
    found = [(column - 1, message) for column, message in (c.load.rule_checker or _none)(rule)]
    load = c.load
    if not found and load.customer_columns is not None and load.rule_columns is not None:
        for name in sorted(load.rule_columns(rule) - load.customer_columns):
            hint = did_you_mean(name, load.customer_columns)
            found.append((0, f'the customer file has no column "{name}"{hint}'))
    if found:
        raise PydanticCustomError("rule", "{message}", {"message": found[0][1], "found": found})
    return rule


def _none(_: str) -> list[tuple[int, str]]:
    return []


def _check_risk_rule(rule: str, info: ValidationInfo) -> str:
    """A risk prompt's ``when``: checked over event fields, customer columns and ``segment``."""
    c = checks(info)
    if c is None or c.load.risk_rule_checker is None:
        return rule
    found = [
        (col - 1, msg) for col, msg in c.load.risk_rule_checker(rule, frozenset(c.segment_ids))
    ]
    if found:
        raise PydanticCustomError("rule", "{message}", {"message": found[0][1], "found": found})
    return rule


def _check_segment_ref(sid: str, info: ValidationInfo) -> str:
    c = checks(info)
    if c is not None and sid not in c.segment_ids:
        hint = did_you_mean(sid, c.segment_ids)
        raise ValueError(f'the poster names unknown segment "{sid}"{hint}')
    return sid


def record_segment_id(sid: Any, info: ValidationInfo) -> Any:
    """Note a segment's id for the posters below; refuse one used before."""
    c = checks(info)
    if c is not None and isinstance(sid, str):
        if sid in c.segment_ids:
            first = c.segment_ids[sid] + 1
            raise ValueError(f'duplicate segment id "{sid}" (first used by segment {first})')
        c.segment_ids[sid] = c.segments_seen - 1
    return sid


WarningId = Annotated[
    str,
    AfterValidator(_check_warning),
    WithJsonSchema({"description": "a warning id", "x-fanzha-ref": "WarningId"}),
]
Rule = Annotated[str, AfterValidator(_check_rule)]
RiskRule = Annotated[str, AfterValidator(_check_risk_rule)]
SegmentRef = Annotated[str, AfterValidator(_check_segment_ref)]

__all__ = [
    "Checks",
    "LoadContext",
    "RiskRule",
    "RiskRuleChecker",
    "Rule",
    "RuleChecker",
    "SegmentRef",
    "WarningId",
    "checks",
    "record_segment_id",
]
