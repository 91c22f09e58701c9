"""``fanzha run``: version the campaign, assign, pick, render, schedule and enqueue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from fanzha.campaigns import audience as A
from fanzha.campaigns import messages as M
from fanzha.campaigns import waves as W
from fanzha.campaigns.customers import CustomerSource, rejected_path_for
from fanzha.campaigns.results import Result
from fanzha.campaigns.risk_prep import prepare_risk
from fanzha.campaigns.spec import Campaign
from fanzha.campaigns.tables import table
from fanzha.campaigns.workspace import CampaignSource, Workspace
from sqlalchemy import text


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
    superseded: int = 0
    renders: int = 0
    first_due: dict[str, str] = field(default_factory=dict)
    rejected_path: Path | None = None
    load_note: str = ""  # the customer file's encoding and first rejected rows

    def render(self) -> str:
        """A human summary."""
        lines = [
            f"campaign {self.campaign_id} version {self.version}"
            + (" (new)" if self.new_version else " (unchanged)"),
            f"customers {self.counts['customers']}, eligible {self.counts['eligible']}, held out {self.counts['held_out']}",
            f"messages built {self.messages}: enqueued {self.inserted}, already there {self.skipped}, superseded {self.superseded}",
            f"unique card renders {self.renders}",
        ]
        if self.load_note:
            lines.append(self.load_note)
        elif self.counts.get("rejected_rows"):
            where = f", reasons in {self.rejected_path}" if self.rejected_path else ""
            lines.append(
                f"rejected customer rows (not contacted{where}): {self.counts['rejected_rows']}"
            )
        if self.first_due:
            lines.append(table(sorted(self.first_due.items()), ("segment", "first send (UTC)")))
        return "\n".join(lines)


def history(ws: Workspace, customer_ids: pd.Series, now: datetime, days: int = 28) -> pd.DataFrame:
    """Warnings these customers were sent (or will be) within the repeat window, any campaign."""
    import sqlalchemy as sa
    from fanzha.delivery.models import Message

    m = Message.__table__  # type: ignore[attr-defined]  # SQLModel sets it at class creation
    query = sa.select(m.c.customer_id, m.c.warning_id, m.c.due_at.label("sent_at")).where(
        m.c.channel == "push",
        m.c.due_at >= now - timedelta(days=days),
        m.c.state.not_in(("cancelled", "superseded")),
    )
    with ws.engine.connect() as conn:
        frame = pd.DataFrame(
            conn.execute(query).all(), columns=["customer_id", "warning_id", "sent_at"]
        )
    return frame[frame["customer_id"].isin(set(customer_ids))]


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
) -> tuple[A.Audience, pd.DataFrame, pd.DataFrame]:
    """Everything up to the outbox rows, without writing to the store."""
    aud = A.load_audience(
        campaign, customers, ws, as_of=now.date(), use_store=use_store, write_rejected=use_store
    )
    people = A.contacted(aud)
    due = W.due_times(campaign, people, now=now, horizon=ws.settings.horizon)
    past = (
        history(ws, people["customer_id"], now)
        if use_store
        else pd.DataFrame(columns=["customer_id", "warning_id", "sent_at"])
    )
    picks = W.pick_content(
        campaign,
        people,
        due,
        ws.library,
        history=past,
        now=now,
        generic=generic_warnings(ws, now.date()),
        no_personal=aud.personalization_opt_out,
    )
    picks = picks.merge(people[["customer_id", "large_text"]], on="customer_id", how="left")
    if "timezone" not in picks.columns:
        picks = picks.merge(people[["customer_id", "timezone"]], on="customer_id", how="left")
    # Generic warnings for who refused personalization carry no segment (PIPL art. 24).
    picks.loc[picks["customer_id"].isin(aud.personalization_opt_out), "segment"] = ""
    return aud, people, picks


def run_campaign(
    ws: Workspace, source: CampaignSource, customers: CustomerSource, now: datetime
) -> RunResult:
    """Enqueue a campaign's messages up to the horizon; the same version twice adds nothing."""
    from fanzha.delivery import enqueue, spread_for_rate

    campaign = ws.campaign(source)
    ws.require_clean_content(campaign, now.date())
    new_version, superseded = record_version(ws, campaign, now)
    aud, _people, picks = build(ws, campaign, customers, now)
    store_assignments(ws, campaign, aud)
    prepare_risk(ws, campaign, aud, now)  # risk prompts: rules, profiles, images (risk_prep)
    result = RunResult(
        campaign.id,
        campaign.version,
        new_version,
        A.counts(aud),
        superseded=superseded,
        rejected_path=rejected_path_for(customers),
        load_note=aud.load_note,
    )
    if picks.empty:
        return result
    copies = M.resolve_copies(ws, campaign, picks)
    images = M.render_cards(ws, campaign, picks, copies)
    rows = M.build_messages(ws, campaign, picks, copies, images)
    push = rows["channel"] == "push"
    spread = spread_for_rate(rows.loc[push, ["due_at"]], campaign.rate_per_s)
    rows.loc[push, "due_at"] = spread["due_at"]  # aligned on the index
    outcome = enqueue(ws.engine, rows)
    result.messages, result.inserted, result.skipped = len(rows), outcome.inserted, outcome.skipped
    result.renders = len(images)
    first = rows.groupby("segment")["due_at"].min()
    result.first_due = {
        str(k): pd.Timestamp(v).strftime("%Y-%m-%d %H:%M") for k, v in first.items()
    }
    return result


def record_version(ws: Workspace, campaign: Campaign, now: datetime) -> tuple[bool, int]:
    """Record this version; a new one supersedes the old versions' pending messages."""
    from fanzha.delivery.models import CampaignVersion
    from sqlmodel import Session, select

    with Session(ws.engine) as session:
        existing = session.get(CampaignVersion, (campaign.id, campaign.version))
        if existing is not None:
            return False, 0
        for old in session.exec(
            select(CampaignVersion).where(CampaignVersion.campaign_id == campaign.id)
        ).all():
            old.active = False
            session.add(old)
        session.add(
            CampaignVersion(
                campaign_id=campaign.id,
                version=campaign.version,
                name=campaign.name,
                source=campaign.source,
                created_at=now,
                active=True,
            )
        )
        # Pending rows of older versions give way: the new version re-enqueues those waves.
        result = session.execute(
            text(
                "DELETE FROM messages WHERE campaign_id = :c AND version <> :v AND state = 'pending'"
            ),
            {"c": campaign.id, "v": campaign.version},
        )
        session.commit()
        return True, int(result.rowcount or 0)  # type: ignore[attr-defined]  # a DELETE gives a CursorResult


def store_assignments(ws: Workspace, campaign: Campaign, aud: A.Audience) -> None:
    """Keep each customer's assignment for triggers and the report (replacing older ones)."""
    a = aud.assignments.merge(
        aud.customers[["customer_id", "locale", "timezone"]], on="customer_id", how="left"
    )
    frame = a.assign(campaign_id=campaign.id, version=campaign.version)[
        [
            "campaign_id",
            "customer_id",
            "version",
            "segment",
            "holdout",
            "eligible",
            "reason",
            "locale",
            "timezone",
        ]
    ]
    frame = frame.fillna(
        {"segment": "", "reason": "", "locale": campaign.locale, "timezone": campaign.timezone}
    )
    with ws.engine.begin() as conn:
        conn.execute(text("DELETE FROM assignments WHERE campaign_id = :c"), {"c": campaign.id})
        frame.to_sql(
            "assignments", conn, if_exists="append", index=False, method="multi", chunksize=3000
        )
