"""Campaign versions in the store: a new version supersedes, never deletes, in one transaction.

``commit_version`` is what ``fanzha run`` writes, all at once: the version row, the old
versions' untried pending messages marked ``superseded`` (each with an event), the new
version's messages (the overdue backlog included: the caller builds them for every wave still
owed) and the campaign's assignments. Only cadence waves (wave = the local date) are
versioned: what an event brought (``event:…`` notices, ``cooling:…`` reminders, any later
kind) belongs to the event and is never superseded; neither is a message already tried once
(attempts > 0), whose id a gateway may have seen. On PostgreSQL an advisory lock per campaign makes
concurrent runs take turns; on SQLite the first statement is a write, which serializes them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery import sqlbits
from fanzha.delivery.clock import to_db
from fanzha.delivery.errors import StoreError
from fanzha.delivery.models import (
    PENDING,
    SUPERSEDED,
    Assignment,
    CampaignVersion,
    Message,
    table_of,
)
from fanzha.delivery.outbox import analyze_if_large, enqueue_in, has_messages, message_ids
from sqlalchemy.engine import Connection, Engine

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "VersionOutcome",
    "VersionRecord",
    "backlog",
    "commit_pieces",
    "commit_version",
    "superseding",
    "unsent_waves",
]

# A cadence wave is named by its local date (delivery.schedule); any other wave was brought
# by an event (trigger notices ``event:…``, cooling-off reminders ``cooling:…``).
WAVE_DATE = "____-__-__"  # LIKE: exactly ten characters, dashes at 5 and 8
ASSIGNMENT_COLUMNS = [c.name for c in table_of(Assignment).columns]
_M = table_of(Message)
_V = table_of(CampaignVersion)
_A = table_of(Assignment)
_CHUNK = 5000


@dataclass(frozen=True)
class VersionRecord:
    """A campaign file as run: id, version (its hash), display name and source text."""

    campaign_id: str
    version: str
    name: str
    source: str


@dataclass(frozen=True)
class VersionOutcome:
    """What one ``commit_version`` did."""

    new_version: bool  # this version became the active one (new, or a file reverted to)
    inserted: int  # messages enqueued
    skipped: int  # messages whose key or id was already there
    superseded: int  # older versions' pending messages marked superseded
    replaced: int  # of those, how many this version enqueued again (same wave and channel)
    revived: int = 0  # this version's own superseded messages back to pending (a revert)


def unsent_waves(campaign_id: str) -> sa.ColumnElement[bool]:
    """The campaign's cadence messages a run builds again: pending, never tried, not leased to
    a dispatcher, wave a date."""
    return sa.and_(
        _M.c.campaign_id == campaign_id,
        _M.c.state == PENDING,
        _M.c.attempts == 0,
        _M.c.claimed_by.is_(None),
        _M.c.wave.like(WAVE_DATE),
    )


def superseding(campaign_id: str, version: str) -> sa.ColumnElement[bool]:
    """The messages a new ``version`` supersedes: other versions' unsent waves."""
    return sa.and_(unsent_waves(campaign_id), _M.c.version != version)


def backlog(engine: Engine, campaign_id: str, version: str) -> pd.DataFrame:
    """Messages ``version`` would supersede (if it is new): customer_id, wave, channel, due_at."""
    query = sa.select(_M.c.customer_id, _M.c.wave, _M.c.channel, _M.c.due_at).where(
        superseding(campaign_id, version)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["customer_id", "wave", "channel", "due_at"])
    frame["due_at"] = pd.to_datetime(frame["due_at"], utc=True)
    return frame


def commit_version(
    engine: Engine,
    record: VersionRecord,
    messages: pd.DataFrame,
    assignments: pd.DataFrame,
    *,
    now: datetime,
) -> VersionOutcome:
    """Record the version, supersede, enqueue and replace assignments in one transaction."""
    return commit_pieces(engine, record, [messages], [assignments], now=now)


def commit_pieces(
    engine: Engine,
    record: VersionRecord,
    messages: Iterable[pd.DataFrame],
    assignments: Iterable[pd.DataFrame],
    *,
    now: datetime,
) -> VersionOutcome:
    """``commit_version`` with messages and assignments in pieces (disjoint customers).

    Both are read once, inside the transaction and after the old version is superseded, so
    a generator that builds each piece when asked keeps memory to one piece.
    """
    try:
        with engine.begin() as conn:
            outcome = _commit(conn, record, messages, assignments, now)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"cannot record campaign {record.campaign_id}: {exc}") from exc
    analyze_if_large(engine, outcome.inserted)
    return outcome


def _commit(
    conn: Connection,
    record: VersionRecord,
    messages: Iterable[pd.DataFrame],
    assignments: Iterable[pd.DataFrame],
    now: datetime,
) -> VersionOutcome:
    _lock(conn, record.campaign_id)
    new, existed = _activate(conn, record, now)
    # Under the lock, a campaign with no message yet cannot clash: COPY straight in.
    fresh = not has_messages(conn, [record.campaign_id])
    gone = _supersede(conn, record, now) if new else pd.DataFrame(columns=["customer_id"])
    clear_assignments(conn, record.campaign_id)
    for piece in assignments:
        add_assignments(conn, piece)
    inserted = skipped = revived = replaced = 0
    # A version's own superseded messages come back wherever its run asks for them and the
    # key is free: when a reverted file is activated, and when a version reverted to runs
    # again (the run that reactivated it may have asked for fewer of them).
    revive = existed and (new or _has_superseded(conn, record))
    for piece in messages:
        if piece.empty:
            continue
        revived += _revive(conn, piece, now) if revive else 0
        result = enqueue_in(conn, piece, now=now, fresh=fresh)
        inserted, skipped = inserted + result.inserted, skipped + result.skipped
        if not gone.empty:
            keys = ["customer_id", "wave", "channel"]
            mine = gone.loc[gone["customer_id"].isin(piece["customer_id"]), keys]
            replaced += len(mine.merge(piece[keys].drop_duplicates(), on=keys))
    return VersionOutcome(new, inserted, skipped, len(gone), replaced, revived)


def _lock(conn: Connection, campaign_id: str) -> None:
    """Concurrent runs of one campaign take turns (PostgreSQL; SQLite writes serialize)."""
    if conn.dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(campaign_id.encode("utf-8"), digest_size=8, person=b"fanzha.lock")
    key = int.from_bytes(digest.digest(), "big", signed=True)
    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def _activate(conn: Connection, record: VersionRecord, now: datetime) -> tuple[bool, bool]:
    """Make the version the active one: (it was not active before, it existed before)."""
    row = {
        "campaign_id": record.campaign_id,
        "version": record.version,
        "name": record.name,
        "source": record.source,
        "created_at": to_db(now),
        "active": False,
    }
    # A write first: on SQLite it takes the lock, so a concurrent run waits here.
    # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT, which made every
    # new version on PostgreSQL look like a revert (and look for rows to revive, in vain).
    added = conn.execute(_insert_ignore(conn).values(row).returning(_V.c.version)).first()
    active = conn.execute(
        sa.select(_V.c.active).where(
            _V.c.campaign_id == record.campaign_id, _V.c.version == record.version
        )
    ).scalar_one()
    if active:
        return False, True
    conn.execute(
        sa.update(_V)
        .where(_V.c.campaign_id == record.campaign_id)
        .values(active=_V.c.version == record.version)
    )
    return True, added is None


def _insert_ignore(conn: Connection) -> sa.Insert:
    """INSERT … ON CONFLICT DO NOTHING into campaign_versions, in the store's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(_V).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(_V).on_conflict_do_nothing()


def _supersede(conn: Connection, record: VersionRecord, now: datetime) -> pd.DataFrame:
    """Mark older versions' untried pending messages superseded, each with an event."""
    stamp = to_db(now)
    done = conn.execute(
        sa.update(_M)
        .where(superseding(record.campaign_id, record.version))
        .values(state=SUPERSEDED, reason=f"version {record.version}"[:64], updated_at=stamp)
        .returning(_M.c.id, _M.c.customer_id, _M.c.wave, _M.c.channel)
    ).all()
    gone = pd.DataFrame(done, columns=["id", "customer_id", "wave", "channel"])
    detail = f"superseded by version {record.version} of {record.campaign_id}"
    events = [
        {
            "message_id": i,
            "campaign_id": record.campaign_id,
            "customer_id": c,
            "kind": "superseded",
            "at": stamp,
            "detail": detail[:500],
        }
        for i, c in zip(gone["id"], gone["customer_id"], strict=True)
    ]
    for start in range(0, len(events), 50_000):
        sqlbits.insert_events(conn, events[start : start + 50_000])
    return gone


def _has_superseded(conn: Connection, record: VersionRecord) -> bool:
    """Whether any message of this version was superseded (by ix_messages_campaign)."""
    query = (
        sa.select(1)
        .where(
            _M.c.campaign_id == record.campaign_id,
            _M.c.state == SUPERSEDED,
            _M.c.version == record.version,
        )
        .limit(1)
    )
    return conn.execute(query).first() is not None


def _revive(conn: Connection, messages: pd.DataFrame, now: datetime) -> int:
    """A reverted file's own superseded messages go back to pending where the key is free."""
    live = _M.alias("live")
    taken = (
        sa.select(1)
        .where(
            live.c.campaign_id == _M.c.campaign_id,
            live.c.customer_id == _M.c.customer_id,
            live.c.wave == _M.c.wave,
            live.c.channel == _M.c.channel,
            live.c.state != SUPERSEDED,
        )
        .exists()
    )
    ids = message_ids(messages).drop_duplicates().tolist()
    revived = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        revived += conn.execute(
            sa.update(_M)
            .where(_M.c.id.in_(chunk), _M.c.state == SUPERSEDED, ~taken)
            .values(state=PENDING, reason=None, updated_at=to_db(now))
        ).rowcount
    return revived


def clear_assignments(conn: Connection, campaign_id: str) -> None:
    """Remove the campaign's assignments (a run then adds its own, piece by piece)."""
    conn.execute(sa.delete(_A).where(_A.c.campaign_id == campaign_id))


def add_assignments(conn: Connection, frame: pd.DataFrame) -> None:
    """Add assignments (one row per customer, none stored yet): COPY on PostgreSQL."""
    if frame.empty:
        return
    if conn.dialect.name == "postgresql":
        from fanzha.delivery.pg_copy import copy_into

        # the run cleared the campaign's rows and its customers are unique: nothing clashes
        copy_into(conn, _A.name, frame, _assignment_columns, times=[], null_columns=[])
        return
    # Python scalars, not numpy ones: the drivers adapt only those.
    plain = frame[ASSIGNMENT_COLUMNS].astype(object)
    records = plain.where(plain.notna(), None).to_dict("records")
    for start in range(0, len(records), 20_000):
        conn.execute(sa.insert(_A), records[start : start + 20_000])


def _assignment_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[ASSIGNMENT_COLUMNS]
