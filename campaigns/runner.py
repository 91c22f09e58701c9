"""``fanzha run``: version the campaign, assign, pick, render, schedule and enqueue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from fanzha.campaigns import audience as A
from fanzha.campaigns import experiments as X
from fanzha.campaigns import waves as W
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


def history(
    ws: Workspace,
    customer_ids: pd.Series,
    now: datetime,
    days: int = 28,
    *,
    rebuilding: Campaign | None = None,
) -> pd.DataFrame:
    """Warnings these customers were sent (or will be) within the repeat window, any campaign.

    With ``rebuilding``, that campaign's unsent wave messages are left out: the run builds them
    again (a new version supersedes them).
    """
    from fanzha.delivery.campaign_reads import recent_sends

    by = None if rebuilding is None else rebuilding.id
    return recent_sends(ws.engine, customer_ids, now, days=days, rebuilding=by)


def generic_warnings(ws: Workspace, today) -> list[str]:  # type: ignore[no-untyped-def]
    """Approved warnings that suit anyone (for customers who refused personalization)."""
    return ws.generic_ids(today)


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
    people, picks = choose(
        ws,
        campaign,
        aud,
        now,
        arms=_arm_state(ws, campaign, use_store),
        past=(
            history(ws, aud.assignments["customer_id"], now, rebuilding=campaign)
            if use_store
            else pd.DataFrame(columns=["customer_id", "warning_id", "sent_at"])
        ),
        backlog=backlog,
    )
    return aud, people, finish(picks, people, aud)


def choose(
    ws: Workspace,
    campaign: Campaign,
    aud: A.Audience,
    now: datetime,
    *,
    arms: dict[str, Any],
    past: pd.DataFrame,
    backlog: pd.DataFrame | None = None,
    since: datetime | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Who is contacted (with arms) and the content of each due send, before ``finish``.

    ``past`` holds recent sends (any customers: only these customers' are read); ``since``
    is where a partial ``backlog`` (one chunk's customers) starts the waves.
    """
    people = X.with_arms(campaign, A.contacted(aud), **arms)
    horizon = ws.settings.horizon
    due = W.due_times(campaign, people, now=now, horizon=horizon, backlog=backlog, since=since)
    past = past[past["customer_id"].isin(people["customer_id"])].reset_index(drop=True)
    generic = generic_warnings(ws, now.date())
    picks = X.pick_by_arm(  # an experiment's story arms pick only their own warning
        campaign,
        people,
        due,
        lambda c, p, d: W.pick_content(
            c,
            p,
            d,
            ws.library,
            history=past,
            now=now,
            generic=generic,
            no_personal=aud.personalization_opt_out,
        ),
    )
    return people, picks


def finish(picks: pd.DataFrame, people: pd.DataFrame, aud: A.Audience) -> pd.DataFrame:
    """Picks with each customer's text mode and zone; no segment for who refused it."""
    picks = picks.merge(people[["customer_id", "large_text"]], on="customer_id", how="left")
    if "timezone" not in picks.columns:
        picks = picks.merge(people[["customer_id", "timezone"]], on="customer_id", how="left")
    # Generic warnings for who refused personalization carry no segment (PIPL art. 24).
    picks.loc[picks["customer_id"].isin(aud.personalization_opt_out), "segment"] = ""
    return picks


def _arm_state(ws: Workspace, campaign: Campaign, use_store: bool) -> dict[str, Any]:
    """The bandits' arm layouts and the arms already on messages (none for a dry run)."""
    if not campaign.experiments or not use_store:
        return {}
    from fanzha.campaigns.experiments_bandit import layouts
    from fanzha.delivery.experiments import experiment_events, message_arms

    events = experiment_events(ws.engine, campaign.id)
    return {"layouts": layouts(campaign, events), "recorded": message_arms(ws.engine, campaign.id)}


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
