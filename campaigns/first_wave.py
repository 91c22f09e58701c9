"""When nothing is due in a run's window: what the first send would be, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from fanzha.campaigns.spec import Campaign

__all__ = ["FirstWave", "first_wave", "nothing_due"]


@dataclass(frozen=True)
class FirstWave:
    """The earliest send after a moment: its segment, local time and zone."""

    segment: str
    due_at: datetime  # aware UTC
    timezone: str

    def local(self) -> str:
        """``2027-03-02 09:30 Asia/Shanghai``."""
        return f"{self.due_at.astimezone(ZoneInfo(self.timezone)):%Y-%m-%d %H:%M} {self.timezone}"


def first_wave(campaign: Campaign, people: pd.DataFrame, after: datetime) -> FirstWave | None:
    """The campaign's first send at or after ``after``, or None when none is left."""
    from fanzha.campaigns.waves import due_times

    if people.empty:
        return None
    # One customer per segment and zone has the same waves as all of them: cheap to time.
    sample = people.drop_duplicates(["segment", "timezone"])
    # Past the last local day in every zone (UTC-12 is the latest); compute_due_times clamps.
    end = datetime.combine(campaign.ends + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    if end <= after:
        return None
    due = due_times(campaign, sample, now=after, horizon=end - after)
    if due.empty:
        return None
    # The campaign's own zone is what marketers think in: prefer it at the same instant.
    due = due.assign(home=due["timezone"] != campaign.timezone)
    row = due.sort_values(["due_at", "home", "segment"]).iloc[0]
    when = pd.Timestamp(row["due_at"]).tz_convert("UTC").to_pydatetime()
    return FirstWave(str(row["segment"]), when, str(row["timezone"]))


def nothing_due(
    campaign: Campaign, people: pd.DataFrame, now: datetime, horizon: timedelta, *, verb: str
) -> str:
    """One line saying why nothing is due up to ``now + horizon`` and what comes first.

    ``verb`` is the command (``plan``, ``run``) the line tells the user to repeat, and when.
    """
    zone = ZoneInfo(campaign.timezone)
    until = f"{(now + horizon).astimezone(zone):%Y-%m-%d %H:%M} {campaign.timezone}"
    if people.empty:
        return "nothing due: no customer is contacted (none is eligible and in a segment)"
    wave = first_wave(campaign, people, now + horizon)
    if wave is None:
        if now.astimezone(zone).date() > campaign.ends:
            return f"nothing due: the campaign ended on {campaign.ends:%Y-%m-%d}"
        return f"nothing due before {until}, and no wave is left before the end ({campaign.ends:%Y-%m-%d})"
    days = horizon.days or 1
    ready = (wave.due_at - horizon).astimezone(zone)
    return (
        f"first wave {wave.local()} (segment {wave.segment}); nothing due before {until} "
        f"(the {days}-day horizon, FANZHA_HORIZON_DAYS)\n"
        f"{verb} again from {ready:%Y-%m-%d %H:%M} {campaign.timezone} on, or give --now"
    )
