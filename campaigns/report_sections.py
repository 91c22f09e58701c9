"""The report's analysis sections: primary outcome, segments, weeks, power, rare outcomes,
guardrails and experiments (with the bandit's history)."""

from __future__ import annotations

import html
import math
from typing import Any

from fanzha.campaigns import stats as S
from fanzha.campaigns.report_analysis import Analysis, ExperimentResult
from fanzha.campaigns.report_format import est, pct, pval, table
from fanzha.campaigns.report_labels import method_name

__all__ = ["effects", "experiment", "guardrails"]


def _img(figures: dict[str, str], key: str, t: dict[str, str]) -> str:
    return f"<p><img src='{figures[key]}' alt='{t['figure_' + key]}'></p>" if key in figures else ""


def _compare_row(label: str, c: S.ProportionComparison) -> list[Any]:
    return [
        label,
        c.treatment.n,
        c.treatment.events,
        est(c.treatment.rate),
        c.control.n,
        c.control.events,
        est(c.control.rate),
        est(c.difference),
        est(c.relative_change, 100, 1, "%"),
        pval(c.test.p_value),
    ]


def _compare_heads(t: dict[str, str], first: str) -> list[str]:
    return [
        first,
        t["contacted"],
        t["events"],
        t["rate"],
        t["held_out"],
        t["events"],
        t["rate"],
        t["difference"],
        t["relative"],
        t["p"],
    ]


def effects(figures: dict[str, str], a: Analysis, t: dict[str, str]) -> list[str]:
    """Primary outcome (fixed, CUPED and always-valid), segments, weeks, power, rare outcomes."""
    out = [
        f"<h2>{t['primary']}</h2>",
        f"<p class='note'>{t['primary_note'].format(metric=html.escape(a.primary), days=a.window_days)}</p>",
    ]
    if a.overall is not None:
        rows = [_compare_row(a.primary, a.overall)]
        out.append(table(_compare_heads(t, t["outcome"]), rows))
        methods = [
            f"{t['difference']}: {method_name(a.overall.difference.method, t)}",
            f"{t['relative']}: {method_name(a.overall.relative_change.method, t)}",
            f"{t['p']}: {method_name(a.overall.test.method, t)}",
        ]
        methods.insert(0, t["direction"])
        out.append("<p class='note'>" + "<br>".join(html.escape(m) for m in methods) + "</p>")
    if a.cuped is not None:
        c = a.cuped
        out += [
            f"<h3>{t['cuped']}</h3>",
            table(
                [t["method"], t["difference"]],
                [("CUPED", est(c.adjusted)), (t["unadjusted"], est(c.unadjusted))],
            ),
            f"<p class='note'>{t['cuped_note'].format(vr=c.variance_reduction, theta=c.slope)} "
            f"{t['cuped_vs_newcombe']}</p>",
        ]
    if a.sequential is None and a.overall is not None:
        out += [f"<h3>{t['always_valid']}</h3>", f"<p class='note'>{t['seq_too_few']}</p>"]
    if a.sequential is not None:
        last = a.sequential.latest
        out += [
            f"<h3>{t['always_valid']} <span class='tag'>{t['always_valid_tag']}</span></h3>",
            table(
                [t["week"], t["contacted"], t["held_out"], t["difference"], t["p"]],
                [
                    (
                        week,
                        look.n_treatment,
                        look.n_control,
                        est(look.difference),
                        pval(look.p_value_always_valid),
                    )
                    for week, look in zip(a.sequential_weeks, a.sequential.looks, strict=True)
                ],
            ),
            f"<p class='note'>{t['always_valid_note']} ({html.escape(method_name(last.difference.method, t))})</p>",
        ]
    if a.segments is not None and a.segments.effects:
        rows = []
        for e in a.segments.effects:
            rows.append([*_compare_row(e.segment, e.comparison), pval(e.p_adjusted), e.discovery])
        out += [
            f"<h2>{t['segments']}</h2>",
            table([*_compare_heads(t, t["segment"]), t["p_adj"], t["discovery"]], rows),
            _img(figures, "segments", t),
        ]
    if a.weekly is not None:
        rows = [_compare_row(f"{w.week + 1}", w.comparison) for w in a.weekly.weeks]
        out += [
            f"<h2>{t['weekly']}</h2>",
            table(_compare_heads(t, t["week"]), rows),
            _img(figures, "weekly", t),
        ]
    out += _power(a, t)
    out += _rare(a, t)
    return out


def _power(a: Analysis, t: dict[str, str]) -> list[str]:
    out = [f"<h2>{t['power']}</h2>"]
    if a.mde is not None and a.overall is not None:
        m = a.mde
        key = "mde_line" if m.detectable else "mde_none"
        mde = f"{-m.relative:.1%}" if m.detectable else ""
        out.append(
            f"<p>{t[key].format(n1=m.n_treatment, n0=m.n_control, p=m.p_control, mde=mde)}</p>"
        )
    for seg, pc in a.power:
        if pc.reason and math.isnan(pc.achieved_power):
            out.append(
                f"<p class='note'>{html.escape(t['power_none'].format(segment=seg, reason=pc.reason))}</p>"
            )
        elif not pc.adequate and pc.needed is not None:
            msg = t["power_warn"].format(
                segment=seg,
                n0=pc.n_control,
                base=pc.base_rate,
                power=pc.achieved_power,
                need0=pc.needed.n_control,
                need=pc.needed.total,
            )
            out.append(f"<p class='warn'>{html.escape(msg)}</p>")
        else:
            out.append(
                f"<p class='ok'>{html.escape(t['power_ok'].format(segment=seg, n0=pc.n_control, power=pc.achieved_power))}</p>"
            )
    return out


def _rare(a: Analysis, t: dict[str, str]) -> list[str]:
    if a.rare is None:
        return []
    r = a.rare
    out = [
        f"<h2>{t['rare']}</h2>",
        table(
            [
                t["contacted"] + " " + t["rate_per_1000"],
                t["held_out"] + " " + t["rate_per_1000"],
                t["rate_ratio"],
                t["p"],
            ],
            [
                (
                    est(r.rate_treatment, 1000, 3),
                    est(r.rate_control, 1000, 3),
                    est(r.ratio, 1, 3),
                    pval(r.test.p_value),
                )
            ],
            left=0,
        ),
    ]
    out.append(
        f"<p class='note'>{html.escape(method_name(r.ratio.method, t))}; {html.escape(method_name(r.test.method, t))}</p>"
    )
    p = a.prevention
    if p is not None:
        rows = [(t["cases_prevented"], est(p.cases_prevented, 1, 1))]
        if p.cost_per_prevented_case is not None:
            rows.append((t["cost_per_case"], est(p.cost_per_prevented_case, 1, 0)))
        if p.losses_prevented is not None:
            rows.append((t["losses_prevented"], est(p.losses_prevented, 1, 0)))
        out.append(table(["", ""], rows))
    return out


def guardrails(a: Analysis, t: dict[str, str]) -> list[str]:
    """Opt-out and complaint rates, contacted against holdout."""
    rows, notes = [], []
    for name, c in a.guardrails:
        if c is None:
            notes.append(t["no_complaints"] if name == "complaint" else "")
            continue
        rows.append(_compare_row(t[name], c))
    out = [f"<h2>{t['guardrails']}</h2>"]
    if rows:
        out.append(table(_compare_heads(t, ""), rows))
    out += [f"<p class='note'>{n}</p>" for n in notes if n]
    return out


def experiment(e: ExperimentResult, figures: dict[str, str], t: dict[str, str]) -> list[str]:
    """One experiment: arms, comparisons against the first arm, SRM, the bandit's history."""
    mode = t["mode_bandit"] if e.mode == "bandit" else t["mode_fixed"]
    out = [
        f"<h2>{t['experiments']}: {html.escape(e.id)}</h2>",
        f"<p class='note'>{t['segment']} {html.escape(e.segment)} · {mode} · {t['metric']} {html.escape(e.metric)}</p>",
    ]
    rows = [
        (r["arm"], pct(r["declared"], 0), r["customers"], r["successes"], _wilson(r))
        for r in e.arms
    ]
    out.append(table([t["arm"], t["declared"], t["customers"], t["successes"], t["rate"]], rows))
    if e.comparisons:
        crow = [
            (c.label, est(c.difference), est(c.relative_change, 100, 1, "%"), pval(c.test.p_value))
            for c in e.comparisons
        ]
        out += [
            f"<h3>{t['vs_first']}</h3>",
            table([t["arm"], t["difference"], t["relative"], t["p"]], crow),
        ]
    if e.srm is not None:
        s = e.srm
        msg = t["srm_bad" if s.mismatch else "srm_ok"].format(stat=s.statistic, p=s.p_value)
        out.append(f"<p class='{'warn' if s.mismatch else 'ok'}'>{t['srm']}: {msg}</p>")
    elif e.mode == "bandit":
        out.append(f"<p class='note'>{t['srm_na']}</p>")
    if e.mode == "bandit":
        out.append(f"<h3>{t['history']}</h3>")
        if not e.history:
            out.append(f"<p class='note'>{t['no_history']}</p>")
        else:
            out.append(
                table(
                    [
                        t["wave"],
                        t["time"],
                        t["kind"],
                        t["counts"],
                        t["weights_before"],
                        t["weights_after"],
                        t["p_leader"],
                        t["moved"],
                    ],
                    [_history_row(h, t) for h in e.history],
                    left=4,
                    wrap=True,
                )
            )
        out.append(
            _img(figures, f"weights_{e.id}", {**t, f"figure_weights_{e.id}": t["figure_weights"]})
        )
    return out


def _weights(pairs: Any) -> str:
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return " / ".join(f"{a} {float(w):.0%}" for a, w in items)


def _history_row(h: dict[str, Any], t: dict[str, str]) -> list[Any]:
    p = h["payload"]
    when = h["at"].strftime("%Y-%m-%d %H:%M") if h["at"] else ""
    if h["kind"] == "look":
        counts = " / ".join(f"{a} {s:,}/{n:,}" for a, (s, n) in p.get("counts", {}).items())
        w = _weights(p.get("weights", {}))
        return [h["wave"], when, t["look"], counts, w, w, "—", "0%"]
    counts = " / ".join(f"{a['arm']} {a['successes']:,}/{a['trials']:,}" for a in p["posterior"])
    return [
        h["wave"],
        when,
        t[h["kind"]],
        counts,
        _weights(p["weights_before"]),
        _weights(p["weights_after"]),
        f"{p['prob_leader_wins']:.3f}",
        f"{p['moved_share']:.0%}",
    ]


def _wilson(r: dict[str, Any]) -> str:
    if not r["customers"]:
        return "—"
    low, high = S.wilson(r["successes"], r["customers"])
    return f"{r['rate'] * 100:.2f}% [{low * 100:.2f}, {high * 100:.2f}]"
