"""The tables event triggers read and write: campaign versions, audiences, earlier notices,
and events that could not become a notice.

Campaigns' trigger processor calls these; it holds no SQL of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import AppEvent, Assignment, CampaignVersion, Message
from sqlalchemy.engine import Engine

_events = AppEvent.__table__
_a = Assignment.__table__
_v = CampaignVersion.__table__
_m = Message.__table__
CHUNK = 500  # ids per IN list, under every driver's parameter limit
EVENT_WAVE = "event:"  # a trigger message's wave: "event:" + the event id that caused it
AUDIENCE = ["customer_id", "segment", "holdout", "eligible", "locale", "timezone"]

__all__ = [
    "EVENT_WAVE",
    "active_campaign_sources",
    "earlier_notices",
    "failed_event_count",
    "failed_events",
    "mark_events_failed",
    "trigger_audience",
]


def _chunks(ids: Iterable[str]) -> list[list[str]]:
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]


def active_campaign_sources(engine: Engine) -> list[tuple[str, str]]:
    """``(campaign_id, source)`` of the active version of every campaign run on this store."""
    query = sa.select(_v.c.campaign_id, _v.c.source).where(_v.c.active).order_by(_v.c.campaign_id)
    with engine.connect() as conn:
        return [(r.campaign_id, r.source) for r in conn.execute(query)]


def trigger_audience(engine: Engine, campaign_id: str, customer_ids: Iterable[str]) -> pd.DataFrame:
    """These customers' assignments in a campaign: segment, holdout, eligibility, locale, zone."""
    rows: list[sa.Row[Any]] = []
    with engine.connect() as conn:
        for ids in _chunks(customer_ids):
            query = sa.select(*(_a.c[c] for c in AUDIENCE)).where(
                _a.c.campaign_id == campaign_id, _a.c.customer_id.in_(ids)
            )
            rows += conn.execute(query).all()
    return pd.DataFrame(rows, columns=AUDIENCE)


def earlier_notices(
    engine: Engine,
    campaign_id: str,
    kind: str,
    customer_ids: Iterable[str],
    since: datetime | None = None,
) -> pd.DataFrame:
    """Events of ``kind`` (since ``since``, if given) that already brought these customers a
    notice of this campaign: ``event_id, customer_id, occurred_at`` (aware UTC), ``loan_id``."""
    wave = sa.literal(EVENT_WAVE) + _events.c.event_id
    columns = ["event_id", "customer_id", "occurred_at", "loan_id"]
    rows: list[sa.Row[Any]] = []
    with engine.connect() as conn:
        for ids in _chunks(customer_ids):
            after = [] if since is None else [_events.c.occurred_at >= to_db(since)]
            query = (
                sa.select(*(_events.c[c] for c in columns))
                .where(
                    _events.c.kind == kind,
                    _events.c.customer_id.in_(ids),
                    *after,
                    sa.exists().where(
                        _m.c.campaign_id == campaign_id,
                        _m.c.customer_id == _events.c.customer_id,
                        _m.c.wave == wave,
                    ),
                )
                .distinct()
            )
            rows += conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=columns)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    return frame


def mark_events_failed(engine: Engine, reasons: Mapping[str, str], now: datetime) -> int:
    """Mark events processed with the reason no notice came of them; how many were pending."""
    if not reasons:
        return 0
    update = (
        sa.update(_events)
        .where(_events.c.event_id == sa.bindparam("_id"), _events.c.processed_at.is_(None))
        .values(processed_at=to_db(now), failed_reason=sa.bindparam("_reason"))
    )
    params = [{"_id": i, "_reason": str(r)[:200]} for i, r in reasons.items()]
    with engine.begin() as conn:
        return int(conn.execute(update, params).rowcount or 0)


def failed_event_count(engine: Engine) -> int:
    """How many app events could not become a notice (``fanzha report`` shows it)."""
    query = sa.select(sa.func.count()).where(_events.c.failed_reason.is_not(None))
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def failed_events(engine: Engine, limit: int = 100) -> pd.DataFrame:
    """The latest events that could not become a notice, with their reasons."""
    columns = ["event_id", "customer_id", "kind", "occurred_at", "failed_reason"]
    query = (
        sa.select(*(_events.c[c] for c in columns))
        .where(_events.c.failed_reason.is_not(None))
        .order_by(_events.c.processed_at.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=columns)
