"""``fanzha run``: version the campaign, assign, pick, render, schedule and enqueue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
from fanzha.campaigns import audience as A
from fanzha.campaigns import picking as P
from fanzha.campaigns.customers import CustomerSource, describe, rejected_path_for
from fanzha.campaigns.errors import InputError
from fanzha.campaigns.first_wave import nothing_due
from fanzha.campaigns.results import Result
from fanzha.campaigns.risk_prep import save_risk
from fanzha.campaigns.spec import Campaign
from fanzha.campaigns.tables import table
from fanzha.campaigns.workspace import CampaignSource, Workspace


@dataclass
class RunResult(Result):
    """What a run did, with counts a marketer can check."""

    campaign_id: str
    version: str
    new_version: bool
    counts: dict[str, object]
    messages: int = 0
    inserted: int = 0
    skipped: int = 0
    superseded: int = 0  # the old version's unsent messages this version replaced
    replaced: int = 0  # of those, how many it enqueued again for the same wave and channel
    renders: int = 0
    renders_set_aside: list[str] = field(default_factory=list)  # refused renders, with reasons
    first_due: dict[str, str] = field(default_factory=dict)
    rejected_path: Path | None = None
    load_note: str = ""  # the customer file's encoding and first rejected rows
    nothing_due: str = ""  # when nothing is due in the window: the first wave, and when

    def render(self) -> str:
        """A human summary."""
        lines = [
            f"campaign {self.campaign_id} version {self.version}"
            + (" (new)" if self.new_version else " (unchanged)"),
            f"customers {self.counts['customers']}, eligible {self.counts['eligible']}, held out {self.counts['held_out']}",
            f"messages built {self.messages}: enqueued {self.inserted}, already there {self.skipped}"
            + (
                " (this version ran before: nothing new)"
                if self.skipped and not self.inserted
                else ""
            ),
            f"unique card renders {self.renders}",
        ]
        if self.renders_set_aside:
            lines.append(
                f"renders set aside (their messages go as text-only cards): "
                f"{len(self.renders_set_aside)}"
            )
            lines += [f"  {line}" for line in self.renders_set_aside]
        if self.superseded:
            lines.append(
                f"superseded {self.superseded} unsent messages of the previous version "
                f"(kept, with an event); {self.replaced} of their waves enqueued again"
                + (
                    f", {self.superseded - self.replaced} have no wave in this version"
                    if self.superseded > self.replaced
                    else ""
                )
            )
        if self.load_note:
            lines.append(self.load_note)
        elif self.counts.get("rejected_rows"):
            where = f", reasons in {self.rejected_path}" if self.rejected_path else ""
            lines.append(
                f"rejected customer rows (not contacted{where}): {self.counts['rejected_rows']}"
            )
        if self.nothing_due:
            lines.append(self.nothing_due)
        if self.first_due:
            lines.append(table(sorted(self.first_due.items()), ("segment", "first send (UTC)")))
        return "\n".join(lines)


def build(
    ws: Workspace,
    campaign: Campaign,
    customers: CustomerSource,
    now: datetime,
    *,
    use_store: bool = True,
    backlog: pd.DataFrame | None = None,
) -> tuple[A.Audience, pd.DataFrame, pd.DataFrame]:
    """Everything up to the outbox rows, without writing to the store.

    ``backlog`` holds the older version's unsent waves (customer_id, wave, due_at): they are
    built again under this version, overdue or not.
    """
    aud = A.load_audience(
        campaign, customers, ws, as_of=now.date(), use_store=use_store, write_rejected=use_store
    )
    people, picks = P.choose(
        ws,
        campaign,
        aud,
        now,
        arms=P.arm_state(ws, campaign, use_store),
        past=(
            P.history(ws, aud.assignments["customer_id"], now, rebuilding=campaign)
            if use_store
            else pd.DataFrame(columns=["customer_id", "warning_id", "sent_at"])
        ),
        backlog=backlog,
    )
    return aud, people, P.finish(picks, people, aud)


history = P.history  # triggers read recent sends through the runner


CHUNK_ROWS = 200_000  # customers per chunk of a run: memory follows this, not the file


def run_campaign(
    ws: Workspace,
    source: CampaignSource,
    customers: CustomerSource,
    now: datetime,
    *,
    chunk_rows: int | None = None,
) -> RunResult:
    """Enqueue a campaign's messages up to the horizon; the same version twice adds nothing.

    A new version supersedes the old one's unsent messages and enqueues its own for the same
    waves, the overdue ones included, in the same transaction (``delivery.campaign_store``).
    Customers go through in chunks of ``chunk_rows`` (``run_stream``); the result does not
    depend on the chunk size.
    """
    from fanzha.campaigns import run_stream as S
    from fanzha.campaigns.run_stage import Stage
    from fanzha.delivery.campaign_store import VersionRecord, backlog, commit_pieces

    campaign = ws.campaign(source)
    ws.require_clean_content(campaign, now.date())
    from fanzha.campaigns.control import record_epoch

    record_epoch(ws, campaign.id, campaign.starts)  # the control group's epoch, once
    if any(e.mode == "bandit" for e in campaign.experiments):
        from fanzha.campaigns.experiments_bandit import step_bandits

        step_bandits(ws.engine, campaign, now)  # once per wave, before new arms are drawn
    owed = backlog(ws.engine, campaign.id, campaign.version)
    stage = Stage()
    try:
        first = S.first_pass(ws, campaign, customers, now, owed, stage, chunk_rows or CHUNK_ROWS)
        if first.counts["customers"] == 0:
            # A new version would supersede every unsent message and the assignments would
            # go: an empty or wholly rejected file is far likelier a mistake than the intent.
            raise InputError(
                f"{describe(customers)} has no usable customer rows: nothing was run "
                "(the store is unchanged)" + (f"\n{first.note}" if first.note else "")
            )
        result = RunResult(
            campaign.id,
            campaign.version,
            False,
            first.counts,
            rejected_path=rejected_path_for(customers),
            load_note=first.note,
        )
        second = S.SecondPass(ws, campaign, stage, S.spread_of(campaign, stage))
        record = VersionRecord(campaign.id, campaign.version, campaign.name, campaign.source)
        outcome = commit_pieces(ws.engine, record, second.messages(), second.assignments(), now=now)
        if second.built == 0:
            people = pd.concat(first.sample, ignore_index=True)
            result.nothing_due = nothing_due(campaign, people, now, ws.settings.horizon, verb="run")
        result.renders = second.renders()
        result.renders_set_aside = second.set_aside()
        result.first_due = {
            k: pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")
            for k, v in sorted(second.first_due.items())
        }
        # risk prompts: rules, profiles, images (risk_prep)
        seen = S.risk_seen(first)
        save_risk(ws, campaign, stage.risk, now, seen=seen)
    finally:
        stage.close()
    result.new_version, result.messages = outcome.new_version, second.built
    result.inserted, result.skipped = outcome.inserted, outcome.skipped
    result.superseded, result.replaced = outcome.superseded, outcome.replaced
    return result
