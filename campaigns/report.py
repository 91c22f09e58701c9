"""``fanzha report``: the funnel per segment and variant, and holdout uplift, as HTML and CSV."""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from fanzha.campaigns.errors import CampaignFileError, CampaignNotFound, Problem
from fanzha.campaigns.report_risk import risk_report
from fanzha.campaigns.stats import uplift_table
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


def write_report(ws: Workspace, campaign_id: str, outcomes_path: Path | None, out: Path) -> Path:
    """Write funnel.csv, uplift.csv, plots and report.html into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    fun = funnel(ws, campaign_id)
    fun.to_csv(out / "funnel.csv", index=False)
    _funnel_plot(fun, out / "funnel.png")
    up = None
    if outcomes_path is not None:
        up = uplift_table(arms(ws, campaign_id), read_outcomes(outcomes_path))
        up.to_csv(out / "uplift.csv", index=False)
        _uplift_plot(up, out / "uplift.png")
    index = out / "report.html"
    risk = risk_report(ws, campaign_id, out)  # the risk-prompt section (report_risk.py)
    index.write_text(_html(campaign_id, fun, up) + risk, encoding="utf-8")
    return index


def _funnel_plot(fun: pd.DataFrame, path: Path) -> None:
    by_segment = fun.groupby("segment")[
        ["eligible", "held_out", "scheduled", "sent", "delivered", "read", "dismissed"]
    ].sum()
    by_segment[["eligible", "held_out"]] = fun.groupby("segment")[["eligible", "held_out"]].first()
    ax = by_segment.plot.bar(figsize=(9, 4.5), rot=0, width=0.8)
    ax.set_title("Funnel per segment")
    ax.set_ylabel("customers / messages")
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=110)
    plt.close(ax.figure)


def _uplift_plot(up: pd.DataFrame, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(9, 0.6 * max(len(up), 3) + 1))
    labels = up["segment"] + " · " + up["outcome"]
    ax.errorbar(
        up["difference"] * 100,
        range(len(up)),
        xerr=[(up["difference"] - up["ci_low"]) * 100, (up["ci_high"] - up["difference"]) * 100],
        fmt="o",
        capsize=4,
    )
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(range(len(up)), labels)
    ax.set_xlabel("contacted − holdout, percentage points (95% CI)")
    ax.set_title("Holdout uplift")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _html(campaign_id: str, fun: pd.DataFrame, up: pd.DataFrame | None) -> str:
    audience = fun.groupby("segment")[["eligible", "held_out"]].first().reset_index()
    audience["contacted"] = audience["eligible"] - audience["held_out"]
    messages = fun.drop(columns=["eligible", "held_out"])
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>fanzha report: "
        + html.escape(campaign_id)
        + "</title>",
        "<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem}"
        ".scroll{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0}"
        "td,th{border:1px solid #ccd;padding:.3rem .6rem;text-align:right;white-space:nowrap}th{background:#eef}"
        "td:first-child,td:nth-child(2){text-align:left}img{max-width:100%}</style>",
        f"<h1>Campaign report: {html.escape(campaign_id)}</h1>",
        "<h2>Customers per segment</h2>",
        _table(audience),
        "<h2>Pushes and feed reads per segment and variant</h2>",
        "<p>Scheduled, sent and delivered count pushes; read and dismissed count feed items; the "
        "other columns count pushes by final state and reason.</p>",
        _table(messages),
        "<p><img src='funnel.png' alt='Funnel per segment: eligible, held out, scheduled, sent, delivered, read, dismissed'></p>",
        "<p>Data: <a href='funnel.csv'>funnel.csv</a></p>",
    ]
    if up is not None:
        shown = up.copy()
        for col in ("rate_contacted", "rate_holdout", "difference", "ci_low", "ci_high"):
            shown[col] = (shown[col] * 100).map(lambda v: f"{v:.2f}%")
        parts += [
            "<h2>Holdout uplift (contacted − holdout, 95% Newcombe hybrid score interval)</h2>",
            _table(shown),
            "<p><img src='uplift.png' alt='Uplift per segment and outcome with 95% confidence intervals'></p>",
            "<p>An interval that crosses zero means the campaign's effect on that outcome is not "
            "distinguishable from none at this sample size.</p>",
            "<p>Data: <a href='uplift.csv'>uplift.csv</a></p>",
        ]
    return "\n".join(parts)


def _table(frame: pd.DataFrame) -> str:
    return "<div class='scroll'>" + frame.to_html(index=False, border=0) + "</div>"
