"""When a campaign runs: prepare its risk prompts so the risk-check endpoint only looks things up.

Per (warning, segment, locale, text mode) that customers can meet, the story written for the
segment is resolved and its comic rendered into the media cache (never on the request path);
per customer, the segment, holdout, locale, text mode and the columns the rules read are
written as a profile. The API's in-memory index reloads from these when it sees a new version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from fanzha.campaigns import messages as M
from fanzha.campaigns.audience import Audience
from fanzha.campaigns.risk_rules import customer_columns_read
from fanzha.campaigns.spec import Campaign
from fanzha.campaigns.workspace import Workspace


def prompt_key(warning_id: str, segment: str, locale: str, large_text: bool) -> str:
    """The key of one prepared prompt (the API builds the same one)."""
    return f"{warning_id}|{segment}|{locale}|{int(large_text)}"


def risk_profiles(
    campaign: Campaign, aud: Audience, columns: list[str], withheld: Callable[[pd.Series], Any]
) -> pd.DataFrame:
    """One row per assigned customer: segment, holdout, locale, large_text, withheld, facts.

    ``withheld(ids)`` marks the bank's global control members that risk prompts skip.
    """
    a = aud.assignments[["customer_id", "segment", "holdout"]]
    style_large = {s.id: s.large_text for s in campaign.segments}
    cust = aud.customers[["customer_id", *sorted({"locale", "large_text", *columns})]]
    frame = a.merge(cust, on="customer_id", how="left")
    frame["segment"] = frame["segment"].fillna("").astype(str)
    # Who refused personalization is prompted as nobody in particular (PIPL art. 24).
    frame.loc[frame["customer_id"].isin(aud.personalization_opt_out), "segment"] = ""
    frame["holdout"] = frame["holdout"].fillna(False).astype(bool)
    frame["locale"] = frame["locale"].fillna(campaign.locale).astype(str)
    by_style = frame["segment"].map(style_large).fillna(False).astype(bool)
    frame["large_text"] = frame["large_text"].fillna(False).astype(bool) | by_style
    frame["withheld"] = withheld(frame["customer_id"])
    if columns:
        facts = frame[columns].astype(object).where(frame[columns].notna(), None)
        frame["facts"] = [
            json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str)
            for row in facts.itertuples(index=False)
        ]
    else:
        frame["facts"] = ""
    return frame[["customer_id", "segment", "holdout", "locale", "large_text", "withheld", "facts"]]


def prepare_prompts(
    ws: Workspace, campaign: Campaign, profiles: pd.DataFrame
) -> dict[str, dict[str, object]]:
    """Every prompt the customers can meet, its image rendered into the media cache."""
    from fanzha.content import risk_questions, risk_story

    nobody = pd.DataFrame({"segment": [""], "locale": [campaign.locale], "large_text": [False]})
    # ... and the combination of a customer the run did not see (no segment, default mode)
    seen = pd.concat([profiles[["segment", "locale", "large_text"]], nobody]).drop_duplicates()
    rows = []
    for warning in sorted({r.warning for r in campaign.risk_prompts}):
        have = set(ws.library.locales(warning))
        for seg, loc, large in seen.itertuples(index=False):
            copy_locale = loc if loc in have else campaign.locale
            variant = risk_story(ws.library, warning, seg, copy_locale)
            rows.append((warning, variant, copy_locale, seg, bool(large), loc))
    picks = pd.DataFrame(
        rows,
        columns=["warning_id", "variant", "copy_locale", "segment", "large_text", "locale"],
    )
    if picks.empty:
        return {}
    copies = M.resolve_copies(ws, campaign, picks)
    images = M.render_cards(ws, campaign, picks, copies)
    picks = picks.merge(
        images, on=["warning_id", "variant", "copy_locale", "segment", "large_text"], how="left"
    )
    out: dict[str, dict[str, object]] = {}
    for r in picks.itertuples(index=False):
        copy = copies[M.CopyKey(r.warning_id, r.variant, r.copy_locale, r.segment)]
        out[prompt_key(r.warning_id, r.segment, r.locale, r.large_text)] = {
            "warning_id": r.warning_id,
            "variant": r.variant,
            "locale": r.copy_locale,
            "title": copy.title,
            "body": copy.action,
            "questions": risk_questions(copy),
            "image_key": r.image_key,
            "alt_text": r.alt_text,
            "large_text": bool(r.large_text),
        }
    return out


def prepare_risk(ws: Workspace, campaign: Campaign, aud: Audience, now: datetime) -> int:
    """Store the campaign's risk rules, prompts and profiles; how many prompts were prepared.

    A campaign without ``risk_prompts`` retires any ruleset an earlier version left.
    """
    columns = risk_columns(ws, campaign)
    profiles = [] if columns is None else [chunk_profiles(ws, campaign, aud, columns, now)]
    return save_risk(ws, campaign, profiles, now)


def risk_columns(ws: Workspace, campaign: Campaign) -> list[str] | None:
    """The customer columns the risk rules read; None when the campaign has no risk prompts."""
    if not campaign.risk_prompts:
        return None
    return customer_columns_read([r.when for r in campaign.risk_prompts], ws.schema)


def chunk_profiles(
    ws: Workspace, campaign: Campaign, aud: Audience, columns: list[str], now: datetime
) -> pd.DataFrame:
    """The profiles of one audience (a whole file, or one chunk of a streamed run)."""
    from fanzha.campaigns.control import withheld_from_risk_prompts

    return risk_profiles(
        campaign, aud, columns, lambda ids: withheld_from_risk_prompts(ws.settings, ids, now.date())
    )


def save_risk(
    ws: Workspace,
    campaign: Campaign,
    profiles: Sequence[pd.DataFrame] | Callable[[], Iterator[pd.DataFrame]],
    now: datetime,
    *,
    seen: pd.DataFrame | None = None,
) -> int:
    """Store rules, prompts and ``profiles`` (pieces, or a function that reads them again).

    ``seen``: the (segment, locale, large_text) combinations of all profiles, in order of
    first appearance, when the profiles are not all in memory.
    """
    from fanzha.content import risk_labels
    from fanzha.delivery.risk_store import deactivate_ruleset, save_ruleset

    columns = risk_columns(ws, campaign)
    if columns is None:
        deactivate_ruleset(ws.engine, campaign.id)
        return 0
    if seen is None:
        assert not callable(profiles)
        seen = profile_combinations(profiles)
    prompts = prepare_prompts(ws, campaign, seen)
    rules = [
        {"index": i, "when": r.when, "warning": r.warning, "pause_seconds": r.pause.seconds}
        for i, r in enumerate(campaign.risk_prompts, start=1)
    ]
    locales = {*seen["locale"].unique(), campaign.locale}
    save_ruleset(
        ws.engine,
        campaign_id=campaign.id,
        version=campaign.version,
        locale=campaign.locale,
        holdout_pct=campaign.holdout_pct,
        rules=rules,
        prompts=prompts,
        labels={loc: risk_labels(loc) for loc in sorted(locales)},
        columns=[{"name": c, "type": ws.schema.type_of(c)} for c in columns],
        profiles=profiles() if callable(profiles) else profiles,
        now=now,
    )
    return len(prompts)


def profile_combinations(profiles: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The (segment, locale, large_text) combinations of profiles, in order of appearance."""
    cols = ["segment", "locale", "large_text"]
    parts = [p[cols].drop_duplicates() for p in profiles]
    return (
        pd.concat(parts, ignore_index=True).drop_duplicates()
        if parts
        else pd.DataFrame(columns=cols)
    )


__all__ = [
    "chunk_profiles",
    "prepare_prompts",
    "prepare_risk",
    "profile_combinations",
    "prompt_key",
    "risk_columns",
    "risk_profiles",
    "save_risk",
]
