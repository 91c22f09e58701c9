"""Risk checks from the library: the server's live index, and ``fanzha risk-check``'s dry run.

The composition root gives delivery's index what delivery may not import: the rule language
(``compile_rule``) and the campaign's holdout hash (``segments.in_holdout``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from fanzha.campaigns.results import Result
from fanzha.campaigns.risk_rules import compile_rule
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import Workspace

if TYPE_CHECKING:
    from fanzha.delivery.risk_index import Predicate
    from fanzha.delivery.risk_live import LiveRiskIndex


@lru_cache(maxsize=65_536)
def holdout_of(campaign_id: str, customer_id: str, pct: float) -> bool:
    """Whether the campaign holds this customer out (the same hash as ``fanzha run``).

    Only for customers the run did not see; the vector hash costs about a millisecond for
    one id, so repeated checks of the same customer are answered from a cache.
    """
    from fanzha.segments import in_holdout

    return bool(in_holdout(campaign_id, [customer_id], pct)[0])


def compiler(ws: Workspace):  # type: ignore[no-untyped-def]
    """Rule text to predicate, against the workspace's customer schema."""

    def compile(text: str) -> Predicate:
        return compile_rule(text, ws.schema)

    return compile


def live_risk_index(ws: Workspace, interval: float = 5.0) -> LiveRiskIndex:
    """The index a server decides risk checks with (loaded when the app starts)."""
    from fanzha.delivery.risk_live import LiveRiskIndex

    return LiveRiskIndex(ws.engine, compiler(ws), holdout_of, interval=interval)


@dataclass
class RiskCheckResult(Result):
    """A dry-run decision: the answer the app would get and the rule that matched."""

    customer_id: str
    event: dict[str, Any]
    response: dict[str, Any]
    campaign_id: str = ""
    rule_index: int | None = None
    rule: str = ""
    segment: str = ""

    def render(self) -> str:
        """What the app would be told, and why."""
        facts = ", ".join(f"{k} {v}" for k, v in self.event.items() if v is not None)
        lines = [f"customer {self.customer_id}: {facts}"]
        reason = self.response["reason"]
        if self.rule:
            lines.append(f"campaign {self.campaign_id}, segment {self.segment or '(none)'}")
            lines.append(f"matched rule {self.rule_index}: {self.rule}")
        prompt = self.response["prompt"]
        words = {
            "prompt": "prompt shown",
            "holdout": "no prompt — held out (the prompt it would have seen is recorded)",
            "opted_out": "no prompt — the customer turned risk prompts off",
            "no_match": "no prompt — no rule matched",
            "no_campaign": "no prompt — no active campaign has risk prompts",
        }
        lines.append(f"decision: {words[reason]}")
        if prompt:
            lines.append(
                f"warning {prompt['warning_id']} (story {prompt['variant']}), "
                f"pause {prompt['pause_seconds']}s: {prompt['title']}"
            )
            lines += [f"  ? {q}" for q in prompt["questions"]]
        return "\n".join(lines)


def risk_check(
    ws: Workspace,
    customer_id: str,
    event: dict[str, Any],
    *,
    risk_off: bool = False,
    now: dt.datetime | None = None,
) -> RiskCheckResult:
    """Decide one check as the server would (nothing recorded)."""
    from fanzha.delivery.risk_index import build_index

    index = build_index(ws.engine, compiler(ws), holdout_of, customer_ids=[customer_id])
    event = {"occurred_at": now or dt.datetime.now(dt.UTC), **event}
    decision = index.decide("cli", customer_id, event, risk_off)
    response = json.loads(json.dumps(decision.response("cli"), default=str))
    rule = decision.rule
    return RiskCheckResult(
        customer_id,
        {k: v for k, v in event.items() if k != "occurred_at"},
        response,
        decision.campaign_id,
        rule.index if rule else None,
        rule.when if rule else "",
        decision.segment,
    )


def check(
    settings: Settings,
    customer_id: str,
    event: dict[str, Any],
    *,
    risk_off: bool = False,
    now: dt.datetime | None = None,
) -> RiskCheckResult:
    """``fanzha risk-check``: a dry-run decision over the store's active risk prompts."""
    return risk_check(Workspace(settings), customer_id, event, risk_off=risk_off, now=now)


__all__ = ["RiskCheckResult", "check", "compiler", "holdout_of", "live_risk_index", "risk_check"]
