"""The store's side of experiments: arms on messages, imported outcomes, experiment events.

``upsert_outcomes`` keys rows by (customer, date, metric): importing the same file again, or
a corrected value, never adds a row. Events are JSON records (a bandit's re-weighting) kept
in order per campaign and experiment.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery.clock import from_db, to_db, utcnow
from fanzha.delivery.models import (
    CampaignVersion,
    ExperimentEvent,
    FeedItem,
    Message,
    Outcome,
    Preference,
    table_of,
)
from sqlalchemy.engine import Engine

__all__ = [
    "UpsertResult",
    "campaign_record",
    "control_members",
    "customer_activity",
    "experiment_events",
    "message_arms",
    "opt_outs_since",
    "read_outcomes",
    "record_experiment_event",
    "upsert_outcomes",
]

_CHUNK = 5000


class UpsertResult(tuple[int, int]):
    """(new rows, rows that existed: updated or unchanged)."""

    @property
    def inserted(self) -> int:
        """Rows that were new."""
        return self[0]

    @property
    def existing(self) -> int:
        """Rows whose key was there already (value replaced)."""
        return self[1]


def _table(model: Any) -> sa.Table:
    return table_of(model)


def upsert_outcomes(
    engine: Engine, frame: pd.DataFrame, *, now: datetime | None = None
) -> UpsertResult:
    """Store ``frame`` (customer_id, date, metric, value); an existing key gets the new value."""
    table = _table(Outcome)
    stamp = to_db(now or utcnow())
    rows = [
        {"customer_id": c, "day": d, "metric": m, "value": float(v), "imported_at": stamp}
        for c, d, m, v in frame[["customer_id", "date", "metric", "value"]].itertuples(index=False)
    ]
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    key = ["customer_id", "day", "metric"]
    with engine.begin() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for start in range(0, len(rows), _CHUNK):
            stmt = insert(table).values(rows[start : start + _CHUNK])
            stmt = stmt.on_conflict_do_update(
                index_elements=key,
                set_={"value": stmt.excluded.value, "imported_at": stmt.excluded.imported_at},
            )
            conn.execute(stmt)
        after = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    return UpsertResult((after - before, len(rows) - (after - before)))


def read_outcomes(engine: Engine, metrics: list[str] | None = None) -> pd.DataFrame:
    """Imported outcomes: customer_id, date, metric, value (all, or of ``metrics``)."""
    t = _table(Outcome)
    query = sa.select(t.c.customer_id, t.c.day, t.c.metric, t.c.value)
    if metrics is not None:
        query = query.where(t.c.metric.in_(metrics))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "metric", "value"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def message_arms(engine: Engine, campaign_id: str) -> pd.DataFrame:
    """Per customer and experiment: arm, first due time, and whether a feed item was read."""
    m, f = _table(Message), _table(FeedItem)
    query = (
        sa.select(
            m.c.customer_id,
            m.c.experiment_id,
            m.c.arm,
            sa.func.min(m.c.due_at).label("first_at"),
            sa.func.max(sa.case((f.c.read_at.is_not(None), 1), else_=0)).label("read"),
        )
        .select_from(m.outerjoin(f, f.c.message_id == m.c.id))
        # Superseded messages were replaced by a newer version's and never sent.
        .where(m.c.campaign_id == campaign_id, m.c.experiment_id != "", m.c.state != "superseded")
        .group_by(m.c.customer_id, m.c.experiment_id, m.c.arm)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["customer_id", "experiment_id", "arm", "first_at", "read"])
    frame["first_at"] = pd.to_datetime(frame["first_at"], utc=True)
    frame["read"] = frame["read"].astype(bool)
    # A customer keeps the arm of their first message (a re-weighting never moves them).
    frame = frame.sort_values("first_at").drop_duplicates(["customer_id", "experiment_id"])
    return frame.reset_index(drop=True)


def record_experiment_event(
    engine: Engine,
    campaign_id: str,
    experiment_id: str,
    *,
    wave: int,
    at: datetime,
    kind: str,
    payload: dict[str, Any],
) -> None:
    """Append one event."""
    with engine.begin() as conn:
        conn.execute(
            sa.insert(_table(ExperimentEvent)).values(
                campaign_id=campaign_id,
                experiment_id=experiment_id,
                wave=wave,
                at=to_db(at),
                kind=kind,
                payload=json.dumps(payload, ensure_ascii=False),
            )
        )


def experiment_events(engine: Engine, campaign_id: str) -> list[dict[str, Any]]:
    """A campaign's events in order: experiment_id, wave, at, kind, payload (parsed)."""
    t = _table(ExperimentEvent)
    query = sa.select(t).where(t.c.campaign_id == campaign_id).order_by(t.c.id)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        {
            "experiment_id": r["experiment_id"],
            "wave": int(r["wave"]),
            "at": from_db(r["at"]),
            "kind": r["kind"],
            "payload": json.loads(r["payload"] or "{}"),
        }
        for r in rows
    ]


def campaign_record(engine: Engine, campaign_id: str) -> tuple[str, str] | None:
    """The display name and file text of a campaign's active (else newest) version."""
    t = _table(CampaignVersion)
    query = (
        sa.select(t.c.name, t.c.source)
        .where(t.c.campaign_id == campaign_id)
        .order_by(t.c.active.desc(), t.c.created_at.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else (str(row[0]), str(row[1]))


def customer_activity(engine: Engine, campaign_id: str) -> pd.DataFrame:
    """Per customer with a message: first due; any push sent, delivered; in the feed; read."""
    m, f = _table(Message), _table(FeedItem)
    sent = m.c.state.in_(("sent", "delivered")) & (m.c.channel == "push")
    query = (
        sa.select(
            m.c.customer_id,
            sa.func.min(m.c.due_at).label("first_at"),
            sa.func.max(sa.case((sent, 1), else_=0)).label("sent"),
            sa.func.max(
                sa.case(((m.c.state == "delivered") & (m.c.channel == "push"), 1), else_=0)
            ).label("delivered"),
            sa.func.max(sa.case((f.c.id.is_not(None), 1), else_=0)).label("in_feed"),
            sa.func.max(sa.case((f.c.read_at.is_not(None), 1), else_=0)).label("read"),
        )
        .select_from(m.outerjoin(f, f.c.message_id == m.c.id))
        .where(m.c.campaign_id == campaign_id, m.c.state != "superseded")
        .group_by(m.c.customer_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    cols = ["customer_id", "first_at", "sent", "delivered", "in_feed", "read"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["first_at"] = pd.to_datetime(frame["first_at"], utc=True)
    for c in cols[2:]:
        frame[c] = frame[c].astype(bool)
    return frame


def opt_outs_since(engine: Engine, since: datetime) -> pd.DataFrame:
    """Customers who opted out of pushes or of everything at or after ``since``."""
    t = _table(Preference)
    query = sa.select(t.c.customer_id).where(
        sa.or_(t.c.push_opt_out, t.c.all_opt_out), t.c.updated_at >= to_db(since)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=["customer_id"])


def control_members(engine: Engine, campaign_id: str) -> int:
    """Customers of a campaign set aside for the global control group."""
    from fanzha.delivery.models import Assignment

    t = _table(Assignment)
    query = sa.select(sa.func.count()).where(
        t.c.campaign_id == campaign_id, t.c.reason == "global_control"
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
