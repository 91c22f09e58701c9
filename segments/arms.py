"""Experiment arms: a deterministic, weighted split of customers, stable under re-weighting.

Each customer gets an arm score in [0, 1) from a hash of (experiment id, customer id):

    arm score = top 53 bits of  mix(mix(fold(utf8(customer_id)) ^ fold(utf8("arm\\x1f" + id)))
                                    ^ 0x243F6A8885A308D3)

with ``fold`` and ``mix`` those of :mod:`fanzha.segments.holdout`. The key carries an
``arm`` prefix and the result one more mixing round with its own constant, so the arm score is
a different function from every holdout score, even when an experiment and a campaign share an
id: the two are statistically independent (``tests/segments/test_arms.py`` checks it with a χ²
test over a million ids).

An :class:`Allocation` lays the arms out as pieces of [0, 1); a customer's arm is the piece
their score falls in. The first layout is the declared order, one piece per arm. When a bandit
changes the weights, :meth:`Allocation.reweight` moves as few customers as possible: every arm
that shrinks gives up the top of its pieces, and the arms that grow take those freed pieces,
in declared order. Only the freed pieces change arm, so the share of customers who switch is
the total variation distance between old and new weights, the least any scheme can achieve;
customers in the part of [0, 1) that no arm gave up keep their arm. The layout depends on the
sequence of weights alone, so replaying the recorded weight changes rebuilds it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from fanzha.segments.errors import ArmSplitError
from fanzha.segments.holdout import Ids, id_hashes, keyed_scores

__all__ = ["Allocation", "ArmSplit", "arm_scores", "assign_arms", "moved_share"]

ARM_DOMAIN = 0x243F6A8885A308D3  # the first fraction digits of pi: nothing up the sleeve
_EPS = 1e-12


def arm_scores(experiment_id: str, ids: Ids | np.ndarray, *, hashed: bool = False) -> np.ndarray:
    """Each customer's arm score in [0, 1) for this experiment (``hashed``: ids are id_hashes)."""
    hashes = np.asarray(ids, dtype=np.uint64) if hashed else id_hashes(ids)
    return keyed_scores("arm\x1f" + experiment_id, hashes, ARM_DOMAIN)


@dataclass(frozen=True)
class ArmSplit:
    """Arm names in declared order with their shares (fractions that sum to 1)."""

    arms: tuple[str, ...]
    weights: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.arms:
            raise ArmSplitError("an experiment needs at least one arm")
        if len(self.arms) != len(self.weights):
            raise ArmSplitError(f"{len(self.arms)} arms but {len(self.weights)} weights")
        if len(set(self.arms)) != len(self.arms):
            raise ArmSplitError(f"arm names repeat: {', '.join(self.arms)}")
        bad = [f"{a}={w}" for a, w in zip(self.arms, self.weights, strict=True) if not w >= 0]
        if bad or not math.isclose(sum(self.weights), 1.0, abs_tol=1e-9):
            raise ArmSplitError(
                f"arm weights must be shares ≥ 0 that add up to 100%, got "
                f"{', '.join(f'{a}={w:.6g}' for a, w in self.as_dict().items())}"
            )

    @classmethod
    def of(cls, weights: Mapping[str, float]) -> ArmSplit:
        """From ``{arm: share}`` with shares as fractions that sum to 1."""
        return cls(tuple(weights), tuple(float(w) for w in weights.values()))

    @classmethod
    def from_percentages(cls, weights: Mapping[str, float]) -> ArmSplit:
        """From ``{arm: percent}`` as declared in a campaign file (``{a: 50, b: 50}``)."""
        total = sum(float(w) for w in weights.values())
        if not math.isclose(total, 100.0, abs_tol=1e-7):
            raise ArmSplitError(f"arm percentages add up to {total:g}%, not 100%")
        return cls(tuple(weights), tuple(float(w) / 100.0 for w in weights.values()))

    @classmethod
    def equal(cls, arms: Sequence[str]) -> ArmSplit:
        """Equal shares for every arm."""
        return cls(tuple(arms), tuple(1.0 / len(arms) for _ in arms))

    def as_dict(self) -> dict[str, float]:
        """``{arm: share}`` in declared order."""
        return dict(zip(self.arms, self.weights, strict=True))


@dataclass(frozen=True)
class Allocation:
    """Arms laid out as contiguous pieces ``(start, end, arm index)`` covering [0, 1)."""

    arms: tuple[str, ...]
    pieces: tuple[tuple[float, float, int], ...]

    @classmethod
    def initial(cls, split: ArmSplit) -> Allocation:
        """One piece per arm, in declared order."""
        edges = np.concatenate([[0.0], np.cumsum(split.weights)])
        edges[-1] = 1.0
        pieces = [(float(edges[i]), float(edges[i + 1]), i) for i in range(len(split.arms))]
        return cls(split.arms, _merge(pieces))

    def shares(self) -> dict[str, float]:
        """Each arm's share of [0, 1)."""
        out = dict.fromkeys(self.arms, 0.0)
        for start, end, arm in self.pieces:
            out[self.arms[arm]] += end - start
        return out

    def reweight(self, split: ArmSplit) -> Allocation:
        """The layout for new weights that moves the fewest customers (see the module doc)."""
        if split.arms != self.arms:
            raise ArmSplitError(f"arms {split.arms} differ from the allocation's {self.arms}")
        have = self.shares()
        growing = [i for i, a in enumerate(self.arms) if split.weights[i] - have[a] > _EPS]
        if not growing:  # the weights are the same up to rounding: nobody moves
            return self
        pieces = list(self.pieces)
        freed: list[tuple[float, float]] = []
        for index, arm in enumerate(self.arms):
            excess = have[arm] - split.weights[index]
            if excess > _EPS:
                pieces, gone = _trim(pieces, index, excess)
                freed += gone
        freed.sort()
        for n, index in enumerate(growing):
            need = split.weights[index] - have[self.arms[index]]
            if n == len(growing) - 1:  # the last one takes every freed sliver: no gaps
                taken, freed = freed, []
            else:
                taken, freed = _take(freed, need)
            pieces += [(s, e, index) for s, e in taken]
        return Allocation(self.arms, _merge(pieces))

    def assign_codes(self, scores: np.ndarray) -> np.ndarray:
        """The arm index of each score."""
        starts = np.array([p[0] for p in self.pieces])
        owner = np.array([p[2] for p in self.pieces], dtype=np.int16)
        return owner[np.searchsorted(starts, scores, side="right") - 1]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (arms and pieces) from which :meth:`from_dict` rebuilds it."""
        return {"arms": list(self.arms), "pieces": [list(p) for p in self.pieces]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Allocation:
        """Rebuild an allocation recorded by :meth:`to_dict`."""
        pieces = tuple((float(s), float(e), int(a)) for s, e, a in data["pieces"])
        return cls(tuple(data["arms"]), pieces)


def _trim(
    pieces: list[tuple[float, float, int]], arm: int, excess: float
) -> tuple[list[tuple[float, float, int]], list[tuple[float, float]]]:
    """Take ``excess`` off the top of ``arm``'s pieces; return the rest and what was freed."""
    kept, freed = [], []
    for start, end, owner in sorted(pieces, key=lambda p: -p[0]):
        if owner != arm or excess <= _EPS:
            kept.append((start, end, owner))
            continue
        cut = max(start, end - excess)
        excess -= end - cut
        freed.append((cut, end))
        if cut > start:
            kept.append((start, cut, owner))
    return kept, freed


def _take(
    freed: list[tuple[float, float]], need: float
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Take ``need`` from the freed pieces in order; return (taken, left)."""
    taken, left = [], []
    for start, end in freed:
        if need <= _EPS:
            left.append((start, end))
            continue
        cut = min(end, start + need)
        need -= cut - start
        taken.append((start, cut))
        if cut < end:
            left.append((cut, end))
    return taken, left


def _merge(pieces: list[tuple[float, float, int]]) -> tuple[tuple[float, float, int], ...]:
    """Pieces sorted by start, neighbours of the same arm joined, empty ones dropped."""
    out: list[tuple[float, float, int]] = []
    for start, end, arm in sorted(pieces):
        if end <= start:
            continue
        if out and out[-1][2] == arm and math.isclose(out[-1][1], start, abs_tol=1e-15):
            out[-1] = (out[-1][0], end, arm)
        else:
            out.append((start, end, arm))
    return tuple(out)


def moved_share(before: Allocation, after: Allocation) -> float:
    """The share of [0, 1) whose arm differs between two allocations (exact, no sampling)."""
    edges = sorted({p[0] for p in before.pieces} | {p[0] for p in after.pieces} | {1.0})
    mids = np.array([(a + b) / 2 for a, b in itertools.pairwise(edges)])
    widths = np.diff(edges)
    differ = before.assign_codes(mids) != after.assign_codes(mids)
    return float(widths[differ].sum())


def assign_arms(experiment_id: str, ids: pd.Series, allocation: Allocation | ArmSplit) -> pd.Series:
    """Each customer's arm, a categorical Series aligned with ``ids`` (arms in declared order)."""
    layout = allocation if isinstance(allocation, Allocation) else Allocation.initial(allocation)
    codes = layout.assign_codes(arm_scores(experiment_id, ids))
    values = pd.Categorical.from_codes(codes, categories=list(layout.arms))
    return pd.Series(values, index=ids.index, name="arm")
