"""A campaign's rules as ``fanzha segment`` uses them, checked once per file, schema and columns.

Checking a campaign file (YAML, the pydantic model, every rule against the schema and the
customers' columns) gives the same answer for the same inputs, so a file that passed is
remembered in the derived-data cache (``fanzha._cache``): its audience rule, holdout,
segment rules and match mode, under a hash of the file's bytes, the schema, the customer
columns and the code that checks them. A later run with the same inputs skips the check and
its imports (pydantic, the campaign model); a file with problems is never stored, so its
problems are reported on every run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fanzha import _cache

if TYPE_CHECKING:
    from fanzha.campaigns.spec import Campaign
    from fanzha.campaigns.workspace import CampaignSource
    from fanzha.segments import AudienceSpec, CustomerSchema, SegmentSpec

__all__ = ["CampaignRules", "campaign_rules", "rules_of"]

# Everything a campaign check runs: the loader, the model's value checks (some in
# delivery.syntax), the rule parser and type checker, the YAML reader, pydantic.
_CODE = (
    "fanzha.campaigns",
    "fanzha.segments",
    "fanzha._yaml",
    "fanzha.delivery",
    "pydantic",
    "pydantic_core",
    "yaml",
)


@dataclass(frozen=True)
class CampaignRules:
    """What segmenting needs of a checked campaign."""

    audience: AudienceSpec
    segments: list[SegmentSpec]
    all_matches: bool  # match: all (every matching segment) rather than the first


def _key(text: bytes, schema_path: Path | None, columns: set[str] | None) -> str:
    schema = Path(schema_path).read_bytes() if schema_path else b"default schema"
    shown = "\x1f".join(sorted(columns)) if columns is not None else "\x00any columns"
    return _cache.digest(text, schema, shown, _cache.code_stamp(*_CODE))


def _rules(data: dict[str, Any]) -> CampaignRules:
    from fanzha.segments import AudienceSpec, SegmentSpec

    audience = AudienceSpec(data["id"], data["where"], data["holdout_pct"])
    segments = [SegmentSpec(seg_id, rule) for seg_id, rule in data["segments"]]
    return CampaignRules(audience, segments, data["match"] == "all")


def _data(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "where": campaign.where,
        "holdout_pct": campaign.holdout_pct,
        "segments": [[s.id, s.rule] for s in campaign.segments],
        "match": campaign.match,
    }


def rules_of(campaign: Campaign) -> CampaignRules:
    """The rules of a campaign already loaded."""
    return _rules(_data(campaign))


def campaign_rules(
    source: CampaignSource,
    schema: CustomerSchema,
    schema_path: Path | None,
    columns: set[str] | None,
) -> CampaignRules:
    """The rules of a campaign checked against ``schema`` and the customers' ``columns``.

    The warning library is never read (segmenting needs rules alone; ``validate`` and
    ``run`` check warning ids). ``CampaignFileError`` lists a file's problems.
    """
    if not isinstance(source, (str, os.PathLike)):  # a Campaign, already checked
        return rules_of(source)
    path = Path(source)
    try:
        key = _key(path.read_bytes(), schema_path, columns)
    except OSError:
        key = None  # the check reports an unreadable file in its own words
    hit = _cache.load("campaign-rules", key) if key else None
    if isinstance(hit, dict):
        return _rules(hit)
    from fanzha.campaigns.loader import load_campaign
    from fanzha.campaigns.workspace import campaign_context

    data = _data(load_campaign(path, campaign_context(schema, columns)))
    if key:
        _cache.store("campaign-rules", key, data)
    return _rules(data)
