"""``fanzha report``: the funnels, and the campaign's effect as a statistician would report it.

The data this module reads from the store are the message funnel (``funnel``) and the
customers' groups (``arms``); the rest is in ``report_data``, the statistics in
``report_analysis`` and the page in ``report_html`` (see docs/STATISTICS.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from fanzha.campaigns.errors import CampaignFileError, CampaignNotFound, Problem
from fanzha.campaigns.report_risk import risk_report
from fanzha.campaigns.workspace import Workspace

STAGES = ["eligible", "held_out", "scheduled", "sent", "delivered", "read", "dismissed"]


def funnel(ws: Workspace, campaign_id: str) -> pd.DataFrame:
    """Counts per segment and variant through each stage, plus suppressions by reason."""
    from fanzha.delivery.campaign_reads import report_frames

    frames = report_frames(ws.engine, campaign_id)
    a, m, f = frames.assignments, frames.messages, frames.feed
    if a.empty:
        raise CampaignNotFound(
            f'no campaign "{campaign_id}" has been run against {ws.settings.db_url}'
        )
    a = a[a["segment"].fillna("") != ""]
    base = (
        a.groupby("segment")
        .agg(eligible=("eligible", "sum"), held_out=("holdout", "sum"))
        .reset_index()
    )
    push = m[m["channel"] == "push"]
    per = (
        push.groupby(["segment", "variant"])
        .agg(
            scheduled=("id", "size"),
            sent=("state", lambda s: int(s.isin(["sent", "delivered"]).sum())),
            delivered=("state", lambda s: int((s == "delivered").sum())),
        )
        .reset_index()
    )
    feed = m[m["channel"] == "feed"].merge(f, left_on="id", right_on="message_id", how="left")
    reads = (
        feed.groupby(["segment", "variant"])
        .agg(read=("read_at", "count"), dismissed=("dismissed_at", "count"))
        .reset_index()
    )
    sup = m[m["state"].isin(["suppressed", "cancelled", "dead", "rejected"])]
    sup = (
        sup.assign(key=sup["state"] + " (" + sup["reason"].fillna("no reason") + ")")
        .pivot_table(
            index=["segment", "variant"], columns="key", values="id", aggfunc="count", fill_value=0
        )
        .reset_index()
    )
    table = (
        base.merge(per, on="segment", how="left")
        .merge(reads, on=["segment", "variant"], how="left")
        .merge(sup, on=["segment", "variant"], how="left")
    )
    numeric = [c for c in table.columns if c not in ("segment", "variant")]
    table[numeric] = table[numeric].fillna(0).astype(int)
    return table.fillna({"variant": "-"})


def arms(ws: Workspace, campaign_id: str) -> pd.DataFrame:
    """Eligible, matched customers by arm: contacted or holdout."""
    from fanzha.delivery.campaign_reads import report_frames

    a = report_frames(ws.engine, campaign_id).assignments
    a = a[a["eligible"].astype(bool)]
    a = a[a["segment"].fillna("") != ""]
    arm = np.where(a["holdout"].astype(bool), "holdout", "contacted")
    return a.assign(arm=arm)[["customer_id", "segment", "arm"]]


def read_outcomes(path: Path) -> pd.DataFrame:
    """An outcomes CSV (customer_id, outcome); bad files are errors with a line."""
    frame = pd.read_csv(path, dtype=str)
    missing = {"customer_id", "outcome"} - set(frame.columns)
    if missing:
        message = f"missing column(s) {', '.join(sorted(missing))}; expected customer_id,outcome"
        raise CampaignFileError([Problem(str(path), 1, 1, message)])
    blank = frame["customer_id"].isna() | frame["outcome"].isna()
    if blank.any():
        first = int(blank.to_numpy().argmax()) + 2  # +1 header, +1 one-based
        raise CampaignFileError([Problem(str(path), first, 1, "empty customer_id or outcome")])
    return frame[["customer_id", "outcome"]]


def write_report(
    ws: Workspace,
    campaign_id: str,
    outcomes_path: Path | None,
    out: Path,
    *,
    as_of: date | None = None,
) -> Path:
    """Write report.html (in the campaign's language), its figures and CSVs into ``out``.

    Outcomes come from ``outcomes_path`` when given, else from ``fanzha outcomes import``.
    """
    from fanzha.campaigns import report_data as D
    from fanzha.campaigns.report_analysis import analyse
    from fanzha.campaigns.report_html import Page, render
    from fanzha.campaigns.report_labels import labels

    out.mkdir(parents=True, exist_ok=True)
    fun = funnel(ws, campaign_id)
    fun.to_csv(out / "funnel.csv", index=False)
    campaign, name, version = D.stored_campaign(ws, campaign_id)
    groups = arms(ws, campaign_id)
    data = D.gather(ws, campaign, groups, outcomes_path)
    when = as_of or D.as_of(campaign, data.outcomes)
    analysis = analyse(
        campaign,
        groups,
        data.activity,
        data.outcomes,
        as_of=when,
        opt_outs=data.opt_outs,
        messages_sent=int(fun["sent"].sum()),
        arms=data.arms,
        events=data.events,
        arm_names=(labels(campaign.locale)["contacted"], labels(campaign.locale)["held_out"]),
    )
    customers = D.customer_funnel(fun, groups, data.activity)
    customers.to_csv(out / "customers.csv", index=False)
    files = ["funnel.csv", "customers.csv"]
    if data.outcomes is not None and not data.outcomes.empty:
        D.uplift(campaign, groups, data.outcomes).to_csv(out / "uplift.csv", index=False)
        files.append("uplift.csv")
    figures = D.figures(campaign, customers, fun, analysis, out)
    t = labels(campaign.locale)
    page = Page(
        campaign_id,
        name or campaign.name,
        version,
        f"{campaign.starts} – {campaign.ends}",
        when.isoformat(),
        campaign.locale,
        customers,
        data.control,
        data.epoch,
        fun,
        figures,
        files,
    )
    index = out / "report.html"
    risk = risk_report(ws, campaign_id, out, campaign.locale)  # report_risk.py
    html = render(page, analysis, t).replace(
        "</main></body></html>", risk + "</main></body></html>"
    )
    index.write_text(html, encoding="utf-8")
    return index
