"""The global control group in a campaign: members get no education message, anywhere.

Set by ``FANZHA_CONTROL_PCT`` (and the epoch variables) for the whole bank, never per campaign.
A campaign takes the epoch in force on its start date for its whole run. Members who would
have been eligible become ineligible with the reason ``global_control``, and are neither held
out nor contacted: the campaign's holdout is drawn among the other customers
(:func:`fanzha.segments.control.split_population` holds the argument). Risk prompts reach
members unless ``FANZHA_CONTROL_RISK_PROMPTS=false``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from fanzha.campaigns.customers import CustomerSource
from fanzha.campaigns.results import Result
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import Workspace
from fanzha.segments.control import EpochSchedule, GlobalControl

REASON = "global_control"
__all__ = [
    "REASON",
    "ControlExport",
    "apply_control",
    "export_control",
    "global_control",
    "record_epoch",
    "withheld_from_risk_prompts",
]


def global_control(settings: Settings) -> GlobalControl | None:
    """The bank's control group, or None when ``FANZHA_CONTROL_PCT`` is 0."""
    if settings.control_pct <= 0:
        return None
    schedule = EpochSchedule(settings.control_epoch_months, settings.control_anchor)
    return GlobalControl(settings.control_pct, schedule)


def apply_control(
    assignments: pd.DataFrame, control: GlobalControl | None, day: date
) -> pd.DataFrame:
    """Eligible members of the group made ineligible (reason ``global_control``)."""
    if control is None or assignments.empty:
        return assignments
    members = control.members(assignments["customer_id"].astype(str), day)
    hit = members & assignments["eligible"].astype(bool).to_numpy()
    out = assignments.copy()
    if isinstance(out["reason"].dtype, pd.CategoricalDtype):
        out["reason"] = out["reason"].cat.add_categories([REASON])
    out.loc[hit, "eligible"] = False
    out.loc[hit, "holdout"] = False
    out.loc[hit, "reason"] = REASON
    return out


@dataclass
class ControlExport(Result):
    """What ``fanzha control export`` wrote."""

    path: Path
    members: int
    customers: int
    epoch: str
    pct: float

    def render(self) -> str:
        """One line for the terminal."""
        return (
            f"{self.members:,} of {self.customers:,} customers in the global control group "
            f"({self.pct:g}%, epoch {self.epoch}) written to {self.path}"
        )


def export_control(ws: Workspace, customers: CustomerSource, day: date, out: Path) -> ControlExport:
    """Write the control group's members among ``customers`` on ``day`` (CSV or Parquet)."""
    from fanzha.campaigns import customers as C
    from fanzha.campaigns.errors import InputError

    control = global_control(ws.settings)
    if control is None:
        raise InputError("no global control group: set FANZHA_CONTROL_PCT (e.g. 2)")
    frame = C.load(customers, ws.schema, write_rejected=False).frame
    ids = frame["customer_id"].astype(str)
    epoch = control.schedule.epoch_of(day)
    members = ids[control.members(ids, day)]
    table = pd.DataFrame(
        {
            "customer_id": members.to_numpy(),
            "epoch": epoch.label,
            "epoch_start": epoch.start.isoformat(),
            "epoch_end": epoch.end.isoformat(),
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".parquet":
        table.to_parquet(out, index=False)
    else:
        table.to_csv(out, index=False)
    return ControlExport(out, len(table), len(ids), epoch.label, control.pct)


def record_epoch(ws: Workspace, campaign_id: str, day: date) -> str | None:
    """Record the control group's epoch a campaign runs in (once); its label, or None."""
    from fanzha.delivery.experiments import experiment_events, record_experiment_event

    control = global_control(ws.settings)
    if control is None:
        return None
    epoch = control.schedule.epoch_of(day)
    seen = experiment_events(ws.engine, campaign_id)
    if any(e["kind"] == "control_epoch" and e["payload"].get("label") == epoch.label for e in seen):
        return epoch.label
    payload = {
        "label": epoch.label,
        "start": epoch.start.isoformat(),
        "end": epoch.end.isoformat(),
        "pct": control.pct,
        "risk_prompts": ws.settings.control_risk_prompts,
    }
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    record_experiment_event(
        ws.engine, campaign_id, "", wave=0, at=at, kind="control_epoch", payload=payload
    )
    return epoch.label


def withheld_from_risk_prompts(settings: Settings, ids: pd.Series, day: date) -> np.ndarray:
    """Who gets no risk prompt on ``day``: control members, unless prompts are exempt."""
    control = global_control(settings)
    if control is None or settings.control_risk_prompts:
        return np.zeros(len(ids), dtype=bool)
    return control.members(ids.astype(str), day)
