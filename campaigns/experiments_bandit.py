"""The bandit in a campaign run: one look per wave, weights and events kept in the store.

Before a run enqueues new messages, :func:`step_bandits` looks once at every ``mode: bandit``
experiment whose segment has sent a wave since the last look: it counts each arm's customers
(their first message due by now) and successes on the metric, runs
:func:`fanzha.campaigns.bandit.step`, and records the look as an event (``look``: no change
yet, ``reweight``, or ``stop``). The arm layout is rebuilt from the recorded weights, so every
run agrees on who is in which arm; customers already messaged keep their arm. The holdout is
drawn before arms and the bandit never reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from fanzha.campaigns import bandit
from fanzha.campaigns.experiments import split_of
from fanzha.campaigns.spec import Campaign, ExperimentSpec
from fanzha.campaigns.waves import wave_index
from fanzha.segments.arms import Allocation, ArmSplit
from sqlalchemy.engine import Engine

__all__ = ["Look", "arm_counts", "layouts", "policy_of", "state_of", "step_bandits"]


@dataclass(frozen=True)
class Look:
    """One bandit look recorded by a run."""

    experiment_id: str
    wave: int
    kind: str  # look, reweight or stop
    weights: dict[str, float]


def policy_of(exp: ExperimentSpec, seed: int = 0) -> bandit.BanditPolicy:
    """The guardrails an experiment declares."""
    return bandit.BanditPolicy(
        margin=exp.margin,
        floor=exp.floor,
        min_sample=exp.min_sample,
        higher_is_better=exp.higher_is_better,
        seed=seed,
    )


def state_of(exp: ExperimentSpec, events: list[dict[str, Any]]) -> bandit.BanditState:
    """The bandit's state replayed from its recorded events (weights, layout, winner)."""
    state = bandit.start(split_of(exp))
    mine = [e for e in events if e["experiment_id"] == exp.id]
    for e in mine:
        p = e["payload"]
        if e["kind"] in ("reweight", "stop"):
            split = ArmSplit.of(dict(p["weights_after"]))
            allocation = Allocation.from_dict(p["allocation"])
            winner = p["leader"] if e["kind"] == "stop" else None
            change = _change(p)
            state = bandit.BanditState(
                split, allocation, e["wave"], winner, (*state.history, change)
            )
        else:
            state = replace(state, wave=e["wave"])
    return state


def _change(p: dict[str, Any]) -> bandit.WeightChange:
    posterior = tuple(bandit.ArmPosterior(**a) for a in p["posterior"])
    return bandit.WeightChange(
        p["time"],
        int(p["wave"]),
        tuple((a, float(w)) for a, w in p["weights_before"]),
        tuple((a, float(w)) for a, w in p["weights_after"]),
        posterior,
        p["leader"],
        float(p["prob_leader_wins"]),
        float(p["moved_share"]),
        bool(p["stopped"]),
    )


def layouts(campaign: Campaign, events: list[dict[str, Any]]) -> dict[str, Allocation]:
    """The arm layout in force per bandit experiment."""
    return {
        e.id: state_of(e, events).allocation for e in campaign.experiments if e.mode == "bandit"
    }


def arm_counts(
    exp: ExperimentSpec, arms: pd.DataFrame, outcomes: pd.DataFrame, now: datetime
) -> dict[str, tuple[int, int]]:
    """Each arm's (successes, customers) on the metric among customers messaged by ``now``."""
    mine = arms[(arms["experiment_id"] == exp.id) & (arms["first_at"] <= pd.Timestamp(now))]
    if exp.metric == "read":
        hit = mine["read"].astype(bool)
    else:
        metric = exp.metric.removeprefix("custom:")
        found = outcomes[(outcomes["metric"] == metric) & (outcomes["value"] > 0)]
        found = found.merge(mine[["customer_id", "first_at"]], on="customer_id")
        day = pd.to_datetime(found["date"]).dt.tz_localize("UTC")
        first = found["first_at"].dt.normalize()
        found = found[(day >= first) & (day <= pd.Timestamp(now))]
        hit = mine["customer_id"].isin(set(found["customer_id"]))
    counts = mine.assign(hit=hit.to_numpy()).groupby("arm")["hit"].agg(["sum", "size"])
    return {
        arm: (int(counts.at[arm, "sum"]), int(counts.at[arm, "size"]))
        if arm in counts.index
        else (0, 0)
        for arm, _ in exp.arms
    }


def current_wave(campaign: Campaign, exp: ExperimentSpec, now: datetime) -> int:
    """How many of the segment's waves have started by ``now`` (campaign's zone)."""
    local = pd.Series([now.astimezone(ZoneInfo(campaign.timezone)).date()])
    return int(wave_index(campaign.segment(exp.segment), campaign, local)[0])


def step_bandits(engine: Engine, campaign: Campaign, now: datetime) -> list[Look]:
    """Look once at each bandit whose segment sent a wave since its last look; record it."""
    from fanzha.delivery.experiments import (
        experiment_events,
        message_arms,
        read_outcomes,
        record_experiment_event,
    )

    bandits = [e for e in campaign.experiments if e.mode == "bandit"]
    if not bandits:
        return []
    events = experiment_events(engine, campaign.id)
    arms = message_arms(engine, campaign.id)
    metrics = [e.metric.removeprefix("custom:") for e in bandits if e.metric != "read"]
    outcomes = (
        read_outcomes(engine, metrics)
        if metrics
        else pd.DataFrame(columns=["customer_id", "date", "metric", "value"])
    )
    looks = []
    for exp in bandits:
        state = state_of(exp, events)
        wave = current_wave(campaign, exp, now)
        if wave < 1 or wave <= state.wave or state.winner is not None:
            continue
        counts = arm_counts(exp, arms, outcomes, now)
        stepped = bandit.step(replace(state, wave=wave - 1), policy_of(exp), counts, time=now)
        if len(stepped.history) > len(state.history):
            change = stepped.history[-1]
            kind = "stop" if change.stopped else "reweight"
            payload = {**change.to_dict(), "allocation": stepped.allocation.to_dict()}
        else:
            kind = "look"
            payload = {"counts": {a: list(c) for a, c in counts.items()}, "weights": state.weights}
        record_experiment_event(
            engine, campaign.id, exp.id, wave=wave, at=now, kind=kind, payload=payload
        )
        looks.append(Look(exp.id, wave, kind, stepped.weights))
    return looks
