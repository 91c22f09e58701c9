"""The global control group: a persistent share of all customers that no campaign educates.

Membership is a hash of (epoch, customer id), so it is the same in every campaign and on every
engine, and it is reshuffled when a new epoch starts on the declared schedule:

    control score = top 53 bits of mix(mix(fold(utf8(customer_id))
                                         ^ fold(utf8("gc\\x1f" + name + "\\x1f" + epoch label)))
                                     ^ 0x13198A2E03707344)
    member  <=>  control score < pct / 100

``fold`` and ``mix`` are those of :mod:`fanzha.segments.holdout`; the key prefix and the
domain constant make the control score independent of every holdout and arm score.

Campaign holdouts are drawn outside the group (:func:`split_population`): a customer is
``global_control`` if their control score is below the share, else ``holdout`` if their
campaign holdout score is below the holdout share, else ``contacted``. Because the two scores
are independent, conditioning on "not in the control group" leaves the holdout score uniform,
so the holdout is exactly the declared share of the campaign's non-control customers and the
campaign's comparison (contacted against holdout) is between two random samples of the same
population. The global measure compares the control group against all other customers, who
receive the programme as designed, campaign holdouts included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from fanzha.segments.errors import ArmSplitError
from fanzha.segments.holdout import Ids, id_hashes, keyed_scores

__all__ = ["POPULATION_GROUPS", "Epoch", "EpochSchedule", "GlobalControl", "split_population"]

CONTROL_DOMAIN = 0x13198A2E03707344  # further digits of pi
POPULATION_GROUPS = ("global_control", "holdout", "contacted")


@dataclass(frozen=True)
class Epoch:
    """One period of the control group: ``start`` inclusive, ``end`` exclusive."""

    index: int
    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class EpochSchedule:
    """Epochs of ``months`` months counted from ``anchor`` (the first of a month).

    The default, quarterly from 2000-01-01, reshuffles on 1 January, April, July and October.
    """

    months: int = 3
    anchor: dt.date = dt.date(2000, 1, 1)

    def __post_init__(self) -> None:
        if self.months < 1:
            raise ArmSplitError(f"an epoch lasts at least one month, not {self.months}")
        if self.anchor.day != 1:
            raise ArmSplitError(f"epochs start on the first of a month, not {self.anchor}")

    def epoch_of(self, day: dt.date) -> Epoch:
        """The epoch a date falls in (a datetime counts by its own calendar date)."""
        if isinstance(day, dt.datetime):
            day = day.date()
        months = (day.year - self.anchor.year) * 12 + day.month - self.anchor.month
        index = months // self.months
        start = _add_months(self.anchor, index * self.months)
        end = _add_months(self.anchor, (index + 1) * self.months)
        return Epoch(index, start, end, f"{start.isoformat()}/P{self.months}M")


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first-of-month date ``months`` after ``day`` (a first of month)."""
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


@dataclass(frozen=True)
class GlobalControl:
    """``pct`` percent of all customers, reshuffled each epoch of ``schedule``."""

    pct: float
    schedule: EpochSchedule = EpochSchedule()
    name: str = "global"

    def __post_init__(self) -> None:
        if not 0 <= self.pct < 100:
            raise ArmSplitError(f"the global control share must be 0–100 percent, not {self.pct}")

    def scores(self, ids: Ids | np.ndarray, day: dt.date, *, hashed: bool = False) -> np.ndarray:
        """Each customer's control score in [0, 1) for the epoch of ``day``."""
        hashes = np.asarray(ids, dtype=np.uint64) if hashed else id_hashes(ids)
        key = f"gc\x1f{self.name}\x1f{self.schedule.epoch_of(day).label}"
        return keyed_scores(key, hashes, CONTROL_DOMAIN)

    def members(self, ids: Ids | np.ndarray, day: dt.date, *, hashed: bool = False) -> np.ndarray:
        """Boolean mask: who is in the control group on ``day``."""
        return self.scores(ids, day, hashed=hashed) < self.pct / 100.0


def split_population(
    ids: pd.Series,
    *,
    campaign_id: str,
    holdout_pct: float,
    control: GlobalControl | None,
    day: dt.date,
) -> pd.Series:
    """Each customer's group for a campaign starting on ``day``: control, holdout or contacted.

    A campaign keeps the epoch in force on its start date for its whole run, so a reshuffle
    never moves a customer between its arms (intention to treat).
    """
    if not 0 <= holdout_pct <= 100:
        raise ArmSplitError(f"holdout must be between 0 and 100 percent, not {holdout_pct}")
    hashes = id_hashes(ids)
    in_control = (
        control.members(hashes, day, hashed=True)
        if control is not None
        else np.zeros(len(ids), dtype=bool)
    )
    held = (keyed_scores(campaign_id, hashes) < holdout_pct / 100.0) & ~in_control
    codes = np.where(in_control, 0, np.where(held, 1, 2)).astype(np.int8)
    values = pd.Categorical.from_codes(codes, categories=list(POPULATION_GROUPS))
    return pd.Series(values, index=ids.index, name="group")
