"""fanzha campaigns: the composition root that wires segments, content, renderer and delivery.

The public API, imported as ``fanzha.*`` (or from ``fanzha.campaigns.api``)::

    load_campaign(path, *, customers=None, settings=None) -> Campaign
    plan(campaign, customers, *, now=None, settings=None) -> Plan
    run(campaign, customers, *, now=None, settings=None) -> RunResult
    preview(campaign, out, *, settings=None) -> Preview
    report(campaign_id, out, *, outcomes=None, settings=None) -> Report
    recall(warning_id, *, now=None, settings=None) -> Recall

``customers`` is a ``.csv``/``.parquet`` path or a pandas DataFrame; every result has
``render()`` and ``to_dict()``. The command line (``fanzha.campaigns.cli``) wraps these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fanzha.campaigns.errors import (
    CampaignFileError,
    CampaignNotFound,
    CampaignsError,
    InputError,
    Problem,
    SettingsError,
    StoreNotReady,
)
from fanzha.campaigns.results import Result

if TYPE_CHECKING:
    # The API's functions are not re-exported here: ``fanzha.campaigns.report`` and
    # ``.preview`` are modules, and importing them would shadow functions of the same name.
    from fanzha.campaigns.api import Recall, Report
    from fanzha.campaigns.settings import Settings


def __getattr__(name: str) -> object:
    # The API loads on first use: `fanzha token` or `fanzha keys` never pay for the
    # campaign loader and its models, and commands that read no setting never load
    # pydantic-settings.
    if name in ("Recall", "Report"):
        from fanzha.campaigns import api

        return getattr(api, name)
    if name == "Settings":
        from fanzha.campaigns.settings import Settings

        return Settings
    raise AttributeError(f"module 'fanzha.campaigns' has no attribute {name!r}")


__all__ = [
    "CampaignFileError",
    "CampaignNotFound",
    "CampaignsError",
    "InputError",
    "Problem",
    "Recall",
    "Report",
    "Result",
    "Settings",
    "SettingsError",
    "StoreNotReady",
]
