"""The usual batch goes out from the claim's rows; any batch a rule may touch takes the frame
path, and both record the same outcomes."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.delivery import DispatchConfig, MockAdapter, enqueue, plain_batch, sqlbits
from fanzha.delivery.claims import Claimer
from fanzha.delivery.models import Message, Preference

from tests.delivery.helpers import T0, batch_dispatcher, events, messages, states, store
from tests.delivery.test_dispatch_lean import statements


def test_a_plain_batch_is_sent_without_a_frame(db_url: str, frames: list[int]) -> None:
    engine = store(db_url)
    enqueue(engine, messages(250), now=T0)
    mock = MockAdapter(max_batch=40)
    stats = batch_dispatcher(engine, mock).run_once(T0)
    assert (stats.claimed, stats.delivered, stats.batches) == (250, 250, 3)
    assert frames == []  # the rows went out as they came from the claim
    assert sorted(mock.sent_ids) == sorted(set(mock.sent_ids)) and len(mock.sent_ids) == 250
    first = mock.batches[0][1][0]
    assert first.image_url == "https://bank.example/m/abc.webp" and first.title == "信用修复是骗局"
    assert states(engine) == {"delivered": 250} and events(engine).empty


def test_a_rejection_in_a_plain_batch_is_recorded_from_its_chunk(
    db_url: str, frames: list[int]
) -> None:
    engine = store(db_url)
    enqueue(engine, messages(90), now=T0)
    ids = sorted(pd.read_sql(sa.select(Message.__table__.c.id), engine)["id"])
    mock = MockAdapter(max_batch=40, reject={ids[0]: "unknown_device"})
    stats = batch_dispatcher(engine, mock).run_once(T0)
    assert (stats.delivered, stats.rejected) == (89, 1)
    assert frames == [40]  # only the chunk with the rejection became a frame
    assert states(engine) == {"delivered": 89, "rejected": 1}
    assert events(engine)[["message_id", "kind"]].values.tolist() == [[ids[0], "rejected"]]


@pytest.mark.parametrize(
    ("extra", "built"),
    [
        ({"quiet_hours": "21:30-08:00"}, [4]),  # 22:00 in Shanghai: the whole batch, in quiet hours
        ({"channel": "feed"}, [1]),  # the feed row alone: the pushes beside it go out plain
    ],
)
def test_a_row_a_rule_may_touch_takes_the_frame_path(
    db_url: str, frames: list[int], extra: dict[str, object], built: list[int]
) -> None:
    # (a cap the customer has reached: tests/delivery/test_rules_clear.py)
    engine = store(db_url)
    late = T0.replace(hour=14)  # 22:00 in Shanghai
    enqueue(
        engine, pd.concat([messages(3, due=late), messages(1, start=3, due=late, **extra)]), now=T0
    )
    stats = batch_dispatcher(engine, MockAdapter()).run_once(late)
    assert frames == built
    assert (stats.claimed, stats.batches) == (4, 1)
    assert stats.delivered + stats.deferred == 4
    assert stats.deferred == (1 if "quiet_hours" in extra else 0)


def test_a_customer_id_with_quotes_and_backslashes_is_looked_up(db_url: str) -> None:
    engine = store(db_url)
    odd = 'C"1\\2,{x}'
    frame = messages(2)
    frame.loc[0, "customer_id"] = odd
    enqueue(engine, frame, now=T0)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Preference.__table__).values(
                customer_id=odd,
                push_opt_out=True,
                all_opt_out=False,
                personalization_opt_out=False,
                updated_at=T0,
            )
        )
    mock = MockAdapter()
    stats = batch_dispatcher(engine, mock).run_once(T0 + timedelta(seconds=1))
    assert (stats.delivered, stats.cancelled) == (1, 1)
    assert [p.customer_id for p in mock.batches[0][1]] == ["C000000001"]
    assert events(engine)["kind"].tolist() == ["cancelled"]


def _claimed(engine: sa.Engine, n: int, worker: str) -> list[tuple[str, str]]:
    """(id, tid) of ``n`` messages claimed by ``worker``."""
    with engine.connect() as conn:
        rows = Claimer(DispatchConfig()).claim_rows(conn, T0, n, worker)
    return [(r.id, r.tid) for r in rows]


def test_the_outcome_finds_a_plain_batch_where_the_claim_found_it(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(30), now=T0)
    seen = statements(engine)
    stats = batch_dispatcher(engine, MockAdapter()).run_once(T0)
    assert stats.delivered == 30 and states(engine) == {"delivered": 30}
    outcomes = [s for s in seen if s.startswith("UPDATE messages SET state")]
    by = "messages.ctid = ANY(CAST(" if engine.dialect.name == "postgresql" else "messages.rowid IN"
    assert len(outcomes) == 1 and by in outcomes[0]


def test_a_row_version_that_moved_since_the_claim_is_recorded_by_id(pg_url: str) -> None:
    engine = store(pg_url)
    enqueue(engine, messages(4), now=T0)
    claimed = _claimed(engine, 4, "w1")
    ids = [i for i, _ in claimed]
    with engine.begin() as conn:  # a new version of one row, still leased to w1
        conn.execute(
            sa.text("UPDATE messages SET attempts = attempts WHERE id = :i"), {"i": ids[0]}
        )
        done = sqlbits.record_delivered(conn, ids, "w1", T0, [t for _, t in claimed])
    assert done == set(ids) and states(engine) == {"delivered": 4}


def test_a_place_holding_another_message_rolls_the_outcome_back(db_url: str) -> None:
    engine = store(db_url)
    enqueue(engine, messages(4), now=T0)
    first, second = _claimed(engine, 2, "w1"), _claimed(engine, 2, "w1")
    with pytest.raises(sqlbits.StrayRow), engine.begin() as conn:
        ids, tids = [i for i, _ in first], [t for _, t in second]
        sqlbits.record_delivered(conn, ids, "w1", T0, tids)
    assert states(engine) == {"pending": 4}  # nothing was recorded


def test_the_dispatcher_records_by_id_when_a_place_misleads(
    db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    engine = store(db_url)
    place = "ctid::text" if engine.dialect.name == "postgresql" else "rowid"
    enqueue(engine, messages(4), now=T0)
    real = plain_batch.tids

    def misleading(rows: plain_batch.Rows) -> list[object] | None:
        """The chunk's versions, the first swapped for another message's (leased by the same
        worker for the first chunk, delivered already for the second)."""
        found = real(rows)
        assert found is not None
        ids = ", ".join(f"'{r[0]}'" for r in rows)  # hex ids
        with engine.connect() as conn:
            other = conn.execute(
                sa.text(
                    f"SELECT {place} FROM messages WHERE id NOT IN ({ids}) "
                    "ORDER BY claimed_by IS NULL, claimed_by LIMIT 1"
                )
            ).scalar_one()
        return [other, *found[1:]]

    monkeypatch.setattr(plain_batch, "tids", misleading)
    mock = MockAdapter(max_batch=2)
    stats = batch_dispatcher(engine, mock).run_once(T0)
    assert stats.delivered == 4 and states(engine) == {"delivered": 4}
    assert len(mock.sent_ids) == 4  # each sent once, each recorded once
    assert "recorded by id" in caplog.text
