"""The report's risk-prompt section: per rule, warning, story and segment, prompted vs holdout.

A check whose rule matched is *prompted* when the customer saw the prompt and *held out* when
the campaign's holdout withheld it (the prompt it would have shown is recorded, so both arms
are the same moments of risk). Customers who turned risk prompts off are in neither arm.
Rates are per check: abandonment (the transfer was abandoned) and fraud reported. Differences
carry Newcombe's 95% hybrid score interval; "checks needed" is the sample that would detect
a ``change`` (relative) in the holdout's rate with 80% power at α = 0.05, at the observed
holdout share.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd
from fanzha.campaigns.stats.power import sample_size
from fanzha.campaigns.stats.proportions import newcombe
from fanzha.campaigns.workspace import Workspace

DIMENSIONS = {"rule": "rule", "warning": "warning_id", "story": "story", "segment": "segment"}
CHANGE = 0.2  # the relative change "checks needed" is sized for
DEFAULT_HOLDOUT_SHARE = 0.05


def risk_checks(ws: Workspace, campaign_id: str) -> pd.DataFrame:
    """The campaign's checks with their outcomes (delivery's table, read through delivery)."""
    from fanzha.delivery.risk_store import risk_checks_frame

    frame = risk_checks_frame(ws.engine, campaign_id)
    index = frame["rule_index"].astype("Int64").astype(str).replace("<NA>", "")
    frame["rule"] = ("#" + index + " " + frame["rule"].astype(str)).where(index != "", "")
    frame["story"] = frame["warning_id"] + "/" + frame["variant"]
    frame["segment"] = frame["segment"].replace("", "(none)")
    return frame


def _needed(p0: float, share: float) -> float:
    try:
        return float(sample_size(p0, CHANGE, share).total)
    except ValueError:  # a rate of 0 or 1 (or a change past 1): no test can size it
        return math.nan


def _group(frame: pd.DataFrame, share: float) -> dict[str, object]:
    shown = frame[frame["reason"] == "prompt"]
    held = frame[frame["reason"] == "holdout"]
    row: dict[str, object] = {
        "checks": len(frame),
        "shown": len(shown),
        "cancelled_or_called": int(shown["action"].isin(["cancelled", "called"]).sum()),
        "abandoned": int((shown["transfer"] == "abandoned").sum()),
        "fraud_reported": int((shown["fraud_reported"] == True).sum()),  # noqa: E712  (NULL is not True)
        "holdout": len(held),
        "holdout_abandoned": int((held["transfer"] == "abandoned").sum()),
        "holdout_fraud_reported": int((held["fraud_reported"] == True).sum()),  # noqa: E712
    }
    for what in ("abandoned", "fraud_reported"):
        k1, n1 = int(row[what]), len(shown)  # type: ignore[call-overload]
        k0, n0 = int(row[f"holdout_{what}"]), len(held)  # type: ignore[call-overload]
        p1 = k1 / n1 if n1 else math.nan
        p0 = k0 / n0 if n0 else math.nan
        low, high = newcombe(k1, n1, k0, n0)
        row[f"{what}_rate"], row[f"{what}_rate_holdout"] = p1, p0
        row[f"{what}_difference"] = p1 - p0
        row[f"{what}_ci_low"], row[f"{what}_ci_high"] = low, high
        row[f"{what}_checks_needed"] = _needed(p0, share) if n0 else math.nan
    return row


def risk_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (dimension, value): counts, rates vs holdout with 95% CIs, checks needed."""
    matched = frame[frame["reason"].isin(["prompt", "holdout"])]
    both = len(matched)
    held = int((matched["reason"] == "holdout").sum())
    share = held / both if both and 0 < held < both else DEFAULT_HOLDOUT_SHARE
    rows = []
    for dimension, column in DIMENSIONS.items():
        for value, group in matched.groupby(column, sort=True):
            rows.append({"by": dimension, "value": str(value), **_group(group, share)})
    rows.append({"by": "all", "value": "all", **_group(matched, share)})
    return pd.DataFrame(rows)


def _pct(value: object) -> str:
    return "–" if pd.isna(value) else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


_WORDS = {
    "en": {
        "title": "Risk prompts at the moment of risk",
        "by": "by",
        "value": "value",
        "checks": "checks",
        "shown": "shown",
        "cancelled_or_called": "cancelled or called",
        "abandoned": "abandoned",
        "fraud_reported": "fraud reported",
        "holdout": "held out",
        "abandonment": "abandonment",
        "prompted": "prompted",
        "difference": "difference (95% CI)",
        "needed": "checks needed",
        "to": "to",
        "summary": "Checks by decision: {summary}. Prompted and held-out checks matched the same "
        "rules; customers who turned risk prompts off are in neither arm. Rates are per "
        "check; intervals are Newcombe's 95% hybrid score intervals; 'checks needed' detects "
        "a {change:.0%} relative change in the holdout's rate (80% power, α = 0.05).",
        "data": "Data",
    },
    "zh-CN": {
        "title": "交易时的风险提示",
        "by": "维度",
        "value": "取值",
        "checks": "检查次数",
        "shown": "显示提示",
        "cancelled_or_called": "取消或致电核实",
        "abandoned": "放弃转账",
        "fraud_reported": "报告被骗",
        "holdout": "留出组",
        "abandonment": "放弃转账率",
        "prompted": "提示组",
        "difference": "差异（95% 置信区间）",
        "needed": "所需检查次数",
        "to": "至",
        "summary": "按决定统计的检查：{summary}。提示组和留出组的检查命中的是同样的规则；"
        "关闭了风险提示的客户不在任何一组。比率按每次检查计算；区间为 Newcombe 95% 混合得分区间；"
        "“所需检查次数”是以 80% 检验效能、α = 0.05 检出留出组比率 {change:.0%} 相对变化所需的次数。",
        "data": "数据",
        "rule": "规则",
        "warning": "警示",
        "story": "故事",
        "segment": "分群",
        "all": "全部",
        "prompt": "显示提示",
        "opted_out": "已关闭风险提示",
        "no_match": "无命中规则",
        "no_campaign": "无进行中的活动",
        "control": "全局对照组",
    },
}


def _html(table: pd.DataFrame, frame: pd.DataFrame, locale: str = "en") -> str:
    w = _WORDS.get(locale, _WORDS["en"])

    def word(value: object) -> str:  # a dimension or a decision in the report's language
        return w.get(str(value), str(value))

    shown = pd.DataFrame(
        {
            w["by"]: table["by"].map(word),
            w["value"]: table["value"].map(word),
            w["checks"]: table["checks"],
            w["shown"]: table["shown"],
            w["cancelled_or_called"]: table["cancelled_or_called"],
            w["abandoned"]: table["abandoned"],
            w["fraud_reported"]: table["fraud_reported"],
            w["holdout"]: table["holdout"],
        }
    )
    for what, label in (("abandoned", w["abandonment"]), ("fraud_reported", w["fraud_reported"])):
        shown[f"{label}: {w['prompted']}"] = table[f"{what}_rate"].map(_pct)
        shown[f"{label}: {w['holdout']}"] = table[f"{what}_rate_holdout"].map(_pct)
        shown[f"{label}: {w['difference']}"] = [
            f"{_pct(d)} ({_pct(lo)} {w['to']} {_pct(hi)})"
            for d, lo, hi in zip(
                table[f"{what}_difference"],
                table[f"{what}_ci_low"],
                table[f"{what}_ci_high"],
                strict=True,
            )
        ]
        shown[f"{label}: {w['needed']}"] = table[f"{what}_checks_needed"].map(
            lambda v: "–" if pd.isna(v) else f"{int(v):,}"
        )
    reasons = frame["reason"].value_counts().sort_index()
    summary = ", ".join(f"{html.escape(word(k))} {int(v)}" for k, v in reasons.items())
    return "\n".join(
        [
            f"<h2>{w['title']}</h2>",
            "<p>" + w["summary"].format(summary=summary, change=CHANGE) + "</p>",
            "<div class='scroll'>" + shown.to_html(index=False, border=0) + "</div>",
            f"<p>{w['data']}: <a href='risk_prompts.csv'>risk_prompts.csv</a></p>",
        ]
    )


def risk_report(ws: Workspace, campaign_id: str, out: Path, locale: str = "en") -> str:
    """Write risk_prompts.csv into ``out``; the HTML section ("" when there were no checks)."""
    frame = risk_checks(ws, campaign_id)
    if frame.empty:
        return ""
    table = risk_table(frame)
    table.to_csv(out / "risk_prompts.csv", index=False)
    return _html(table, frame, locale)


__all__ = ["CHANGE", "risk_checks", "risk_report", "risk_table"]
