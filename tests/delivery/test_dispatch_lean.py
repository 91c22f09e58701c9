"""The dispatcher's lean batch: only customers with a preference are looked up, one
statement per outcome, and the answer is the same as with every lookup."""

from __future__ import annotations

import random

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery import DispatchConfig, Dispatcher, MockAdapter, enqueue
from fanzha.delivery.models import Preference, Suppression

from tests.delivery.helpers import T0, events, messages, states, store


def statements(engine: sa.Engine) -> list[str]:
    """Every SQL statement the engine runs from now on."""
    seen: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()))

    return seen


def dispatch(engine: sa.Engine) -> tuple[object, MockAdapter]:
    mock = MockAdapter()
    cfg = DispatchConfig(batch_size=100)
    return Dispatcher(engine, {"push": mock}, cfg, rng=random.Random(7)).run_once(T0), mock


def test_a_batch_without_preferences_asks_for_none(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, pd.concat([messages(150), messages(50, start=150, channel="feed")]), now=T0)
    seen = statements(engine)
    stats, mock = dispatch(engine)
    assert stats.delivered == 200 and len(mock.sent_ids) == 150  # type: ignore[attr-defined]
    # The claim screens the batch: no opt-out or suppression query was sent on its own.
    alone = [s for s in seen if s.startswith("SELECT") and "preferences" in s]
    assert alone == []
    assert events(engine).empty  # delivered is recorded in the messages alone
    assert states(engine) == {"delivered": 200}


def test_only_the_customers_with_a_preference_are_looked_up(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(5), now=T0)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Preference.__table__).values(
                customer_id="C000000003",
                push_opt_out=True,
                all_opt_out=False,
                personalization_opt_out=False,
                updated_at=T0,
            )
        )
        # Written behind the dispatcher's back (suppress_customer would cancel at once).
        conn.execute(
            sa.insert(Suppression.__table__).values(
                customer_id="C000000001", reason="complaint", until=None, created_at=T0
            )
        )
    seen = statements(engine)
    stats, mock = dispatch(engine)
    assert (stats.delivered, stats.cancelled) == (3, 2)  # type: ignore[attr-defined]
    assert sorted({p.customer_id for _, b in mock.batches for p in b}) == [
        "C000000000",
        "C000000002",
        "C000000004",
    ]
    lookups = [s for s in seen if s.startswith("SELECT") and "FROM preferences" in s]
    assert len(lookups) == 1  # for the two screened customers only
    kinds = events(engine)["kind"].value_counts().to_dict()
    assert kinds == {"cancelled": 2}
