"""What campaigns read from the store: recent sends, opt-outs, the report's and demo's frames.

The store's tables are delivery's; ``fanzha.campaigns`` reads them only through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery.campaign_store import unsent_waves
from fanzha.delivery.clock import from_db
from fanzha.delivery.models import (
    CANCELLED,
    PENDING,
    PUSH,
    SUPERSEDED,
    Assignment,
    FeedItem,
    Message,
    Preference,
    table_of,
)
from sqlalchemy.engine import Engine

__all__ = [
    "ReportFrames",
    "contactable_customers",
    "message_states",
    "next_due",
    "opt_outs",
    "recent_sends",
    "report_frames",
]

_M = table_of(Message)
_A = table_of(Assignment)
_F = table_of(FeedItem)
_P = table_of(Preference)


def _frame(
    engine: Engine, query: sa.Select[tuple[object, ...]], columns: list[str]
) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=columns)


def recent_sends(
    engine: Engine,
    customer_ids: Iterable[str] | None,
    now: datetime,
    *,
    days: int = 28,
    rebuilding: str | None = None,
) -> pd.DataFrame:
    """Pushes sent or scheduled to these customers within ``days`` before ``now``, any campaign.

    Columns ``customer_id, warning_id, sent_at``; every customer's when ``customer_ids`` is
    None. With ``rebuilding=campaign_id``, that
    campaign's unsent wave messages are left out: the run that asks builds them again (the
    same picks for the same version; a new version supersedes them).
    """
    query = sa.select(_M.c.customer_id, _M.c.warning_id, _M.c.due_at).where(
        _M.c.channel == PUSH,
        _M.c.due_at >= now - timedelta(days=days),
        _M.c.state.not_in((CANCELLED, SUPERSEDED)),
    )
    if rebuilding is not None:
        query = query.where(sa.not_(unsent_waves(rebuilding)))
    frame = _frame(engine, query, ["customer_id", "warning_id", "sent_at"])
    if customer_ids is None:
        return frame
    return frame[frame["customer_id"].isin(set(customer_ids))].reset_index(drop=True)


def opt_outs(engine: Engine) -> tuple[frozenset[str], frozenset[str]]:
    """Customers who opted out of everything, and those who refused only personalization."""
    query = sa.select(_P.c.customer_id, _P.c.all_opt_out, _P.c.personalization_opt_out).where(
        sa.or_(_P.c.all_opt_out, _P.c.personalization_opt_out)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return (
        frozenset(c for c, everything, _ in rows if everything),
        frozenset(c for c, everything, personal in rows if personal and not everything),
    )


@dataclass(frozen=True)
class ReportFrames:
    """One campaign's assignments, messages and feed items, as the report reads them."""

    assignments: pd.DataFrame  # customer_id, segment, holdout, eligible
    messages: pd.DataFrame  # id, customer_id, segment, variant, channel, state, reason (live)
    feed: pd.DataFrame  # message_id, read_at, dismissed_at


def report_frames(engine: Engine, campaign_id: str) -> ReportFrames:
    """The frames ``fanzha report`` builds its funnel and uplift from."""
    a_cols = ["customer_id", "segment", "holdout", "eligible"]
    m_cols = ["id", "customer_id", "segment", "variant", "channel", "state", "reason"]
    f_cols = ["message_id", "read_at", "dismissed_at"]
    return ReportFrames(
        _frame(
            engine,
            sa.select(*(_A.c[c] for c in a_cols)).where(_A.c.campaign_id == campaign_id),
            a_cols,
        ),
        _frame(
            engine,
            # Superseded messages were replaced by a newer version's: counting them would
            # schedule one wave twice.
            sa.select(*(_M.c[c] for c in m_cols)).where(
                _M.c.campaign_id == campaign_id, _M.c.state != SUPERSEDED
            ),
            m_cols,
        ),
        _frame(
            engine,
            sa.select(*(_F.c[c] for c in f_cols)).where(_F.c.campaign_id == campaign_id),
            f_cols,
        ),
    )


def contactable_customers(engine: Engine, limit: int) -> list[str]:
    """The first ``limit`` customer ids (by id) that are eligible and not held out, any campaign."""
    query = (
        sa.select(_A.c.customer_id)
        .where(_A.c.eligible, sa.not_(_A.c.holdout))
        .order_by(_A.c.customer_id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [str(r[0]) for r in conn.execute(query)]


def next_due(engine: Engine) -> datetime | None:
    """The earliest moment a pending message can go (its retry time when that is later)."""
    later = sa.case(
        (
            sa.and_(_M.c.next_attempt_at.is_not(None), _M.c.next_attempt_at > _M.c.due_at),
            _M.c.next_attempt_at,
        ),
        else_=_M.c.due_at,
    )
    with engine.connect() as conn:
        value = conn.execute(sa.select(sa.func.min(later)).where(_M.c.state == PENDING)).scalar()
    if value is None:
        return None
    return from_db(pd.Timestamp(value).to_pydatetime())


@dataclass(frozen=True)
class MessageStates:
    """Messages by channel, state and reason, and the feed items written."""

    states: list[tuple[str, str, str, int]]
    feed_items: int
    first_feed_customer: str | None


def message_states(engine: Engine) -> MessageStates:
    """Counts for a summary: messages by (channel, state, reason), feed items, a sample reader."""
    reason = sa.func.coalesce(_M.c.reason, "")
    by_state = (
        sa.select(_M.c.channel, _M.c.state, reason, sa.func.count())
        .group_by(_M.c.channel, _M.c.state, reason)
        .order_by(_M.c.channel, _M.c.state, reason)
    )
    with engine.connect() as conn:
        states = [(str(c), str(s), str(r), int(n)) for c, s, r, n in conn.execute(by_state)]
        feed = int(conn.execute(sa.select(sa.func.count()).select_from(_F)).scalar_one())
        first = conn.execute(
            sa.select(_F.c.customer_id).order_by(_F.c.customer_id).limit(1)
        ).scalar()
    return MessageStates(states, feed, None if first is None else str(first))
