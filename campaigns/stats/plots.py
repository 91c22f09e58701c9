"""Figures for the report: effect per segment, the weekly trend, the arms' weights over time.

Built on matplotlib's object API (``Figure`` with the Agg canvas): no pyplot, no global state,
no window, safe in threads. Each function returns a Figure; :func:`save_png` writes it. Text
falls back from DejaVu Sans to a CJK font (Noto Sans CJK, or ``font`` if given), so Chinese
segment names and labels draw; ``labels`` replaces any default title or axis label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from fanzha.campaigns.stats.uplift import SegmentEffects
from fanzha.campaigns.stats.weekly import WeeklyEffects
from matplotlib import dates, font_manager
from matplotlib.figure import Figure

if TYPE_CHECKING:  # the report passes them in; the figures never build one
    from fanzha.campaigns.bandit import WeightChange

__all__ = ["arm_weights_figure", "save_png", "segment_effects_figure", "weekly_trend_figure"]

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "PingFang SC")
DEFAULT_LABELS = {
    "segments_title": "Effect per segment (intention to treat)",
    "segments_x": "contacted − holdout, percentage points (95% Newcombe interval)",
    "segment_note": "n {treatment:,} vs {control:,} · adjusted p {p:.2g}",
    "discovery": "significant after Benjamini–Hochberg",
    "not_discovery": "not significant after Benjamini–Hochberg",
    "weekly_title": "Effect by week since the first send",
    "weekly_rates_y": "customers with the outcome that week, %",
    "weekly_diff_y": "difference, percentage points",
    "week": "week since the first send",
    "weights_title": "Arms' traffic weights over time",
    "weights_y": "share of new customers",
    "floor": "floor",
    "stopped": "stopped: winner",
}
COLOURS = ("#1b6ca8", "#e07b00", "#2a9d4b", "#c0392b", "#7d3c98", "#6b6b6b")


def _families(font: str | Path | None) -> list[str]:
    """DejaVu Sans first, then a CJK face for the glyphs it lacks."""
    names = ["DejaVu Sans"]
    if font is not None:
        font_manager.fontManager.addfont(str(font))
        names.append(font_manager.FontProperties(fname=str(font)).get_name())
    known = {f.name for f in font_manager.fontManager.ttflist}
    names += [name for name in CJK_FAMILIES if name in known][:1]
    return names


@contextmanager
def _style(font: str | Path | None) -> Iterator[None]:
    with matplotlib.rc_context({"font.family": _families(font), "font.size": 10}):
        yield


def save_png(figure: Figure, path: str | Path, *, dpi: int = 110) -> Path:
    """Write the figure as PNG (the Agg canvas; no display needed)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, dpi=dpi, format="png")
    return target


def segment_effects_figure(
    effects: SegmentEffects,
    *,
    labels: Mapping[str, str] | None = None,
    font: str | Path | None = None,
) -> Figure:
    """A forest plot: each segment's difference with its interval; filled = BH discovery."""
    text = {**DEFAULT_LABELS, **(labels or {})}
    rows = list(effects.effects)[::-1]  # first segment on top
    with _style(font):
        fig = Figure(figsize=(9, 0.55 * max(len(rows), 3) + 1.6), layout="constrained")
        ax = fig.add_subplot()
        for y, e in enumerate(rows):
            d = e.comparison.difference
            colour = COLOURS[0] if e.discovery else "#888888"
            ax.errorbar(
                [d.value * 100],
                [y],
                xerr=[[(d.value - d.low) * 100], [(d.high - d.value) * 100]],
                fmt="o",
                color=colour,
                mfc=colour if e.discovery else "white",
                capsize=4,
                lw=1.6,
            )
            c = e.comparison
            note = text["segment_note"].format(
                treatment=c.treatment.n, control=c.control.n, p=e.p_adjusted
            )
            ax.annotate(
                note, (1.01, y), xycoords=("axes fraction", "data"), va="center", fontsize=8
            )
        ax.axvline(0, color="#444444", lw=1)
        ax.set_yticks(range(len(rows)), [e.segment for e in rows])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel(text["segments_x"])
        ax.set_title(f"{text['segments_title']}: {effects.outcome}", loc="left")
        ax.plot([], [], "o", color=COLOURS[0], label=text["discovery"])
        ax.plot([], [], "o", color="#888888", mfc="white", label=text["not_discovery"])
        fig.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    return fig


def weekly_trend_figure(
    weekly: WeeklyEffects,
    *,
    labels: Mapping[str, str] | None = None,
    font: str | Path | None = None,
) -> Figure:
    """Rates per arm by week (top) and their difference with its interval (bottom)."""
    text = {**DEFAULT_LABELS, **(labels or {})}
    frame = weekly.to_frame()
    weeks = frame["week"] + 1 if len(frame) else frame["week"]
    with _style(font):
        fig = Figure(figsize=(9, 6), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True)
        if len(frame):
            arms = weekly.weeks[0].comparison
            for column, arm, colour in (
                ("rate_treatment", arms.treatment.arm, COLOURS[0]),
                ("rate_control", arms.control.arm, COLOURS[1]),
            ):
                top.plot(weeks, frame[column] * 100, "o-", color=colour, label=arm)
            top.legend(frameon=False)
            bottom.fill_between(
                weeks,
                frame["difference_low"] * 100,
                frame["difference_high"] * 100,
                color=COLOURS[0],
                alpha=0.2,
                lw=0,
            )
            bottom.plot(weeks, frame["difference"] * 100, "o-", color=COLOURS[0])
        bottom.axhline(0, color="#444444", lw=1)
        top.set_ylabel(text["weekly_rates_y"])
        bottom.set_ylabel(text["weekly_diff_y"])
        bottom.set_xlabel(text["week"])
        bottom.xaxis.get_major_locator().set_params(integer=True)
        top.set_title(text["weekly_title"], loc="left")
        for ax in (top, bottom):
            ax.grid(alpha=0.3)
    return fig


def arm_weights_figure(
    history: Sequence[WeightChange],
    initial: Mapping[str, float],
    started: dt.datetime,
    *,
    floor: float | None = None,
    labels: Mapping[str, str] | None = None,
    font: str | Path | None = None,
) -> Figure:
    """Each arm's weight as a step line from the start through every recorded change."""
    text = {**DEFAULT_LABELS, **(labels or {})}
    arms = list(initial)
    moments = [started] + [dt.datetime.fromisoformat(e.time) for e in history]
    series = [[initial[a] for a in arms]] + [
        [dict(e.weights_after)[a] for a in arms] for e in history
    ]
    gap = moments[-1] - moments[-2] if len(moments) > 1 else dt.timedelta(days=7)
    times = [float(dates.date2num(m)) for m in moments]  # matplotlib's date numbers
    last = float(dates.date2num(moments[-1] + gap))
    with _style(font):
        fig = Figure(figsize=(9, 4.2), layout="constrained")
        ax = fig.add_subplot()
        for i, arm in enumerate(arms):
            values = [row[i] * 100 for row in series]
            colour = COLOURS[i % len(COLOURS)]
            width = 2 + (len(arms) - 1 - i)  # earlier arms wider: equal weights stay visible
            ax.step(
                [*times, last],
                [*values, values[-1]],
                where="post",
                color=colour,
                lw=width,
                label=arm,
            )
            ax.plot(times, values, "o", color=colour, ms=4)
        if floor:
            ax.axhline(floor * 100, color="#222222", lw=1, ls="--", label=text["floor"])
        for e in history:
            if e.stopped:
                when = float(dates.date2num(dt.datetime.fromisoformat(e.time)))
                ax.axvline(when, color="#222222", lw=1.2, ls=":")
                ax.annotate(
                    f"{text['stopped']} {e.leader}",
                    (when, 97),
                    xytext=(4, 0),
                    textcoords="offset points",
                    fontsize=8,
                    va="top",
                )
        ax.set_ylim(0, 100)
        ax.set_xlim(times[0], last)
        locator = dates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
        ax.set_ylabel(text["weights_y"])
        ax.set_title(text["weights_title"], loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        ax.grid(alpha=0.3)
    return fig
