"""The usual batch goes out from the claim's rows; any batch a rule may touch takes the frame
path, and both record the same outcomes."""

from __future__ import annotations

import random
from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.delivery import DispatchConfig, Dispatcher, MockAdapter, enqueue, plain_batch
from fanzha.delivery.models import Message, Preference

from tests.delivery.helpers import T0, events, messages, states, store


def dispatcher(engine: sa.Engine, mock: MockAdapter) -> Dispatcher:
    cfg = DispatchConfig(batch_size=100, media_base_url="https://bank.example/m/")
    return Dispatcher(engine, {"push": mock}, cfg, rng=random.Random(7))


@pytest.fixture
def frames(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the frames the dispatcher builds from claimed rows."""
    built: list[int] = []
    real = plain_batch.frame_of

    def counted(rows: plain_batch.Rows) -> pd.DataFrame:
        built.append(len(rows))
        return real(rows)

    monkeypatch.setattr(plain_batch, "frame_of", counted)
    return built


def test_a_plain_batch_is_sent_without_a_frame(db_url: str, frames: list[int]) -> None:
    engine = store(db_url)
    enqueue(engine, messages(250), now=T0)
    mock = MockAdapter(max_batch=40)
    stats = dispatcher(engine, mock).run_once(T0)
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
    stats = dispatcher(engine, mock).run_once(T0)
    assert (stats.delivered, stats.rejected) == (89, 1)
    assert frames == [40]  # only the chunk with the rejection became a frame
    assert states(engine) == {"delivered": 89, "rejected": 1}
    assert events(engine)[["message_id", "kind"]].values.tolist() == [[ids[0], "rejected"]]


@pytest.mark.parametrize(
    "extra",
    [
        {"quiet_hours": "21:30-08:00"},
        {"cap_max": 1, "cap_days": 7},
        {"channel": "feed"},
    ],
)
def test_a_batch_a_rule_may_touch_takes_the_frame_path(
    db_url: str, frames: list[int], extra: dict[str, object]
) -> None:
    engine = store(db_url)
    late = T0.replace(hour=14)  # 22:00 in Shanghai
    enqueue(
        engine, pd.concat([messages(3, due=late), messages(1, start=3, due=late, **extra)]), now=T0
    )
    stats = dispatcher(engine, MockAdapter()).run_once(late)
    assert frames == [4]
    assert stats.claimed == 4 and stats.delivered + stats.deferred == 4
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
    stats = dispatcher(engine, mock).run_once(T0 + timedelta(seconds=1))
    assert (stats.delivered, stats.cancelled) == (1, 1)
    assert [p.customer_id for p in mock.batches[0][1]] == ["C000000001"]
    assert events(engine)["kind"].tolist() == ["cancelled"]
