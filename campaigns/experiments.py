"""Experiments in a campaign run: each contacted customer's arm, and stories steered by arm.

Arms are drawn by :mod:`fanzha.segments.arms` (a hash of experiment and customer, independent
of the holdout's) among the **contacted** customers of the experiment's segment only: the
holdout is drawn first and is never the experiments' (nor the bandit's). A customer who has
already had a message under an experiment keeps the arm recorded on it; the layout in force
(the declared split, or the bandit's latest re-weighting) decides arms for the others. An
arm named after one of the segment's warnings sends that story to its customers; any other
arm name (a style, a send time) is recorded on the messages for the report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pandas as pd
from fanzha.campaigns.experiments_model import experiment_specs, outcome_spec
from fanzha.campaigns.spec import Campaign, ExperimentSpec
from fanzha.segments.arms import Allocation, ArmSplit, assign_arms

ARM_COLUMNS = ["experiment_id", "arm"]
Picker = Callable[[Campaign, "pd.DataFrame", "pd.DataFrame"], "pd.DataFrame"]


def split_of(exp: ExperimentSpec) -> ArmSplit:
    """The declared split of an experiment."""
    from fanzha.segments.arms import ArmSplit

    return ArmSplit(tuple(a for a, _ in exp.arms), tuple(w for _, w in exp.arms))


def with_arms(
    campaign: Campaign,
    people: pd.DataFrame,
    *,
    layouts: dict[str, Allocation] | None = None,
    recorded: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``people`` with ``experiment_id`` and ``arm`` (empty strings outside any experiment).

    ``layouts``: the arm layout per experiment (default: the declared split);
    ``recorded``: experiment_id, customer_id, arm of customers already messaged, who keep it.
    The first experiment naming a segment wins (one experiment per segment is the norm).
    """
    from fanzha.segments.arms import Allocation

    out = people.assign(experiment_id="", arm="")
    taken: set[str] = set()
    for exp in campaign.experiments:
        if exp.segment in taken:
            continue
        taken.add(exp.segment)
        rows = out["segment"] == exp.segment
        if not rows.any():
            continue
        layout = (layouts or {}).get(exp.id) or Allocation.initial(split_of(exp))
        arms = assign_arms(exp.id, out.loc[rows, "customer_id"].astype(str), layout).astype(str)
        if recorded is not None and not recorded.empty:
            mine = recorded[recorded["experiment_id"] == exp.id]
            kept = out.loc[rows, "customer_id"].map(mine.set_index("customer_id")["arm"])
            arms = kept.fillna(arms)
        out.loc[rows, "experiment_id"] = exp.id
        out.loc[rows, "arm"] = arms
    return out


def story_arms(campaign: Campaign) -> dict[tuple[str, str], str]:
    """(experiment, arm) → the warning it sends, for arms named after a segment's warning."""
    out = {}
    for exp in campaign.experiments:
        warnings = set(campaign.segment(exp.segment).warnings)
        out.update({(exp.id, arm): arm for arm, _ in exp.arms if arm in warnings})
    return out


def pick_by_arm(
    campaign: Campaign, people: pd.DataFrame, due: pd.DataFrame, pick: Picker
) -> pd.DataFrame:
    """Content for every due send: story arms pick only their warning, others as declared.

    Each story arm's customers are picked with a copy of the campaign whose segment lists
    that one warning (same segment id, so stories written for the segment still fit).
    """
    import pandas as pd

    stories = story_arms(campaign)
    key = people["experiment_id"] + "\x1f" + people["arm"]
    steered = {f"{e}\x1f{a}": (e, w) for (e, a), w in stories.items()}
    is_story = key.isin(list(steered))
    frames = []
    rest = people.loc[~is_story, "customer_id"]
    if not stories or is_story.sum() == 0:
        return _with_arm_columns(pick(campaign, people, due), people)
    for k, ids in people.loc[is_story].groupby(key[is_story])["customer_id"]:
        exp_id, warning = steered[str(k)]
        segment = next(e.segment for e in campaign.experiments if e.id == exp_id)
        narrowed = _only_warning(campaign, segment, warning)
        sub_due = due[due["customer_id"].isin(ids)]
        if not sub_due.empty:
            frames.append(pick(narrowed, people[people["customer_id"].isin(ids)], sub_due))
    rest_due = due[due["customer_id"].isin(rest)]
    if not rest_due.empty or not frames:
        frames.append(pick(campaign, people[people["customer_id"].isin(rest)], rest_due))
    return _with_arm_columns(pd.concat(frames, ignore_index=True), people)


def _only_warning(campaign: Campaign, segment: str, warning: str) -> Campaign:
    segments = tuple(
        dataclasses.replace(s, warnings=(warning,)) if s.id == segment else s
        for s in campaign.segments
    )
    return dataclasses.replace(campaign, segments=segments)


def _with_arm_columns(picks: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    picks = picks.drop(columns=[c for c in ARM_COLUMNS if c in picks.columns])
    arms = people[["customer_id", *ARM_COLUMNS]].drop_duplicates("customer_id")
    out = picks.merge(arms, on="customer_id", how="left")
    return out.fillna({"experiment_id": "", "arm": ""})


__all__ = [
    "ARM_COLUMNS",
    "experiment_specs",
    "outcome_spec",
    "pick_by_arm",
    "split_of",
    "story_arms",
    "with_arms",
]
