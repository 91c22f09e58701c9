"""The bandit wired into runs: one look per wave from the store, events recorded, layout replayed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from fanzha.campaigns.cross_checks import LoadContext
from fanzha.campaigns.experiments import with_arms
from fanzha.campaigns.experiments_bandit import layouts, state_of, step_bandits
from fanzha.campaigns.loader import load_campaign_text
from fanzha.campaigns.spec import Campaign
from fanzha.delivery import enqueue
from fanzha.delivery.experiments import experiment_events, message_arms, upsert_outcomes
from fanzha.delivery.store import init_db, open_engine
from sqlalchemy.engine import Engine

CAMPAIGN = """\
campaign: bandit-test
name: 老虎机测试
starts: 2027-03-01
ends: 2027-06-30
segments:
  - id: elderly
    label: 中老年
    rule: age >= 55
    warnings: [impersonating-bank, impersonating-authorities]
    send: {days: [mon], at: "09:00"}
experiments:
  - id: story-test
    segment: elderly
    arms: {a: 50%, b: 50%}
    metric: custom:cancelled
    min_sample: 600
    mode: bandit
    margin: 2%
"""


@pytest.fixture
def engine(tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    engine = open_engine(f"sqlite:///{tmp_path / 'b.db'}")
    init_db(engine)
    return engine


def _wave(engine: Engine, campaign: Campaign, k: int, rates: dict[str, float], rng) -> None:  # type: ignore[no-untyped-def]
    """Wave k: 800 new customers get arms from the layout in force, a message, and outcomes."""
    day = datetime(2027, 3, 1, 1, tzinfo=UTC) + timedelta(days=7 * k)
    people = pd.DataFrame(
        {"customer_id": [f"C{k:02d}{i:04d}" for i in range(800)], "segment": "elderly"}
    )
    events = experiment_events(engine, campaign.id)
    people = with_arms(
        campaign,
        people,
        layouts=layouts(campaign, events),
        recorded=message_arms(engine, campaign.id),
    )
    rows = people.assign(
        campaign_id=campaign.id,
        version="v1",
        wave=day.date().isoformat(),
        channel="feed",
        warning_id="impersonating-bank",
        due_at=day,
    )
    enqueue(engine, rows, now=day)
    hit = rng.random(len(people)) < people["arm"].map(rates).to_numpy()
    outcomes = pd.DataFrame(
        {
            "customer_id": people.loc[hit, "customer_id"],
            "date": day.date(),
            "metric": "cancelled",
            "value": 1.0,
        }
    )
    upsert_outcomes(engine, outcomes)


def _campaign() -> Campaign:
    return load_campaign_text(CAMPAIGN, "c.yaml", LoadContext())


def test_the_bandit_moves_traffic_to_the_better_arm_once_per_wave(engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    campaign = _campaign()
    rng = np.random.default_rng(7)
    looks = []
    for k in range(6):
        _wave(engine, campaign, k, {"a": 0.10, "b": 0.16}, rng)
        now = datetime(2027, 3, 2, tzinfo=UTC) + timedelta(days=7 * k)
        looks += step_bandits(engine, campaign, now)
        assert step_bandits(engine, campaign, now + timedelta(hours=6)) == []  # same wave: no look
    kinds = [look.kind for look in looks]
    assert kinds[0] == "look"  # 400 per arm < min_sample 600: weights unchanged
    assert looks[0].weights == {"a": 0.5, "b": 0.5}
    assert "reweight" in kinds or "stop" in kinds
    events = experiment_events(engine, campaign.id)
    assert [e["wave"] for e in events] == sorted({e["wave"] for e in events})  # one per wave
    state = state_of(campaign.experiments[0], events)
    assert state.weights["b"] >= 0.8 or state.winner == "b"
    assert min(w for look in looks for w in look.weights.values()) >= 0.1 - 1e-9  # the floor
    # later waves' new customers follow the weights; the first waves' keep their arms
    arms = message_arms(engine, campaign.id)
    late = arms[arms["customer_id"].str.startswith("C05")]
    assert (late["arm"] == "b").mean() > 0.7
    first = arms[arms["customer_id"].str.startswith("C00")]
    assert abs((first["arm"] == "b").mean() - 0.5) < 0.06
    # the report's figure of the weights draws from the recorded events
    from fanzha.campaigns.report_data import weights_figure
    from fanzha.campaigns.stats.plots import save_png

    figure = weights_figure(campaign, campaign.experiments[0], events, {})
    assert save_png(figure, tmp_path / "w.png").stat().st_size > 5_000


def test_with_equal_arms_the_bandit_declares_no_winner(engine: Engine) -> None:
    campaign = _campaign()
    rng = np.random.default_rng(11)
    for k in range(6):
        _wave(engine, campaign, k, {"a": 0.12, "b": 0.12}, rng)
        step_bandits(engine, campaign, datetime(2027, 3, 2, tzinfo=UTC) + timedelta(days=7 * k))
    events = experiment_events(engine, campaign.id)
    assert len(events) == 6 and not any(e["kind"] == "stop" for e in events)
    assert state_of(campaign.experiments[0], events).winner is None
