"""Enqueue: bulk, idempotent, stable ids, every field kept."""

from __future__ import annotations

import pandas as pd
import pytest
from fanzha.delivery import enqueue, message_ids
from fanzha.delivery.models import Message

from tests.delivery.helpers import T0, messages, states, store, table


def test_enqueueing_the_same_wave_twice_adds_nothing(db_url: str) -> None:
    engine = store(db_url)
    wave = messages(3000, cap_max=2, cap_days=7, quiet_hours="21:30-08:00")
    first = enqueue(engine, wave, now=T0)
    again = enqueue(engine, wave, now=T0)
    assert (first.inserted, first.skipped) == (3000, 0)
    assert (again.inserted, again.skipped) == (0, 3000)
    # A later wave of the same campaign is new; an overlapping frame adds only the new rows.
    more = enqueue(engine, pd.concat([wave.iloc[:10], messages(5, start=3000)]), now=T0)
    assert (more.inserted, more.skipped) == (5, 10)
    assert states(engine) == {"pending": 3005}


def test_rows_keep_their_fields_times_and_nulls(db_url: str) -> None:
    engine = store(db_url)
    frame = messages(2, body='带"引号", 逗号\n和换行', cap_max=[2, None], cap_days=[7, None])
    enqueue(engine, frame, now=T0)
    rows = table(engine, Message).sort_values("customer_id").reset_index(drop=True)
    assert list(rows["body"]) == ['带"引号", 逗号\n和换行'] * 2
    assert rows.loc[0, "cap_max"] == 2 and pd.isna(rows.loc[1, "cap_max"])
    assert pd.Timestamp(rows.loc[0, "due_at"]).tz_convert("UTC") == pd.Timestamp(T0)
    assert list(rows["id"]) == list(message_ids(frame))
    assert set(rows["state"]) == {"pending"} and set(rows["attempts"]) == {0}


def test_ids_are_stable_and_differ_per_key() -> None:
    frame = messages(1000)
    ids = message_ids(frame)
    assert ids.equals(message_ids(frame.copy()))
    assert ids.str.fullmatch(r"[0-9a-f]{32}").all() and ids.is_unique
    other = message_ids(messages(1000, channel="feed"))
    assert not set(ids) & set(other)


def test_repeats_inside_one_frame_count_as_skipped(db_url: str) -> None:
    engine = store(db_url)
    result = enqueue(engine, pd.concat([messages(4), messages(4)]), now=T0)
    assert (result.inserted, result.skipped) == (4, 4)


def test_bad_frames_are_refused() -> None:
    with pytest.raises(ValueError, match="due_at"):
        from fanzha.delivery.outbox import prepare

        prepare(messages(1).drop(columns="due_at"), T0)
    with pytest.raises(ValueError, match="channel"):
        prepare(messages(1, channel="sms"), T0)


def test_ids_are_the_specified_blake2b_of_the_id_fields() -> None:
    # Pinned: docs/CONTRACTS.md specifies the hash, so these never change with a library.
    frame = pd.DataFrame(
        {
            "campaign_id": ["spring-2027-new-citizens", "spring-2027-new-citizens", "c"],
            "version": ["3f2a9c1d0b7e", "3f2a9c1d0b7e", "v"],
            "customer_id": ["C000000001", "C000000001", "客户7"],
            "wave": ["2027-03-02", "2027-03-02", "event:loan-1"],
            "channel": ["push", "feed", "push"],
        }
    )
    assert list(message_ids(frame)) == [
        "c08654d94dc8bb6dbbd480c8f181ab49",
        "c06ffc40664e2e3a66f7dc51c45efbd3",
        "970b7cdf8bb168e0fc137c6c60b7e4f4",
    ]
    # The version is part of the id: a new version's message for the same wave is a new row.
    assert message_ids(frame.assign(version="other")).iloc[0] != "c08654d94dc8bb6dbbd480c8f181ab49"


def test_a_superseded_message_gives_its_key_to_a_new_version(db_url: str) -> None:
    import sqlalchemy as sa

    engine = store(db_url)
    enqueue(engine, messages(3), now=T0)
    # Live rows hold the key: the same wave under another version is skipped...
    assert enqueue(engine, messages(3, version="v2"), now=T0).inserted == 0
    m = Message.__table__
    with engine.begin() as conn:
        conn.execute(sa.update(m).values(state="superseded"))
    # ...until they are superseded; then the new version's rows go in beside them.
    assert enqueue(engine, messages(3, version="v2"), now=T0).inserted == 3
    assert states(engine) == {"pending": 3, "superseded": 3}
