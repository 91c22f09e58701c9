"""Stage 2: when each contacted customer is sent what (delivery times, content selection)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from fanzha.campaigns.spec import Campaign, SegmentSpecC

if TYPE_CHECKING:
    from fanzha.content import Library

_WEEKMASK = "Mon Tue Wed Thu Fri Sat Sun".split()


def cadence_for(seg: SegmentSpecC):  # type: ignore[no-untyped-def]
    """The segment's send rule as delivery's Cadence."""
    from fanzha.delivery import Cadence

    if seg.send.every_days:
        return Cadence(at=seg.send.at, every_days=seg.send.every_days)
    return Cadence(at=seg.send.at, days=seg.send.weekdays)


def quiet_for(campaign: Campaign):  # type: ignore[no-untyped-def]
    """The campaign's quiet hours as delivery's QuietHours."""
    from fanzha.delivery import QuietHours

    start, end = campaign.quiet_hours
    return QuietHours(start=start, end=end)


def wave_index(seg: SegmentSpecC, campaign: Campaign, waves: pd.Series) -> np.ndarray:
    """The ordinal of each wave (local date) among the segment's sends since the start."""
    dates = pd.to_datetime(waves).values.astype("datetime64[D]")
    start = np.datetime64(campaign.starts, "D")
    if seg.send.every_days:
        return ((dates - start).astype(int) // seg.send.every_days).astype(int)
    mask = "".join("1" if i in seg.send.weekdays else "0" for i in range(7))
    return np.busday_count(start, dates, weekmask=mask).astype(int)


def due_times(
    campaign: Campaign,
    people: pd.DataFrame,
    *,
    now: datetime,
    horizon: timedelta,
    backlog: pd.DataFrame | None = None,
    since: datetime | None = None,
) -> pd.DataFrame:
    """Every (customer, wave) due within the horizon: customer_id, segment, wave, wave_index, due_at.

    ``backlog`` (customer_id, wave, due_at) adds those customers' waves that were owed before
    ``now`` (an older version's unsent ones), whatever their due time under this version.
    ``since`` (``backlog_since`` of the whole backlog) when ``backlog`` is only some customers'.
    """
    if backlog is None or (backlog.empty and since is None):
        return _due_times(campaign, people, now=now, horizon=horizon)
    since = since or backlog_since(backlog, now)
    due = _due_times(campaign, people, now=since, horizon=now + horizon - since)
    owed = backlog[["customer_id", "wave"]].drop_duplicates().assign(_owed=True)
    due = due.merge(owed, on=["customer_id", "wave"], how="left")
    keep = (pd.to_datetime(due["due_at"], utc=True) >= now) | due["_owed"].notna()
    return due.loc[keep].drop(columns="_owed").reset_index(drop=True)


def backlog_since(backlog: pd.DataFrame, now: datetime) -> datetime:
    """From when waves are computed again for a backlog (a day before its first, or now)."""
    # A day of margin: this version may send the same wave earlier in the day.
    return min(now, pd.Timestamp(backlog["due_at"].min()).to_pydatetime() - timedelta(days=1))


def _due_times(
    campaign: Campaign, people: pd.DataFrame, *, now: datetime, horizon: timedelta
) -> pd.DataFrame:
    from fanzha.delivery import compute_due_times

    frames = []
    for seg in campaign.segments:
        members = people.loc[people["segment"] == seg.id, ["customer_id", "timezone"]]
        if members.empty:
            continue
        due = compute_due_times(
            members,
            cadence_for(seg),
            starts=campaign.starts,
            ends=campaign.ends,
            quiet=quiet_for(campaign),
            now=now,
            horizon=horizon,
        )
        if due.empty:
            continue
        due = due.assign(segment=seg.id, wave_index=wave_index(seg, campaign, due["wave"]))
        frames.append(due)
    if not frames:
        return pd.DataFrame(columns=["customer_id", "wave", "due_at", "segment", "wave_index"])
    return pd.concat(frames, ignore_index=True)


def pick_content(
    campaign: Campaign,
    people: pd.DataFrame,
    due: pd.DataFrame,
    library: Library,
    *,
    history: pd.DataFrame,
    now: datetime,
    generic: list[str],
    no_personal: frozenset[str],
    window_days: int = 28,
) -> pd.DataFrame:
    """The warning, variant and locale of every due send (one selection call per wave)."""
    from fanzha.content import select_warnings

    if due.empty:  # nothing due in the window: no selection, and no concat of nothing
        return due.assign(warning_id="", variant="", copy_locale="", locale_fallback=False).iloc[:0]

    seg_warnings = {s.id: list(s.warnings) for s in campaign.segments}
    base = due.merge(people[["customer_id", "locale"]], on="customer_id", how="left")
    # PIPL art. 24: who refused personalization gets generic warnings, not the segment's.
    personal = ~base["customer_id"].isin(no_personal)
    if generic:
        seg_warnings["__generic__"] = generic
        base["select_segment"] = np.where(personal, base["segment"], "__generic__")
    else:
        base["select_segment"] = base["segment"]
    picks = []
    for index, group in base.groupby("wave_index", sort=True):
        chosen = select_warnings(
            group[["customer_id", "select_segment", "locale"]].rename(
                columns={"select_segment": "segment"}
            ),
            seg_warnings,
            library,
            wave_index=int(index),
            history=history,
            now=now,
            window_days=window_days,
        )
        chosen = chosen.drop(columns=["segment"]).rename(columns={"locale": "copy_locale"})
        merged = group.merge(chosen, on="customer_id", how="left")
        picks.append(merged)
        # A later wave of the same run must not repeat what this one picked.
        sent = merged[["customer_id", "warning_id"]].assign(sent_at=now)
        history = pd.concat([history, sent], ignore_index=True)
    out = pd.concat(picks, ignore_index=True)
    return out.drop(columns=["select_segment"])
