"""The report's figures: drawn headless, labelled, Chinese names without missing glyphs."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fanzha.campaigns.bandit import BanditPolicy, start, step
from fanzha.campaigns.stats import effect_by_week, segment_effects
from fanzha.campaigns.stats.plots import (
    CJK_FAMILIES,
    arm_weights_figure,
    save_png,
    segment_effects_figure,
    weekly_trend_figure,
)
from fanzha.segments.arms import ArmSplit
from matplotlib import font_manager
from PIL import Image

HAS_CJK = bool({f.name for f in font_manager.fontManager.ttflist} & set(CJK_FAMILIES))


def effects():
    rng = np.random.default_rng(1)
    frames, hits = [], []
    for segment, p in {"老年人": 0.06, "大学生": 0.10, "migrants": 0.09}.items():
        ids = [f"{segment}{i}" for i in range(4000)]
        arm = ["contacted"] * 3600 + ["holdout"] * 400
        frames.append(pd.DataFrame({"customer_id": ids, "segment": segment, "arm": arm}))
        rate = np.r_[np.full(3600, p), np.full(400, 0.10)]
        hits += list(np.array(ids)[rng.random(4000) < rate])
    outcomes = pd.DataFrame({"customer_id": hits, "outcome": "scam_reported"})
    return segment_effects(pd.concat(frames, ignore_index=True), outcomes, "scam_reported")


def png_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.size


def test_segment_effects_figure(tmp_path: Path) -> None:
    result = effects()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning: fail on it
        figure = segment_effects_figure(result, labels={"segments_title": "各客群效果"})
        path = save_png(figure, tmp_path / "segments.png")
    ax = figure.axes[0]
    # first segment on top; every segment named on the axis
    assert [t.get_text() for t in ax.get_yticklabels()] == [e.segment for e in result.effects][::-1]
    assert ax.get_title(loc="left").startswith("各客群效果")
    assert png_size(path) == (990, int(110 * figure.get_figheight()))


@pytest.mark.skipif(not HAS_CJK, reason="no CJK font installed (fonts-noto-cjk)")
def test_chinese_text_finds_a_cjk_face() -> None:
    from matplotlib.font_manager import FontProperties, findfont

    figure = segment_effects_figure(effects())
    family = figure.axes[0].get_yticklabels()[0].get_fontfamily()
    assert any(name in CJK_FAMILIES for name in family)
    assert "DejaVu" not in findfont(FontProperties(family=[n for n in family if n in CJK_FAMILIES]))


def test_weekly_trend_figure(tmp_path: Path) -> None:
    groups = pd.DataFrame(
        {
            "customer_id": range(400),
            "arm": ["contacted", "holdout"] * 200,
            "start": pd.Timestamp("2027-03-01"),
        }
    )
    events = pd.DataFrame({"customer_id": range(0, 400, 3), "date": pd.Timestamp("2027-03-09")})
    weekly = effect_by_week(groups, events, dt.date(2027, 3, 22))
    figure = weekly_trend_figure(weekly)
    top, bottom = figure.axes
    assert len(top.get_lines()) == 2 and bottom.get_xlabel() == "week since the first send"
    assert png_size(save_png(figure, tmp_path / "weekly.png")) == (990, 660)


def test_arm_weights_figure(tmp_path: Path) -> None:
    policy = BanditPolicy(margin=0.01, draws=1000)
    state = start(ArmSplit.equal(["a", "b"]))
    t0 = dt.datetime(2027, 3, 1, 9, 30)
    for wave, counts in enumerate(
        [{"a": (250, 2500), "b": (300, 2500)}, {"a": (500, 4000), "b": (900, 6000)}]
    ):
        state = step(state, policy, counts, time=t0 + dt.timedelta(days=7 * (wave + 1)))
    figure = arm_weights_figure(state.history, {"a": 0.5, "b": 0.5}, t0, floor=policy.floor)
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["a", "b", "floor"]
    b_line = ax.get_lines()[2]  # a's step, a's markers, b's step
    assert b_line.get_ydata()[-1] == pytest.approx(state.weights["b"] * 100)
    assert png_size(save_png(figure, tmp_path / "weights.png")) == (990, 462)
