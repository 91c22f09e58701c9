"""Shared helpers for the delivery tests: a ready store and message frames."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery import DispatchConfig, Dispatcher, MockAdapter, init_db, open_engine
from fanzha.delivery.models import DeliveryEvent, Message
from sqlalchemy.engine import Engine

T0 = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Tuesday


def store(url: str) -> Engine:
    """An engine on a migrated, empty store."""
    engine = open_engine(url)
    init_db(engine)
    return engine


def messages(
    n: int,
    *,
    campaign: str = "c1",
    channel: str = "push",
    wave: str = "2027-03-02",
    due: datetime = T0,
    start: int = 0,
    **extra: object,
) -> pd.DataFrame:
    """``n`` messages for customers C000000000+start…, due at ``due``."""
    return pd.DataFrame(
        {
            "campaign_id": campaign,
            "version": "v1",
            "customer_id": [f"C{i:09d}" for i in range(start, start + n)],
            "wave": wave,
            "channel": channel,
            "warning_id": "credit-repair",
            "title": "信用修复是骗局",
            "body": "征信无法花钱修复，请勿转账",
            "image_key": "abc.webp",
            "due_at": due,
            **extra,
        }
    )


def states(engine: Engine) -> dict[str, int]:
    """Message counts by state."""
    m = Message.__table__
    with engine.connect() as conn:
        rows = conn.execute(sa.select(m.c.state, sa.func.count()).group_by(m.c.state)).all()
    return {state: int(count) for state, count in rows}


def table(engine: Engine, model: type) -> pd.DataFrame:
    """All rows of a table as a frame."""
    t = model.__table__
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t)).all()
    return pd.DataFrame(rows, columns=[c.name for c in t.columns])


def events(engine: Engine) -> pd.DataFrame:
    """All delivery events."""
    return table(engine, DeliveryEvent)


def batch_dispatcher(engine: Engine, mock: MockAdapter) -> Dispatcher:
    """A dispatcher of batches of 100 pushes through ``mock``, with a fixed random source."""
    cfg = DispatchConfig(batch_size=100, media_base_url="https://bank.example/m/")
    return Dispatcher(engine, {"push": mock}, cfg, rng=random.Random(7))
