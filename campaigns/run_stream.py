"""``fanzha run`` in chunks of customers: memory bounded by the chunk, not the file.

First pass, before the store is written: per chunk of customers (``run_chunks``), assign,
schedule and pick content; the picks, assignments and risk profiles wait on disk
(``run_stage``). Then the rate spread over every push at once, from sort keys only. Second
pass, in the store's one transaction (``delivery.campaign_store.commit_pieces``): per chunk,
copy, render (each combination once per run), build the messages and enqueue them. The
result is the same as one chunk of the whole file: same messages, ids, send times, rejected
rows and counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from fanzha.campaigns import audience as A
from fanzha.campaigns import messages as M
from fanzha.campaigns import picking as P
from fanzha.campaigns import risk_prep as R
from fanzha.campaigns.customers import CustomerSource
from fanzha.campaigns.run_chunks import CustomerChunks
from fanzha.campaigns.run_stage import Stage, spread_keys, spread_times
from fanzha.campaigns.spec import Campaign
from fanzha.campaigns.workspace import Workspace

PIECE = 25_000  # picks per piece of messages (a message per pick and channel)


@dataclass
class FirstPass:
    """What the first pass adds up over the chunks."""

    counts: dict[str, Any] = field(default_factory=dict)
    customers: int = 0
    sample: list[pd.DataFrame] = field(default_factory=list)  # one person per segment and zone
    risk: list[pd.DataFrame] = field(default_factory=list)  # risk prompt combinations
    note: str = ""


def first_pass(
    ws: Workspace,
    campaign: Campaign,
    customers: CustomerSource,
    now: datetime,
    owed: pd.DataFrame,
    stage: Stage,
    rows: int,
) -> FirstPass:
    """Assign, schedule and pick per chunk; stage the results; add up the counts."""
    from fanzha.campaigns.waves import backlog_since

    out = FirstPass()
    chunks = CustomerChunks(customers, ws.schema, rows, write_rejected=True)
    outs = A.opt_outs(ws)
    arms = P.arm_state(ws, campaign, True)
    past = P.history(ws, None, now, rebuilding=campaign)
    since = backlog_since(owed, now) if not owed.empty else None
    risk_columns = R.risk_columns(ws, campaign)
    totals: list[dict[str, Any]] = []
    for frame in chunks:
        aud = A.assign_loaded(campaign, frame, ws, as_of=now.date(), outs=outs)
        mine = owed[owed["customer_id"].isin(frame[ws.schema.id_column])] if since else None
        people, picks = P.choose(
            ws, campaign, aud, now, arms=arms, past=past, backlog=mine, since=since
        )
        if "push" in campaign.channels and not picks.empty:
            stage.keys.append(spread_keys(campaign, picks))
        stage.add(P.finish(picks, people, aud), A.assignment_rows(campaign, aud))
        if risk_columns is not None:
            profiles = R.chunk_profiles(ws, campaign, aud, risk_columns, now)
            stage.add_risk(profiles)
            out.risk.append(R.profile_combinations([profiles]))
        totals.append(A.counts(aud))
        out.sample.append(people.drop_duplicates(["segment", "timezone"]))
        out.customers += len(frame)
    assert chunks.loaded is not None
    out.note = chunks.note()
    out.counts = _add_counts(totals, len(chunks.loaded.rejected))
    return out


def _add_counts(parts: list[dict[str, Any]], rejected: int) -> dict[str, Any]:
    """``audience.counts`` of the whole file from the chunks' counts."""
    plain = ("customers", "eligible", "held_out", "unmatched")
    total: dict[str, Any] = {k: sum(int(p[k]) for p in parts) for k in plain}
    excluded: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    for p in parts:
        excluded.update(p["excluded"])
        matched.update(p["matched"])
    return {
        "customers": total["customers"],
        "rejected_rows": rejected,
        "eligible": total["eligible"],
        "held_out": total["held_out"],
        "excluded": {k: v for k, v in sorted(excluded.items()) if v},
        "matched": {k: v for k, v in sorted(matched.items()) if v},
        "unmatched": total["unmatched"],
    }


@dataclass
class SecondPass:
    """Builds each staged chunk's messages when the store asks for them."""

    ws: Workspace
    campaign: Campaign
    stage: Stage
    spread: np.ndarray | None
    copies: dict[M.CopyKey, Any] = field(default_factory=dict)
    images: pd.DataFrame | None = None
    built: int = 0
    first_due: dict[str, pd.Timestamp] = field(default_factory=dict)

    def assignments(self) -> Iterator[pd.DataFrame]:
        """The staged assignments, chunk by chunk."""
        for i in range(self.stage.chunks):
            yield self.stage.assignments(i)

    def messages(self) -> Iterator[pd.DataFrame]:
        """The outbox rows, piece by piece, push send times spread over the whole run."""
        offsets = self.stage.offsets()
        for i in range(self.stage.chunks):
            picks = self.stage.picks(i)
            # Messages repeat each pick's copy and alt text per channel: a piece of PIECE
            # picks at a time keeps that text to tens of megabytes.
            for start in range(0, len(picks), PIECE):
                yield self._piece(picks.iloc[start : start + PIECE], offsets[i] + start)

    def _piece(self, picks: pd.DataFrame, offset: int) -> pd.DataFrame:
        rows = self._build(picks)
        if self.spread is not None:
            push = (rows["channel"] == "push").to_numpy()
            times = self.spread[offset : offset + len(picks)]
            rows.loc[push, "due_at"] = pd.to_datetime(times, unit="us", utc=True)
        self.built += len(rows)
        for segment, when in rows.groupby("segment")["due_at"].min().items():
            key = str(segment)
            self.first_due[key] = min(self.first_due.get(key, when), when)
        return rows

    def renders(self) -> int:
        """Unique card renders of the run (combinations can share a render)."""
        if self.images is None:
            return 0
        return int(self.images.loc[self.images["image_key"] != "", "image_key"].nunique())

    def set_aside(self) -> list[str]:
        """Renders the renderer refused: which content, and why (their messages go text-only)."""
        if self.images is None:
            return []
        bad = self.images[self.images["render_error"] != ""]
        return [
            f"{r.warning_id}/{r.variant}/{r.copy_locale}"
            + (f" for {r.segment}" if r.segment else "")
            + (" (large text)" if r.large_text else "")
            + f": {r.render_error}"
            for r in bad.itertuples(index=False)
        ]

    def _build(self, picks: pd.DataFrame) -> pd.DataFrame:
        keys = picks[["warning_id", "variant", "copy_locale", "segment"]].drop_duplicates()
        todo = [k for k in keys.itertuples(index=False) if M.CopyKey(*k) not in self.copies]
        if todo:
            wanted = pd.DataFrame(todo, columns=keys.columns)
            self.copies.update(M.resolve_copies(self.ws, self.campaign, wanted))
        combo = ["warning_id", "variant", "copy_locale", "segment", "large_text"]
        new = picks[combo].drop_duplicates()
        if self.images is not None:
            seen = new.merge(self.images[combo], on=combo, how="left", indicator=True)
            new = new[(seen["_merge"] == "left_only").to_numpy()]
        if not new.empty:
            made = M.render_cards(self.ws, self.campaign, new, self.copies)
            self.images = made if self.images is None else pd.concat([self.images, made])
        assert self.images is not None
        return M.build_messages(self.ws, self.campaign, picks, self.copies, self.images)


def risk_seen(first: FirstPass) -> pd.DataFrame | None:
    """The risk prompt combinations of every chunk, in order of appearance (None: no prompts)."""
    if not first.risk:
        return None
    return pd.concat(first.risk, ignore_index=True).drop_duplicates()


def spread_of(campaign: Campaign, stage: Stage) -> np.ndarray | None:
    """Every push's spread send time, in staging order (None: the campaign sends none)."""
    if "push" not in campaign.channels:
        return None
    return spread_times(stage.keys, campaign.rate_per_s)
