"""A campaign's pushes (quiet hours and a cap) go out without a frame when no rule holds one
back, and the check never clears a batch the full rules would touch."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.delivery import DispatchConfig, MockAdapter, enqueue, plain_batch
from fanzha.delivery.claims import Claimer
from fanzha.delivery.rules_clear import rules_clear
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.delivery.helpers import T0, batch_dispatcher, messages, states, store

CAMPAIGN = {"quiet_hours": "21:30-08:00", "cap_max": 2, "cap_days": 7}  # the example's


def _sent_before(engine: sa.Engine, customers: list[str], days_ago: float) -> None:
    """One push to each customer, delivered ``days_ago`` days before T0 (another campaign)."""
    frame = messages(len(customers), campaign="earlier", wave="2027-02-20")
    frame["customer_id"] = customers
    enqueue(engine, frame, now=T0 - timedelta(days=30))
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE messages SET state = 'delivered', sent_at = :at "
                "WHERE campaign_id = 'earlier'"
            ),
            {"at": (T0 - timedelta(days=days_ago)).replace(tzinfo=None)},
        )


def test_daytime_pushes_under_the_cap_go_out_without_a_frame(
    db_url: str, frames: list[int]
) -> None:
    engine = store(db_url)
    enqueue(engine, messages(120, **CAMPAIGN), now=T0)  # 10:00 in Shanghai
    _sent_before(engine, [f"C{i:09d}" for i in range(50)], days_ago=2)  # one of two used
    mock = MockAdapter(max_batch=50)
    stats = batch_dispatcher(engine, mock).run_once(T0)
    assert (stats.claimed, stats.delivered) == (120, 120)
    assert frames == []  # every rule was checked from the rows; none held a push back
    assert len(set(mock.sent_ids)) == 120
    assert states(engine) == {"delivered": 170}


def test_a_campaigns_feed_items_beside_its_pushes_leave_the_pushes_plain(
    db_url: str, frames: list[int]
) -> None:
    engine = store(db_url)
    pushes = messages(60, **CAMPAIGN)
    feed = messages(60, channel="feed")  # the same customers and wave, as `fanzha run` makes
    enqueue(engine, pd.concat([pushes, feed]), now=T0)
    mock = MockAdapter(max_batch=50)
    stats = batch_dispatcher(engine, mock).run_once(T0)
    assert (stats.claimed, stats.delivered, stats.batches) == (120, 120, 2)
    assert sum(frames) == 60 and len(mock.sent_ids) == 60  # a frame of feed rows alone
    assert states(engine) == {"delivered": 120}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM feed_items")).scalar() == 60


@pytest.mark.parametrize(
    ("sent_days_ago", "now", "held"),
    [
        (2, T0, {"suppressed": 1}),  # the cap (2 per 7 days) reached: one sent, one kept out
        (None, T0.replace(hour=14), {"pending": 2}),  # 22:00 in Shanghai: quiet hours
    ],
)
def test_a_push_a_rule_holds_back_sends_the_batch_through_the_rules(
    db_url: str, frames: list[int], sent_days_ago: float | None, now: object, held: dict
) -> None:
    engine = store(db_url)
    two = pd.concat([messages(1, **CAMPAIGN), messages(1, wave="2027-03-03", **CAMPAIGN)])
    enqueue(engine, two, now=T0)  # two pushes to one customer
    if sent_days_ago is not None:
        _sent_before(engine, ["C000000000"], days_ago=sent_days_ago)
    batch_dispatcher(engine, MockAdapter()).run_once(now)  # type: ignore[arg-type]
    assert frames == [2]
    counts = states(engine)
    assert all(counts.get(state) == n for state, n in held.items()), counts


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 3),  # customer
            st.sampled_from(["", "21:30-08:00", "09:00-11:00", "25:00-08:00"]),
            st.sampled_from([None, 1, 2, 3]),  # cap_max
            st.sampled_from([7, 7, 7, 14]),  # cap_days
            st.sampled_from(["Asia/Shanghai", "Asia/Urumqi", "Mars/Olympus"]),
        ),
        min_size=1,
        max_size=12,
    ),
    sent=st.lists(st.tuples(st.integers(0, 3), st.floats(0.5, 20)), max_size=6),
    leased=st.lists(st.integers(0, 3), max_size=3),
    hour=st.sampled_from([2, 3, 14]),  # 10:00, 11:00 and 22:00 in Shanghai
)
def test_a_cleared_batch_is_one_the_full_rules_leave_alone(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[int, str, int | None, int, str]],
    sent: list[tuple[int, float]],
    leased: list[int],
    hour: int,
) -> None:
    engine = store(f"sqlite:///{tmp_path_factory.mktemp('clear') / 'fanzha.db'}")
    now = T0.replace(hour=hour)
    frame = pd.concat(
        [
            messages(1, start=c, wave=f"w{i}", quiet_hours=q, cap_max=m, cap_days=d, timezone=z)
            for i, (c, q, m, d, z) in enumerate(rows)
        ]
    )
    enqueue(engine, frame, now=T0)
    for k, (customer, days) in enumerate(sent):
        _sent_one(engine, customer, f"s{k}", now - timedelta(days=days))
    for k, customer in enumerate(leased):  # pending pushes another worker holds
        enqueue(engine, messages(1, start=customer, campaign="other", wave=f"l{k}"), now=T0)
    with engine.connect() as conn:
        Claimer(DispatchConfig()).claim_rows(conn, T0, 100, "w2")  # the other campaign's, too
        conn.execute(
            sa.text(
                "UPDATE messages SET claimed_by = NULL, lease_until = NULL "
                "WHERE campaign_id <> 'other'"
            )
        )
        conn.commit()
        claimed = Claimer(DispatchConfig()).claim_rows(conn, now, 100, "w1")
        conn.commit()
        mine = [r for r in claimed if r[1] == "c1"]
        cleared = rules_clear(conn, mine, now, "w1")
        d = batch_dispatcher(engine, MockAdapter())
        decided, _ = d._decide(conn, plain_batch.frame_of(mine), now, "w1")
    if cleared:
        assert decided.empty, decided


def _sent_one(engine: sa.Engine, customer: int, wave: str, at: object) -> None:
    enqueue(engine, messages(1, start=customer, campaign="earlier", wave=wave), now=T0)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE messages SET state = 'delivered', sent_at = :at "
                "WHERE campaign_id = 'earlier' AND wave = :w"
            ),
            {"at": at.replace(tzinfo=None), "w": wave},  # type: ignore[attr-defined]
        )
