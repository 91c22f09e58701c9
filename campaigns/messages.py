"""Stage 3: copy and images per unique content (never per customer), then outbox rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from fanzha.campaigns.spec import Campaign
from fanzha.campaigns.workspace import Workspace

if TYPE_CHECKING:
    from fanzha.content import CopyContext, WarningCopy

SALUTATION = {"zh-CN": "您好", "en": "Hello"}


@dataclass(frozen=True)
class CopyKey:
    """What makes two customers' copy identical."""

    warning_id: str
    variant: str
    locale: str
    segment: str


def copy_context(ws: Workspace, campaign: Campaign, segment: str, locale: str) -> CopyContext:
    """Template values for one segment and locale (no personal data)."""
    from fanzha.content import CopyContext

    label = campaign.segment(segment).label if segment in {s.id for s in campaign.segments} else ""
    return CopyContext.for_locale(
        ws.content_config, locale, segment_label=label, salutation=SALUTATION.get(locale, "")
    )


def resolve_copies(
    ws: Workspace, campaign: Campaign, picks: pd.DataFrame
) -> dict[CopyKey, WarningCopy]:
    """One WarningCopy per unique (warning, variant, locale, segment)."""
    keys = picks[["warning_id", "variant", "copy_locale", "segment"]].drop_duplicates()
    out = {}
    for wid, variant, locale, seg in keys.itertuples(index=False):
        ctx = copy_context(ws, campaign, seg, locale)
        out[CopyKey(wid, variant, locale, seg)] = ws.library.resolve(
            wid, variant=variant, locale=locale, context=ctx
        )
    return out


def render_cards(
    ws: Workspace,
    campaign: Campaign,
    picks: pd.DataFrame,
    copies: dict[CopyKey, WarningCopy],
    *,
    fmt: str = "strip",
) -> pd.DataFrame:
    """Render each unique (copy, style) once into the media cache; return keys per combination.

    A render the renderer refuses is set aside with its reason (``render_error``): its
    messages go without a comic (image_key ""), as text-only cards, and the run says so.
    """
    from fanzha.renderer import RenderCache, RenderFailed, RenderJob, Style, render_each

    combos = picks[
        ["warning_id", "variant", "copy_locale", "segment", "large_text"]
    ].drop_duplicates()
    jobs, rows = [], []
    for wid, variant, locale, seg, large in combos.itertuples(index=False):
        spec = campaign.segment(seg) if seg in {s.id for s in campaign.segments} else None
        cfg = ws.content_config
        style = Style(
            layout=spec.layout if spec else "four-panel",
            large_text=bool(large) or bool(spec and spec.large_text),
            # the footer names the bank's own line only when one is configured
            bank_line=f"{cfg.text('bank_name', locale)} {cfg.bank_phone}" if cfg.bank_phone else "",
        )
        jobs.append(RenderJob(copies[CopyKey(wid, variant, locale, seg)], fmt, style))
        rows.append((wid, variant, locale, seg, large))
    ws.settings.media_dir.mkdir(parents=True, exist_ok=True)
    from fanzha.campaigns.progress import progress

    with progress("rendering cards", total=len({job.key() for job in jobs})) as bar:
        results = render_each(
            jobs,
            cache=RenderCache(ws.settings.media_dir),
            processes=ws.settings.render_processes,
            on_done=bar.advance,
        )
    table = pd.DataFrame(
        rows, columns=["warning_id", "variant", "copy_locale", "segment", "large_text"]
    )
    table["image_key"] = ["" if isinstance(m, RenderFailed) else m.image_key for m in results]
    table["alt_text"] = ["" if isinstance(m, RenderFailed) else m.alt_text for m in results]
    table["render_error"] = [m.reason if isinstance(m, RenderFailed) else "" for m in results]
    return table


def build_messages(
    ws: Workspace,
    campaign: Campaign,
    picks: pd.DataFrame,
    copies: dict[CopyKey, WarningCopy],
    images: pd.DataFrame,
) -> pd.DataFrame:
    """Outbox rows, one per (customer, wave, channel)."""
    text = pd.DataFrame(
        [
            (k.warning_id, k.variant, k.locale, k.segment, c.push_title, c.push_body)
            for k, c in copies.items()
        ],
        columns=["warning_id", "variant", "copy_locale", "segment", "title", "body"],
    )
    rows = picks.merge(text, on=["warning_id", "variant", "copy_locale", "segment"], how="left")
    rows = rows.merge(
        images, on=["warning_id", "variant", "copy_locale", "segment", "large_text"], how="left"
    )
    rows = rows.assign(
        campaign_id=campaign.id,
        version=campaign.version,
        locale=rows["copy_locale"],
        deep_link="fanzha://feed?warning=" + rows["warning_id"],
    )
    start, end = campaign.quiet_hours
    quiet = f"{start:%H:%M}-{end:%H:%M}"
    frames = []
    for channel in campaign.channels:
        # Quiet hours and the cap travel with each push so the dispatcher enforces them at
        # send time; the feed is silent, so neither applies to it.
        push = channel == "push"
        frames.append(
            rows.assign(
                channel=channel,
                quiet_hours=quiet if push else "",
                cap_max=campaign.cap_max if push else None,
                cap_days=campaign.cap_per.days if push else None,
            )
        )
    cols = [
        "campaign_id",
        "version",
        "customer_id",
        "wave",
        "channel",
        "segment",
        "warning_id",
        "variant",
        "locale",
        "title",
        "body",
        "image_key",
        "alt_text",
        "deep_link",
        "due_at",
        "timezone",
        "quiet_hours",
        "cap_max",
        "cap_days",
        "experiment_id",
        "arm",
    ]
    out = pd.concat(frames, ignore_index=True)
    for column in ("experiment_id", "arm"):  # picks made without experiments carry neither
        if column not in out.columns:
            out[column] = ""
    return out[cols]
