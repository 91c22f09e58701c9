"""``fanzha plan``: a dry run that touches nothing and says what a run would do."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
from fanzha.campaigns import runner
from fanzha.campaigns.customers import CustomerSource, columns_of
from fanzha.campaigns.first_wave import nothing_due
from fanzha.campaigns.results import Result
from fanzha.campaigns.tables import table
from fanzha.campaigns.workspace import CampaignSource, Workspace


@dataclass
class Plan(Result):
    """Counts, content and timing a run would produce."""

    campaign_id: str
    version: str
    counts: dict[str, object]
    content: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    first_sends: dict[str, str] = field(default_factory=dict)
    per_day: dict[str, int] = field(default_factory=dict)
    cap_suppressed: int = 0
    locale_fallbacks: int = 0
    # "segment / warning" -> sends whose story was not written for that segment (none was)
    story_fallbacks: dict[str, int] = field(default_factory=dict)
    pushes: int = 0
    design: dict[str, object] = field(default_factory=dict)  # arms, MDE (experiments_plan)
    load_note: str = ""  # the customer file's encoding and first rejected rows
    # When nothing is due in the window: the first wave after it, and when (one line)
    nothing_due: str = ""

    def to_dict(self) -> dict[str, object]:
        """For ``--json``."""
        return asdict(self)

    def render(self) -> str:
        """A marketer's table."""
        c = self.counts
        out = [
            f"campaign {self.campaign_id} (version {self.version}) — dry run, nothing was written",
            "",
            table(
                [
                    ("customers", c["customers"]),
                    ("rejected rows", c["rejected_rows"]),
                    ("eligible", c["eligible"]),
                    ("held out", c["held_out"]),
                    *((f"excluded: {k}", v) for k, v in c["excluded"].items()),  # type: ignore[attr-defined]
                    *((f"segment {k}", v) for k, v in c["matched"].items()),  # type: ignore[attr-defined]
                    ("unmatched", c["unmatched"]),
                ],
                ("", "customers"),
            ),
            "",
        ]
        if self.load_note:
            out += [self.load_note, ""]
        if self.nothing_due:
            return "\n".join([*out, self.nothing_due, *self._design()])
        rows = [
            (seg, f"{i['warning_id']} / {i['variant']}", i["customers"])
            for seg, items in self.content.items()
            for i in items
        ]
        out += [table(rows, ("segment", "warning / variant", "sends")), ""]
        out += [table(sorted(self.first_sends.items()), ("segment", "first send (local)")), ""]
        out += [table(sorted(self.per_day.items()), ("day (UTC)", "pushes")), ""]
        out.append(
            f"pushes within the horizon: {self.pushes}; the frequency cap would suppress {self.cap_suppressed}"
        )
        if self.locale_fallbacks:
            out.append(
                f"{self.locale_fallbacks} sends fall back to the default locale (no translation)"
            )
        for key, n in sorted(self.story_fallbacks.items()):
            out.append(f"{n} sends of {key} carry a story not written for that segment (none is)")
        return "\n".join([*out, *self._design()])

    def _design(self) -> list[str]:
        """Arm sizes and power figures (experiments_plan), after a blank line."""
        if not self.design:
            return []
        from fanzha.campaigns.experiments_plan import render_design

        return ["", render_design(self.design)]


def plan_campaign(
    ws: Workspace, source: CampaignSource, customers: CustomerSource, now: datetime
) -> Plan:
    """Assign, pick and time a campaign without writing anything."""
    campaign = ws.campaign(source, customer_columns=columns_of(customers))
    aud, people, picks = runner.build(ws, campaign, customers, now, use_store=False)
    from fanzha.campaigns.audience import counts
    from fanzha.campaigns.experiments_plan import design

    plan = Plan(campaign.id, campaign.version, counts(aud), load_note=aud.load_note)
    plan.design = design(campaign, aud.assignments, people)
    if picks.empty:
        plan.nothing_due = nothing_due(campaign, people, now, ws.settings.horizon, verb="plan")
        return plan
    grouped = picks.groupby(["segment", "warning_id", "variant"]).size()
    for (seg, wid, variant), n in grouped.items():
        plan.content.setdefault(str(seg), []).append(
            {"warning_id": wid, "variant": variant, "customers": int(n)}
        )
    tz = picks["customer_id"].map(people.set_index("customer_id")["timezone"]).astype(str)
    timed = picks.assign(tz=tz).sort_values("due_at")
    # Marketers think in the campaign's zone: show its first send there, and the earliest anywhere.
    home = timed[timed["tz"] == campaign.timezone].groupby("segment").head(1).set_index("segment")
    for row in timed.groupby("segment").head(1).itertuples(index=False):
        ref = home.loc[row.segment] if row.segment in home.index else row
        zone = ref.tz
        text = (
            pd.Timestamp(ref.due_at).tz_convert(ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M ")
            + zone
        )
        if zone != row.tz:
            earliest = pd.Timestamp(row.due_at).tz_convert(ZoneInfo(row.tz)).strftime("%H:%M")
            text += f" (earliest: {earliest} {row.tz})"
        plan.first_sends[str(row.segment)] = text
    days = pd.to_datetime(picks["due_at"]).dt.strftime("%Y-%m-%d").value_counts().sort_index()
    plan.per_day = {str(k): int(v) for k, v in days.items()}
    plan.pushes = len(picks) if "push" in campaign.channels else 0
    plan.cap_suppressed = (
        _cap_estimate(picks, campaign.cap_max, campaign.cap_per) if plan.pushes else 0
    )
    plan.locale_fallbacks = int(
        picks.get("locale_fallback", pd.Series(dtype=bool)).fillna(False).sum()
    )
    off = picks[
        picks.get("story_fallback", pd.Series(False, index=picks.index)).fillna(False).astype(bool)
    ]
    for (seg, wid), n in off.groupby(["segment", "warning_id"]).size().items():
        plan.story_fallbacks[f"{seg or '(not personalized)'} / {wid}"] = int(n)
    return plan


def _cap_estimate(picks: pd.DataFrame, cap_max: int, per) -> int:  # type: ignore[no-untyped-def]
    """Pushes beyond ``cap_max`` within any ``per`` window, per customer (this campaign only)."""
    due = pd.to_datetime(picks["due_at"]).sort_values()
    frame = pd.DataFrame(
        {"customer_id": picks.loc[due.index, "customer_id"].values, "due_at": due.values}
    )
    window = frame.groupby("customer_id").rolling(per, on="due_at")["due_at"].count()
    return int((window > cap_max).sum())
