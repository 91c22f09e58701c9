"""The funnel figures: customers and messages on separate charts, stages side by side."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from fanzha.campaigns.stats.plots import COLOURS, _style
from matplotlib.figure import Figure

__all__ = ["funnel_figure"]


def funnel_figure(
    frame: pd.DataFrame, stages: Sequence[str], t: dict[str, str], title: str, unit: str
) -> Figure:
    """Grouped bars: one group per segment, one bar per stage (counts of ``unit``)."""
    with _style(None):
        fig = Figure(figsize=(7.5, 4), layout="constrained")
        ax = fig.add_subplot()
        n = len(stages)
        width = 0.8 / max(n, 1)
        x = range(len(frame))
        for i, stage in enumerate(stages):
            ax.bar(
                [p - 0.4 + width * (i + 0.5) for p in x],
                frame[stage],
                width,
                label=t.get(stage, stage),
                color=(*COLOURS, "#17becf", "#bcbd22")[i % (len(COLOURS) + 2)],
            )
        ax.set_xticks(list(x), [str(s) for s in frame["segment"]])
        ax.set_ylabel(unit)
        ax.set_title(title, loc="left")
        ax.legend(frameon=False, fontsize=8, ncols=min(n, 4))
        ax.grid(axis="y", alpha=0.3)
    return fig
