"""Leases: a claimed message stays pending with a lease that no index sees, and a lease that
ran out is taken over by the next claim."""

from __future__ import annotations

import random
from datetime import timedelta

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery import DispatchConfig, Dispatcher, MockAdapter, enqueue
from fanzha.delivery.cancel import cancel_messages
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import Message

from tests.delivery.helpers import T0, events, messages, states, store, table

_m = Message.__table__


def dispatcher(engine: sa.Engine, lease_s: float = 30) -> Dispatcher:
    cfg = DispatchConfig(lease_s=lease_s)
    return Dispatcher(engine, {"push": MockAdapter()}, cfg, rng=random.Random(7))


def test_a_claim_leases_messages_that_stay_pending(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(5), now=T0)
    d = dispatcher(engine)
    first = d.claim(T0, 3, worker="w1")
    assert states(engine) == {"pending": 5}
    rows = table(engine, Message).set_index("id")
    leased = rows.loc[first["id"]]
    assert set(leased["claimed_by"]) == {"w1"}
    assert (pd.to_datetime(leased["lease_until"], utc=True) == T0 + timedelta(seconds=30)).all()
    # Another worker gets the rest, not the leased ones; then nothing is left to claim.
    second = d.claim(T0 + timedelta(seconds=10), 10, worker="w2")
    assert sorted(second["id"]) == sorted(set(rows.index) - set(first["id"]))
    assert d.claim(T0 + timedelta(seconds=20), 10, worker="w3").empty
    # A leased message is in a dispatcher's hands: a cancellation leaves it alone.
    with engine.begin() as conn:
        counts = cancel_messages(conn, [_m.c.campaign_id == "c1"], "recalled", T0)
    assert counts == {}
    assert events(engine).empty


def test_an_expired_lease_is_taken_over_by_the_next_claim(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(4), now=T0)
    d = dispatcher(engine)
    dead = d.claim(T0, 2, worker="dead")
    # Before the lease runs out the next claim skips them; after, it takes them over.
    assert sorted(d.claim(T0 + timedelta(seconds=29), 10, worker="w2")["id"]) == sorted(
        set(table(engine, Message)["id"]) - set(dead["id"])
    )
    later = d.claim(T0 + timedelta(seconds=31), 10, worker="w3")
    assert sorted(later["id"]) == sorted(dead["id"])
    assert set(later["reason"]) == {"lease_expired"}
    ev = events(engine)
    assert sorted(ev["message_id"]) == sorted(dead["id"])
    assert set(ev["kind"]) == {"lease_expired"}
    rows = table(engine, Message).set_index("id").loc[dead["id"]]
    assert set(rows["claimed_by"]) == {"w3"}


def test_pending_due_counts_leased_messages_but_does_not_wake_for_them(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(2), now=T0)
    d = dispatcher(engine)
    d.claim(T0, 10, worker="w1")
    count, nxt = d.pending_due(T0)
    assert (count, nxt) == (2, None)  # still owed, but nothing to claim until the lease ends


def test_on_postgresql_a_claim_is_a_hot_update(pg_url: str) -> None:
    # HOT updates are PostgreSQL's: this test has no SQLite side (pg_url skips only when unset)
    from fanzha.delivery import sqlbits

    size = 5  # rows on one page, which keeps room for their new versions
    engine = store(pg_url)
    enqueue(engine, messages(size), now=T0)
    params = {"now": to_db(T0), "limit": size, "lease": to_db(T0), "worker": "w1"}
    stat = sa.text(
        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
        "WHERE relid = 'messages'::regclass"
    )
    with engine.begin() as conn:
        claimed = conn.execute(sqlbits.claim("postgresql"), params).all()
        updated, hot = conn.execute(stat).one()
    assert len(claimed) == size
    assert (updated, hot) == (size, size)  # every row version on its page, no index entry
    with engine.connect() as conn:
        options = conn.execute(
            sa.text("SELECT reloptions FROM pg_class WHERE oid = 'messages'::regclass")
        ).scalar_one()
    assert "fillfactor=50" in options


def test_migration_0008_turns_claimed_messages_into_leased_pending_ones(db_url: str) -> None:
    from fanzha.delivery import open_engine
    from fanzha.delivery.migrate import downgrade, upgrade

    engine = open_engine(db_url)
    upgrade(engine, "0007_j_risk_checks")
    enqueue(engine, messages(3), now=T0)
    lease = to_db(T0 + timedelta(minutes=1))
    with engine.begin() as conn:  # a dispatcher of the old schema had claimed one of them
        first = conn.execute(sa.select(_m.c.id).order_by(_m.c.id).limit(1)).scalar_one()
        conn.execute(
            sa.update(_m)
            .where(_m.c.id == first)
            .values(state="claimed", claimed_by="old-worker", lease_until=lease)
        )
    upgrade(engine)
    rows = table(engine, Message).set_index("id")
    assert set(rows["state"]) == {"pending"}
    assert rows.loc[first, "claimed_by"] == "old-worker"  # still leased: left alone until it ends
    claimed = dispatcher(engine).claim(T0, 10, worker="w2")
    assert set(claimed["id"]) == set(rows.index) - {first}
    downgrade(engine, "0007_j_risk_checks")  # every leased message is claimed again
    assert states(engine) == {"claimed": 3}
