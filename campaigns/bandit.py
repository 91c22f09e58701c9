"""A Thompson-sampling bandit over experiment arms, behind guardrails, one step per wave.

Each arm's rate on the metric (read, cancelled the transfer, …) has a Beta(1 + successes,
1 + failures) posterior. Once per wave, :func:`step` draws from the posteriors and sets each
arm's weight to

    floor + (1 − arms × floor) × P(arm is best)

so every arm keeps at least ``floor`` of the traffic (the bandit keeps learning and the
report keeps an estimate for every arm). Guardrails:

- no re-weighting, and no stopping, before every arm has ``min_sample`` customers with an
  observed outcome;
- it stops when the posterior probability that the leader beats every other arm by more than
  ``margin`` exceeds ``threshold``; weights are frozen from then on and the leader is the
  winner. With repeated looks a margin of zero declares false winners far more often than
  1 − threshold: declare the smallest difference worth acting on.

Every weight change is a :class:`WeightChange` record (time, weights before and after, the
posterior summary) for the report's history, and the arm layout moves the fewest customers
(:class:`fanzha.segments.arms.Allocation`). The campaign holdout is not the bandit's: it is
drawn by its own hash before arms are assigned, and nothing here reads or changes it. Draws
come from ``numpy.random.default_rng((seed, wave))``: the same inputs give the same weights.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from fanzha.campaigns.stats.results import Result
from fanzha.segments.arms import Allocation, ArmSplit, moved_share
from scipy.special import betaincinv

__all__ = ["ArmPosterior", "BanditPolicy", "BanditState", "WeightChange", "start", "step"]

THOMPSON = "Thompson sampling over Beta(1 + successes, 1 + failures) posteriors"


@dataclass(frozen=True)
class BanditPolicy:
    """The guardrails: weight floor per arm, sample before acting, stopping margin and level."""

    margin: float  # absolute difference in the metric's rate the winner must lead by
    floor: float = 0.10
    min_sample: int = 2000  # customers with an observed outcome, per arm
    threshold: float = 0.95
    higher_is_better: bool = True
    draws: int = 20_000
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.margin > 0:
            raise ValueError(
                "declare a margin > 0: with weekly looks and no margin, about a third of "
                "campaigns whose arms do not differ would crown a winner"
            )
        if not 0 <= self.floor <= 0.5 or self.min_sample < 0:
            raise ValueError("floor must be between 0 and 0.5, min_sample ≥ 0")
        if not 0.5 <= self.threshold < 1 or self.draws < 100:
            raise ValueError("threshold must be in [0.5, 1) and draws ≥ 100")


@dataclass(frozen=True)
class ArmPosterior(Result):
    """One arm's data and posterior: mean, 95% credible interval, probability of being best."""

    arm: str
    trials: int
    successes: int
    mean: float
    low: float
    high: float
    prob_best: float


@dataclass(frozen=True)
class WeightChange(Result):
    """An event for the report's history: one re-weighting (or the stop) at one wave."""

    time: str
    wave: int
    weights_before: tuple[tuple[str, float], ...]
    weights_after: tuple[tuple[str, float], ...]
    posterior: tuple[ArmPosterior, ...]
    leader: str
    prob_leader_wins: float  # P(leader beats every other arm by more than the margin)
    moved_share: float  # customers whose arm changed with the layout
    stopped: bool
    method: str = THOMPSON


@dataclass(frozen=True)
class BanditState:
    """Where the bandit is: weights, arm layout, waves seen, winner, and the event history."""

    split: ArmSplit
    allocation: Allocation
    wave: int = 0
    winner: str | None = None
    history: tuple[WeightChange, ...] = ()

    @property
    def weights(self) -> dict[str, float]:
        """The current ``{arm: share}``."""
        return self.split.as_dict()


def start(split: ArmSplit) -> BanditState:
    """A bandit at its declared split, before the first wave."""
    return BanditState(split, Allocation.initial(split))


def _posterior(
    counts: Mapping[str, tuple[int, int]], arms: tuple[str, ...], policy: BanditPolicy, wave: int
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior draws (draws × arms) and each arm's (successes, trials)."""
    unknown = sorted(set(counts) - set(arms))
    if unknown:
        raise ValueError(f"counts for arms the experiment does not have: {', '.join(unknown)}")
    data = np.array([counts.get(a, (0, 0)) for a in arms], dtype=float).reshape(len(arms), 2)
    successes, trials = data[:, 0], data[:, 1]
    if (successes < 0).any() or (successes > trials).any():
        raise ValueError("each arm's successes must lie between 0 and its trials")
    rng = np.random.default_rng((policy.seed, wave))
    draws = rng.beta(1 + successes, 1 + trials - successes, size=(policy.draws, len(arms)))
    return (draws if policy.higher_is_better else -draws), data


def step(
    state: BanditState,
    policy: BanditPolicy,
    counts: Mapping[str, tuple[int, int]],
    *,
    time: dt.datetime,
) -> BanditState:
    """One wave: ``counts`` are each arm's cumulative (successes, trials) so far."""
    wave = state.wave + 1
    arms = state.split.arms
    if len(arms) * policy.floor > 1:
        raise ValueError(f"{len(arms)} arms cannot each keep a floor of {policy.floor:.0%}")
    if state.winner is not None:
        return replace(state, wave=wave)
    signed, data = _posterior(counts, arms, policy, wave)
    if data[:, 1].min() < policy.min_sample:
        return replace(state, wave=wave)
    best = signed.argmax(axis=1)
    prob_best = np.bincount(best, minlength=len(arms)) / policy.draws
    lead = int(prob_best.argmax())
    rest = np.delete(signed, lead, axis=1)
    gap = signed[:, lead] - (rest.max(axis=1) if rest.shape[1] else -np.inf)
    prob_wins = float((gap > policy.margin).mean())
    free = 1 - len(arms) * policy.floor
    weights = policy.floor + free * prob_best
    split = ArmSplit(arms, tuple(float(w) for w in weights / weights.sum()))
    allocation = state.allocation.reweight(split)
    stopped = prob_wins > policy.threshold
    alpha, beta = 1 + data[:, 0], 1 + data[:, 1] - data[:, 0]
    low, high = betaincinv(alpha, beta, 0.025), betaincinv(alpha, beta, 0.975)  # exact quantiles
    posterior = tuple(
        ArmPosterior(
            arm,
            int(data[i, 1]),
            int(data[i, 0]),
            float((1 + data[i, 0]) / (2 + data[i, 1])),
            float(low[i]),
            float(high[i]),
            float(prob_best[i]),
        )
        for i, arm in enumerate(arms)
    )
    event = WeightChange(
        time.isoformat(),
        wave,
        tuple(state.split.as_dict().items()),
        tuple(split.as_dict().items()),
        posterior,
        arms[lead],
        prob_wins,
        moved_share(state.allocation, allocation),
        stopped,
    )
    return BanditState(
        split, allocation, wave, arms[lead] if stopped else None, (*state.history, event)
    )
