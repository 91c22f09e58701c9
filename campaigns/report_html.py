"""The report page: one HTML file in the campaign's language, tables that fit 1440 px or scroll.

Numbers carry their intervals and method names; every warning (SRM, small holdout) is shown
before the effects it concerns. Figures are PNG files beside the page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from fanzha.campaigns.report_analysis import Analysis
from fanzha.campaigns.report_data import CUSTOMER_STAGES
from fanzha.campaigns.report_format import est, pct, pval, table
from fanzha.campaigns.report_sections import effects, experiment, guardrails

CSS = """
body{font:15px/1.55 "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
 color:#1d2430;margin:0;background:#f6f7f9}
main{max-width:1400px;margin:0 auto;padding:1.5rem 1.5rem 3rem;background:#fff;box-sizing:border-box}
h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:2px solid #e3e7ee;padding-bottom:.2rem}
h3{font-size:1.02rem;margin:1.2rem 0 .3rem}.meta{color:#5b6575;margin:0 0 1rem}
.scroll{overflow-x:auto;max-width:100%;margin:.4rem 0 .8rem}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
td,th{border:1px solid #d5dbe5;padding:.26rem .45rem;text-align:right;white-space:nowrap}
th{white-space:normal;word-break:keep-all;vertical-align:bottom;min-width:4em;max-width:11em}table.wrap td{white-space:normal}
th{background:#eef2f8;font-weight:600}td.l,th.l{text-align:left}tr.total td{font-weight:600;background:#fafbfc}
.note{color:#4a5363;font-size:.9rem;max-width:70em}.warn{background:#fff4e5;border-left:4px solid #e07b00;padding:.5rem .8rem;margin:.5rem 0}
.ok{background:#eef8f0;border-left:4px solid #2a9d4b;padding:.5rem .8rem;margin:.5rem 0}
.summary{background:#f1f5fb;border:1px solid #d5dbe5;padding:.7rem 1rem;border-radius:6px}
.tag{display:inline-block;background:#1b6ca8;color:#fff;border-radius:3px;padding:0 .4rem;font-size:.8rem}
img{max-width:100%;height:auto;border:1px solid #eef0f3}.figs{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
code{background:#eef0f3;padding:0 .25rem;border-radius:3px}
"""


@dataclass
class Page:
    """What the page shows besides the analysis."""

    campaign_id: str
    name: str
    version: str
    period: str
    as_of: str
    locale: str
    customers: pd.DataFrame  # per segment: eligible, held_out, contacted, scheduled, sent, ...
    global_control: int
    epoch: str
    messages: pd.DataFrame
    figures: dict[str, str]
    data_files: Sequence[str]


def render(page: Page, a: Analysis, t: dict[str, str]) -> str:
    """The whole page."""
    lang = "zh-CN" if page.locale == "zh-CN" else "en"
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(page.name)} · {t['title']}</title><style>{CSS}</style></head><body><main>",
        f"<h1>{html.escape(page.name)}</h1>",
        f"<p class='meta'>{t['title']} · {t['campaign']} <code>{html.escape(page.campaign_id)}</code> · "
        f"{t['version']} {html.escape(page.version)} · {t['period']} {html.escape(page.period)} · "
        f"{t['as_of']} {html.escape(page.as_of)}</p>",
        _summary(page, a, t),
        *_funnels(page, t),
        *_srm(a, t),
    ]
    if not a.has_outcomes:
        parts.append(
            f"<h2>{t['primary']}</h2><p class='warn'>{t['no_outcomes'].format(cid=html.escape(page.campaign_id))}</p>"
        )
    else:
        parts += effects(page.figures, a, t)
    parts += guardrails(a, t)
    for e in a.experiments:
        parts += experiment(e, page.figures, t)
    if a.secondary is not None and len(a.secondary):
        s = a.secondary
        rows = [
            (
                r.segment,
                r.outcome,
                r.n_contacted,
                pct(r.rate_contacted),
                r.n_holdout,
                pct(r.rate_holdout),
                f"{r.difference * 100:.2f} [{r.ci_low * 100:.2f}, {r.ci_high * 100:.2f}]",
            )
            for r in s.itertuples()
        ]
        parts += [
            f"<h2>{t['secondary']}</h2>",
            table(
                [
                    t["segment"],
                    t["outcome"],
                    t["contacted"],
                    t["rate_only"],
                    t["held_out"],
                    t["rate_only"],
                    t["difference"],
                ],
                rows,
                left=2,
            ),
        ]
    files = " · ".join(f"<a href='{html.escape(f)}'>{html.escape(f)}</a>" for f in page.data_files)
    parts += [
        f"<p class='note'>{t['data']}: {files}</p>",
        f"<p class='note'>{t['methods']}</p>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


def _summary(page: Page, a: Analysis, t: dict[str, str]) -> str:
    lines = []
    c = page.customers
    lines.append(
        f"{t['eligible']} {int(c['eligible'].sum()):,} · {t['contacted']} {int(c['contacted'].sum()):,} · "
        f"{t['held_out']} {int(c['held_out'].sum()):,}"
        + (f" · {t['global_control']} {page.global_control:,}" if page.global_control else "")
    )
    if a.overall is not None:
        o = a.overall
        lines.append(
            f"{html.escape(a.primary)}：{t['contacted']} {pct(o.treatment.rate.value)} · "
            f"{t['held_out']} {pct(o.control.rate.value)} · {t['difference']} {est(o.difference)} · "
            f"{t['relative']} {est(o.relative_change, 100, 1, '%')} · {t['p']} {pval(o.test.p_value)}"
        )
        d = o.difference
        key = (
            "verdict_none"
            if d.low <= 0 <= d.high
            else ("verdict_sig_down" if d.value < 0 else "verdict_sig_up")
        )
        lines.append("<b>" + t[key].format(metric=html.escape(a.primary)) + "</b>")
    if a.srm is not None and a.srm.mismatch:
        lines.append(t["srm_bad"].format(stat=a.srm.statistic, p=a.srm.p_value))
    warn = [pc for _, pc in a.power if not pc.adequate]
    if warn:
        lines.append(t["power_summary"].format(k=len(warn), n=len(a.power)))
    return "<div class='summary'>" + "<br>".join(lines) + "</div>"


def _funnels(page: Page, t: dict[str, str]) -> list[str]:
    c = page.customers
    rows = [[r["segment"], *(int(r[k]) for k in CUSTOMER_STAGES)] for _, r in c.iterrows()]
    rows.append([t["total"], *(int(c[k].sum()) for k in CUSTOMER_STAGES)])
    heads = [t.get(f"c_{k}", t[k]) for k in CUSTOMER_STAGES]
    out = [
        f"<h2>{t['customer_funnel']}</h2>",
        f"<p class='note'>{t['customer_funnel_note']}</p>",
        table([t["segment"], *heads], rows, total=True),
    ]
    if page.global_control:
        epoch = f" · {t['epoch']} {html.escape(page.epoch)}" if page.epoch else ""
        out.append(f"<p class='note'>{t['global_control']}: {page.global_control:,}{epoch}</p>")
    m = page.messages
    mcols = [k for k in m.columns if k not in ("segment", "variant", "eligible", "held_out")]
    heads = [_column(k, t) for k in mcols]
    mrows = [[r["segment"], r["variant"], *(int(r[k]) for k in mcols)] for _, r in m.iterrows()]
    out += [
        f"<h2>{t['message_funnel']}</h2>",
        f"<p class='note'>{t['message_funnel_note']}</p>",
        table([t["segment"], t["variant"], *heads], mrows, left=2),
    ]
    out.append(
        "<div class='figs'>"
        + "".join(
            f"<img src='{page.figures[k]}' alt='{t['figure_' + k]}'>"
            for k in ("customers", "messages")
            if k in page.figures
        )
        + "</div>"
    )
    return out


def _srm(a: Analysis, t: dict[str, str]) -> list[str]:
    if a.srm is None:
        return []
    s = a.srm
    rows = [
        (t.get(r.arm, r.arm), pct(r.declared_share, 1), r.observed, pct(r.observed_share, 2))
        for r in s.arms
    ]
    msg = t["srm_bad" if s.mismatch else "srm_ok"].format(stat=s.statistic, p=s.p_value)
    return [
        f"<h2>{t['srm']}</h2>",
        f"<p class='{'warn' if s.mismatch else 'ok'}'>{msg}</p>",
        table([t["arm"], t["declared"], t["observed"], t["observed_share"]], rows),
    ]


def _column(key: str, t: dict[str, str]) -> str:
    """A message-funnel column in the page's language: a stage, or "state (reason)"."""
    if key in t:
        return t[key]
    state, _, reason = key.partition(" (")
    reason = reason.rstrip(")")
    shown = t.get(f"state_{state}", state)
    return f"{shown}（{t.get(f'reason_{reason}', reason)}）" if reason else shown
