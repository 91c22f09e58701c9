"""What ``fanzha plan`` says about measurement: arm sizes, MDE, and the holdout a target needs.

Per experiment: the customers each arm will get among the segment's contacted customers in
the file planned. Per segment: the minimum detectable effect of the declared holdout at the
outcome's declared base rate (``outcome: base_rate``; power 0.8, α 0.05, two-sided), the
power for the declared target change, and the holdout share that target would need
(:func:`fanzha.campaigns.stats.plan_power`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from fanzha.campaigns.spec import Campaign
from fanzha.campaigns.tables import table

__all__ = ["design", "render_design"]


def design(campaign: Campaign, assignments: pd.DataFrame, people: pd.DataFrame) -> dict[str, Any]:
    """Arm sizes per experiment and power figures per segment, JSON-ready."""
    from fanzha.campaigns.stats import plan_power

    arms = []
    for exp in campaign.experiments:
        mine = people[people.get("experiment_id", pd.Series("", index=people.index)) == exp.id]
        counts = mine["arm"].value_counts()
        for arm, share in exp.arms:
            arms.append(
                {
                    "experiment": exp.id,
                    "segment": exp.segment,
                    "mode": exp.mode,
                    "arm": arm,
                    "share": share,
                    "customers": int(counts.get(arm, 0)),
                }
            )
    out = campaign.outcome
    segments = []
    eligible = assignments[assignments["eligible"].astype(bool)]
    for seg in campaign.segments:
        n = int((eligible["segment"] == seg.id).sum())
        row: dict[str, Any] = {"segment": seg.id, "eligible": n, "holdout": campaign.holdout_pct}
        if out.base_rate is not None and n > 0 and campaign.holdout_pct > 0:
            p = plan_power(
                n, campaign.holdout_pct / 100, out.base_rate, target_relative_change=out.target
            )
            row |= {
                "mde_relative": _num(p.mde.relative),
                "mde_absolute": _num(p.mde.absolute),
                "power_at_target": _num(p.power_at_target),
                "holdout_share_needed": p.holdout_share_needed,
                "customers_needed": p.needed_at_declared_share.total
                if p.needed_at_declared_share
                else None,
            }
        segments.append(row)
    return {
        "outcome": out.primary,
        "base_rate": out.base_rate,
        "target": out.target,
        "arms": arms,
        "segments": segments,
    }


def _num(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def render_design(d: dict[str, Any]) -> str:
    """The plan's measurement section as text tables."""
    out = []
    if d["arms"]:
        rows = [
            (
                a["experiment"],
                a["segment"],
                a["mode"],
                a["arm"],
                _pct(a["share"], 0),
                a["customers"],
            )
            for a in d["arms"]
        ]
        out += [
            table(rows, ("experiment", "segment", "mode", "arm", "share", "customers")),
            "",
        ]
    if d["base_rate"] is None:
        out.append(
            'power: declare "outcome: base_rate" (e.g. 0.1%) in the campaign file to see each '
            "segment's minimum detectable effect"
        )
        return "\n".join(out)
    power_rows: list[tuple[object, ...]] = []
    for s in d["segments"]:
        if "mde_relative" not in s:
            power_rows.append(
                (s["segment"], s["eligible"], f"{s['holdout']:g}%", "—", "—", "—", "—")
            )
            continue
        needed = s["holdout_share_needed"]
        power_rows.append(
            (
                s["segment"],
                s["eligible"],
                f"{s['holdout']:g}%",
                _pct(s["mde_relative"]) if s["mde_relative"] is not None else "none detectable",
                "—" if s["power_at_target"] is None else f"{s['power_at_target']:.2f}",
                "no split reaches 0.8" if needed is None else _pct(needed),
                "—" if s["customers_needed"] is None else f"{s['customers_needed']:,}",
            )
        )
    title = (
        f"power for {d['outcome']} at a base rate of {_pct(d['base_rate'], 2)} "
        f"(target {d['target'] * 100:+.0f}%, power 0.8, α 0.05, two-sided)"
    )
    headers = (
        "segment",
        "eligible",
        "holdout",
        "MDE (relative)",
        "power at target",
        "holdout needed",
        "customers needed at this holdout",
    )
    out += [title, table(power_rows, headers)]
    return "\n".join(out)
