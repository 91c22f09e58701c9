"""Between a streamed run's two passes: each chunk's picks on disk, and the rate spread.

The first pass segments, schedules and picks content chunk by chunk and leaves each chunk's
picks and assignments in a temporary folder. The rate spread (``delivery.spread_for_rate``)
is the one step that needs every push at once: a push goes one step after the previous one
in due-time order, ties in the order in which one whole-file run lists them (story arm,
wave, segment, customer id). Only those sort keys stay in memory; the second pass builds
each chunk's messages and takes its spread times from there.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from fanzha.campaigns.experiments import story_arms
from fanzha.campaigns.spec import Campaign


def spread_keys(campaign: Campaign, picks: pd.DataFrame) -> pa.Table:
    """Per pick (the segment not yet blanked for opt-outs): due time and tie-break order.

    ``experiments.pick_by_arm`` lists story arms first (sorted by experiment and arm), then
    everyone else; each pick lists waves in order, segments in file order, and within one
    wave of one segment, customers by due time then id (``delivery.compute_due_times``).
    """
    stories = sorted(f"{e}\x1f{a}" for e, a in story_arms(campaign))
    group = (picks["experiment_id"].astype(str) + "\x1f" + picks["arm"].astype(str)).map(
        {k: i for i, k in enumerate(stories)}
    )
    positions = {s.id: i for i, s in enumerate(campaign.segments)}
    due = pd.to_datetime(picks["due_at"], utc=True).dt.tz_convert(None)
    return pa.table(
        {
            "due_us": due.to_numpy().astype("datetime64[us]").astype("int64"),
            "group": group.fillna(len(stories)).astype("int32").to_numpy(),
            "wave_index": picks["wave_index"].astype("int64").to_numpy(),
            "segment": picks["segment"].map(positions).fillna(-1).astype("int32").to_numpy(),
            # Arrow text, not Python strings: a tenth of the memory for millions of picks
            "customer_id": pa.array(picks["customer_id"].astype(str), type=pa.string()),
        }
    )


def spread_times(keys: list[pa.Table], rate_per_s: float) -> np.ndarray:
    """Spread due times (µs since the epoch, UTC) in the order the keys were added."""
    import pyarrow.compute as pc
    from fanzha.delivery import spread_for_rate

    if not keys:
        return np.empty(0, dtype="int64")
    table = pa.concat_tables(keys)
    keys.clear()
    order = pc.sort_indices(
        table,
        [(name, "ascending") for name in ("due_us", "group", "wave_index", "segment")]
        + [("customer_id", "ascending")],
    ).to_numpy()
    due = table.column("due_us").to_numpy()
    del table
    ordered = pd.DataFrame({"due_at": pd.to_datetime(due[order], unit="us", utc=True)})
    # Already in order, so the stable sort inside keeps ties as listed here.
    spread = spread_for_rate(ordered, rate_per_s)["due_at"]
    times = spread.dt.tz_convert(None).to_numpy().astype("datetime64[us]").astype("int64")
    out = np.empty_like(times)
    out[order] = times
    return out


@dataclass
class Stage:
    """A temporary folder of per-chunk picks and assignments, and the spread's sort keys."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="fanzha-run-")))
    chunks: int = 0
    keys: list[pa.Table] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # picks per chunk

    def add(self, picks: pd.DataFrame, assignments: pd.DataFrame) -> None:
        """Keep one chunk's picks and assignments until the second pass."""
        picks.reset_index(drop=True).to_feather(self._path("picks", self.chunks))
        assignments.reset_index(drop=True).to_feather(self._path("assign", self.chunks))
        self.sizes.append(len(picks))
        self.chunks += 1

    def add_risk(self, profiles: pd.DataFrame) -> None:
        """Keep one chunk's risk profiles (added right after its picks)."""
        profiles.reset_index(drop=True).to_feather(self._path("risk", self.chunks - 1))

    def risk(self) -> Iterator[pd.DataFrame]:
        """The staged risk profiles, chunk by chunk."""
        for index in range(self.chunks):
            path = self._path("risk", index)
            if path.exists():
                yield pd.read_feather(path)

    def picks(self, index: int) -> pd.DataFrame:
        """One chunk's picks, as they were added."""
        return pd.read_feather(self._path("picks", index))

    def assignments(self, index: int) -> pd.DataFrame:
        """One chunk's assignments, as they were added."""
        return pd.read_feather(self._path("assign", index))

    def offsets(self) -> list[int]:
        """Where each chunk's picks start in the order they were added."""
        return [0, *np.cumsum(self.sizes).tolist()][:-1]

    def close(self) -> None:
        """Remove the folder."""
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)

    def _path(self, kind: str, index: int) -> Path:
        return self.folder / f"{kind}-{index:05d}.feather"
