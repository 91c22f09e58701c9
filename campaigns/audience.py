"""Stage 1: customers in, assignments out (segments), plus opt-outs from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from fanzha.campaigns.customers import CustomerSource
from fanzha.campaigns.spec import Campaign
from fanzha.campaigns.workspace import Workspace


@dataclass
class Audience:
    """A campaign's customers, their assignments and what could not be used."""

    customers: pd.DataFrame
    assignments: pd.DataFrame
    rejected: pd.DataFrame
    personalization_opt_out: frozenset[str]
    load_note: str = ""  # the customer file's encoding and first rejected rows, for the screen


def segment_specs(campaign: Campaign):  # type: ignore[no-untyped-def]
    """The campaign's audience and segments as the segments package wants them."""
    from fanzha.campaigns.segment_rules import rules_of

    rules = rules_of(campaign)
    return rules.audience, rules.segments


def opt_outs(ws: Workspace | None) -> tuple[frozenset[str], frozenset[str]]:
    """Customers who opted out entirely, and those who refused personalization."""
    if ws is None:
        return frozenset(), frozenset()
    from fanzha.delivery.campaign_reads import opt_outs as stored

    return stored(ws.engine)


def stored_opt_outs(ws: Workspace) -> frozenset[str]:
    """Customers who opted out entirely, if the store exists yet (reading never creates it)."""
    url = ws.settings.db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return frozenset()
    return opt_outs(ws)[0]


def load_audience(
    campaign: Campaign,
    customers: CustomerSource,
    ws: Workspace,
    *,
    as_of: date,
    engine: str = "pandas",
    use_store: bool = True,
    write_rejected: bool = False,
) -> Audience:
    """Load the customers and assign every row (rejected rows are kept, with reasons)."""
    from fanzha.campaigns import customers as C

    loaded = C.load(customers, ws.schema, write_rejected=write_rejected)
    aud = assign_loaded(
        campaign,
        loaded.frame,
        ws,
        as_of=as_of,
        engine=engine,
        outs=opt_outs(ws if use_store else None),
    )
    written = C.rejected_path_for(customers) if write_rejected else None
    note = loaded.describe(written if not loaded.rejected.empty else None)
    return Audience(
        aud.customers, aud.assignments, loaded.rejected, aud.personalization_opt_out, note
    )


def assign_loaded(
    campaign: Campaign,
    frame: pd.DataFrame,
    ws: Workspace,
    *,
    as_of: date,
    outs: tuple[frozenset[str], frozenset[str]],
    engine: str = "pandas",
) -> Audience:
    """Assign checked customers (a whole file, or one chunk of a streamed run)."""
    from fanzha.campaigns.control import apply_control, global_control
    from fanzha.segments import assign

    all_out, no_personal = outs
    audience, segments = segment_specs(campaign)
    assignments = assign(
        frame,
        audience,
        segments,
        opted_out=all_out,
        as_of=as_of,
        engine=engine,
        all_matches=campaign.match == "all",
    )
    # The bank's global control group hears from no campaign; holdouts are drawn outside it.
    assignments = apply_control(assignments, global_control(ws.settings), campaign.starts)
    return Audience(frame, assignments, frame.iloc[:0], no_personal)


def contacted(aud: Audience) -> pd.DataFrame:
    """Eligible, not held out, matched: customer_id, segment, locale, timezone, large_text."""
    a = aud.assignments
    mask = a["eligible"].astype(bool) & ~a["holdout"].astype(bool) & (a["segment"].fillna("") != "")
    cols = ["customer_id", "locale", "timezone", "large_text"]
    merged = a.loc[mask, ["customer_id", "segment"]].merge(
        aud.customers[cols], on="customer_id", how="left"
    )
    merged["large_text"] = merged["large_text"].fillna(False).astype(bool)
    return merged


def counts(aud: Audience) -> dict[str, object]:
    """Eligible, held out, excluded by reason, matched per segment, unmatched."""
    a = aud.assignments
    eligible = a["eligible"].astype(bool)
    holdout = a["holdout"].astype(bool)
    excluded = a.loc[~eligible, "reason"].astype(str).value_counts().sort_index()
    matched = (
        a.loc[eligible & ~holdout & (a["segment"] != ""), "segment"].astype(str).value_counts()
    )
    return {
        "customers": len(a),
        "rejected_rows": len(aud.rejected),
        "eligible": int(eligible.sum()),
        "held_out": int((eligible & holdout).sum()),
        "excluded": {str(k): int(v) for k, v in excluded.items() if v},
        "matched": {str(k): int(v) for k, v in sorted(matched.items()) if v and k},
        "unmatched": int((eligible & ~holdout & (a["segment"] == "")).sum()),
    }


def assignment_rows(campaign: Campaign, aud: Audience) -> pd.DataFrame:
    """Each customer's assignment as the store keeps it (for triggers and the report)."""
    from fanzha.delivery.campaign_store import ASSIGNMENT_COLUMNS

    a = aud.assignments.merge(
        aud.customers[["customer_id", "locale", "timezone"]], on="customer_id", how="left"
    )
    frame = a.assign(campaign_id=campaign.id, version=campaign.version)
    frame = frame.fillna(
        {"segment": "", "reason": "", "locale": campaign.locale, "timezone": campaign.timezone}
    )
    return frame[ASSIGNMENT_COLUMNS]
