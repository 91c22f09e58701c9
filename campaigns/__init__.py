"""fanzha campaigns: the composition root that wires segments, content, renderer and delivery.

The public API (also exported as ``fanzha.*``)::

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

from fanzha.campaigns.api import (
    Recall,
    Report,
    load_campaign,
    plan,
    preview,
    recall,
    report,
    run,
)
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
from fanzha.campaigns.settings import Settings

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
    "load_campaign",
    "plan",
    "preview",
    "recall",
    "report",
    "run",
]
