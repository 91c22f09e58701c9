"""The risk-check decision: an in-memory index of active campaigns' rules and customer profiles.

Built from the store (``risk_store``) when the server starts and again whenever the set of
active (campaign, version) changes, i.e. when a campaign runs; a request only looks up one
customer (a binary search over sorted ids) and evaluates a few compiled rules. Profiles are
kept as numpy arrays, not Python objects: a million customers cost tens of megabytes.

``delivery`` does not read the rule language; the composition root hands in ``compile``
(rule text to predicate) and ``holdout`` (the campaign's deterministic holdout hash, for
customers the campaign's run did not see).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from fanzha.delivery.risk_store import RulesetRow, active_rulesets, load_profiles
from sqlalchemy.engine import Engine

Predicate = Callable[[Mapping[str, Any], dt.datetime], "bool | None"]
Compile = Callable[[str], Predicate]
HoldoutOf = Callable[[str, str, float], bool]

# Why a check got no prompt (or did): the response's ``reason``.
PROMPT, HOLDOUT, OPTED_OUT, NO_MATCH, NO_CAMPAIGN = (
    "prompt",
    "holdout",
    "opted_out",
    "no_match",
    "no_campaign",
)


def prompt_id_for(check_id: str) -> str:
    """The prompt id of a check: stable, so a repeated check names the same prompt."""
    return "rp_" + hashlib.sha256(check_id.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class Rule:
    """One compiled risk rule of a campaign."""

    index: int
    when: str
    warning: str
    pause_seconds: int
    matches: Predicate


@dataclass(frozen=True)
class Profile:
    """What the index knows of one customer in one campaign."""

    segment: str
    holdout: bool
    locale: str
    large_text: bool
    facts: dict[str, Any] = field(default_factory=dict)


class CampaignRisk:
    """One active campaign: its rules, prompts and customer profiles (numpy arrays)."""

    def __init__(self, row: RulesetRow, rules: list[Rule], profiles: Any) -> None:
        self.row = row
        self.rules = rules
        self.ids = profiles["customer_id"].to_numpy(dtype="S")
        self.segments, seg_codes = _codes(profiles["segment"])
        self.locales, loc_codes = _codes(profiles["locale"])
        self.segment_codes, self.locale_codes = seg_codes, loc_codes
        self.holdout = profiles["holdout"].to_numpy(dtype=bool)
        self.large = profiles["large_text"].to_numpy(dtype=bool)
        types = {c["name"]: c["type"] for c in row.columns}
        self.types = types
        self.facts = profiles["facts"].tolist() if types else None

    def profile(self, customer_id: str) -> Profile | None:
        """The customer's profile, or None when the campaign's run did not see them."""
        key = customer_id.encode("utf-8")
        i = int(np.searchsorted(self.ids, key))
        if i >= len(self.ids) or self.ids[i] != key:
            return None
        facts = _facts(self.facts[i], self.types) if self.facts is not None else {}
        return Profile(
            self.segments[self.segment_codes[i]],
            bool(self.holdout[i]),
            self.locales[self.locale_codes[i]],
            bool(self.large[i]),
            facts,
        )

    def prompt(self, rule: Rule, who: Profile, kind: str, check_id: str) -> dict[str, Any]:
        """The prompt ``rule`` shows this customer (the story for their segment and mode)."""
        prompts = self.row.prompts
        keys = [
            f"{rule.warning}|{who.segment}|{who.locale}|{int(who.large_text)}",
            f"{rule.warning}|{who.segment}|{self.row.locale}|{int(who.large_text)}",
            f"{rule.warning}||{who.locale}|{int(who.large_text)}",
            f"{rule.warning}||{self.row.locale}|0",
        ]
        found = next((prompts[k] for k in keys if k in prompts), None)
        if found is None:  # never expected: prepare_prompts covers every profile's combination
            found = next(p for k, p in prompts.items() if k.startswith(rule.warning + "|"))
        labels = self.row.labels.get(found["locale"]) or next(iter(self.row.labels.values()))
        image = found.get("image_key") or ""
        return {
            "prompt_id": prompt_id_for(check_id),
            "warning_id": rule.warning,
            "variant": found["variant"],
            "title": found["title"],
            "body": found["body"],
            "questions": list(found["questions"]),
            "pause_seconds": rule.pause_seconds,
            "image_url": f"/v1/media/{image}" if image else None,
            "alt_text": found.get("alt_text", ""),
            "large_text": who.large_text,
            "locale": found["locale"],
            "actions": labels.get(kind) or labels[""],
        }


def _codes(series: Any) -> tuple[list[str], np.ndarray]:
    import pandas as pd

    codes, names = pd.factorize(series.fillna("").astype(str))
    return [str(n) for n in names] or [""], codes.astype(np.int32)


def _facts(text: str, types: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = json.loads(text) if text else {}
    for name, type_ in types.items():
        value = values.get(name)
        if isinstance(value, str) and type_ in ("date", "datetime"):
            values[name] = dt.datetime.fromisoformat(value)
    return values


@dataclass(frozen=True)
class Decision:
    """A check's decision: why, which rule, and the prompt shown or withheld."""

    reason: str
    campaign_id: str = ""
    version: str = ""
    rule: Rule | None = None
    segment: str = ""
    holdout: bool = False
    prompt: dict[str, Any] | None = None  # as shown, or as it would have been

    def refused(self) -> Decision:
        """The same decision for a customer who turned risk prompts off."""
        if self.reason not in (PROMPT, HOLDOUT):
            return self
        return Decision(
            OPTED_OUT,
            self.campaign_id,
            self.version,
            self.rule,
            self.segment,
            self.holdout,
            self.prompt,
        )

    def response(self, check_id: str) -> dict[str, Any]:
        """The JSON body the bank's app gets."""
        shown = self.prompt if self.reason == PROMPT else None
        return {
            "check_id": check_id,
            "holdout": self.holdout,
            "reason": self.reason,
            "prompt": shown,
        }


@dataclass(frozen=True)
class RiskIndex:
    """The active campaigns' risk rules and profiles, by campaign id."""

    campaigns: tuple[CampaignRisk, ...]
    stamp: tuple[tuple[str, str], ...]
    holdout_of: HoldoutOf

    def decide(
        self, check_id: str, customer_id: str, event: Mapping[str, Any], risk_off: bool
    ) -> Decision:
        """First matching rule of the first campaign that has one; holdout and opt-out applied."""
        if not self.campaigns:
            return Decision(NO_CAMPAIGN)
        as_of = event.get("occurred_at") or dt.datetime.now(dt.UTC)
        for camp in self.campaigns:
            row = camp.row
            who = camp.profile(customer_id)
            if who is None:  # not in the run's customer file: nobody in particular
                held = self.holdout_of(row.campaign_id, customer_id, row.holdout_pct)
                who = Profile("", held, row.locale, False)
            record = {**who.facts, **event, "segment": who.segment}
            rule = next((r for r in camp.rules if r.matches(record, as_of) is True), None)
            if rule is None:
                continue
            prompt = camp.prompt(rule, who, str(event.get("kind", "")), check_id)
            reason = OPTED_OUT if risk_off else HOLDOUT if who.holdout else PROMPT
            return Decision(
                reason, row.campaign_id, row.version, rule, who.segment, who.holdout, prompt
            )
        return Decision(NO_MATCH)


def build_index(
    engine: Engine,
    compile: Compile,
    holdout_of: HoldoutOf,
    customer_ids: Sequence[str] | None = None,
) -> RiskIndex:
    """Load the active rulesets and their profiles (all, or only ``customer_ids``)."""
    campaigns = []
    for row in active_rulesets(engine):
        rules = [
            Rule(r["index"], r["when"], r["warning"], int(r["pause_seconds"]), compile(r["when"]))
            for r in row.rules
        ]
        campaigns.append(
            CampaignRisk(row, rules, load_profiles(engine, row.campaign_id, customer_ids))
        )
    stamp = tuple((c.row.campaign_id, c.row.version) for c in campaigns)
    return RiskIndex(tuple(campaigns), stamp, holdout_of)


__all__ = [
    "HOLDOUT",
    "NO_CAMPAIGN",
    "NO_MATCH",
    "OPTED_OUT",
    "PROMPT",
    "CampaignRisk",
    "Decision",
    "Profile",
    "RiskIndex",
    "Rule",
    "build_index",
    "prompt_id_for",
]
