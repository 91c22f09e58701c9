"""Recording outcomes: one transaction per batch, only for rows this worker still leases.

A delivered message is recorded in ``messages`` alone (``state``, ``sent_at``); every other
outcome also writes a ``delivery_events`` row (rejected, retry, dead, and the send-time
rules' decisions).

Each method runs its transaction on the connection it is given (the dispatcher keeps one per
worker for a whole pass, instead of a pool checkout, and a ping, per step).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery import sqlbits
from fanzha.delivery.adapters import SendResult
from fanzha.delivery.clock import to_db
from fanzha.delivery.dispatch_config import DispatchConfig, DispatchStats
from fanzha.delivery.feed_channel import FeedChannel
from fanzha.delivery.models import (
    CANCELLED,
    DEAD,
    PENDING,
    REJECTED,
    SUPPRESSED,
    DeliveryEvent,
    Message,
    table_of,
)
from sqlalchemy.engine import Connection

_m = table_of(Message)
_events = table_of(DeliveryEvent)
_TS = _m.c.due_at.type
_SET_STATE = (
    sa.update(_m)
    .where(_m.c.id == sa.bindparam("_id"))
    .values(
        state=sa.bindparam("_state"),
        reason=sa.bindparam("_reason"),
        last_error=sa.bindparam("_error"),
        attempts=sa.bindparam("_attempts"),
        due_at=sa.bindparam("_due", type_=_TS),
        next_attempt_at=sa.bindparam("_next", type_=_TS),
        sent_at=sa.bindparam("_sent", type_=_TS),
        updated_at=sa.bindparam("_now", type_=_TS),
        lease_until=None,
        claimed_by=None,
    )
)


class Recorder:
    """Writes the dispatcher's outcomes (with a delivery event each, delivered ones excepted)."""

    def __init__(self, config: DispatchConfig, rng: random.Random) -> None:
        self.config = config
        self.rng = rng

    @staticmethod
    def _own(conn: Connection, ids: Iterable[str], worker: str, now: datetime) -> set[str]:
        """Lock this worker's rows; rows whose lease was lost to another worker are left alone."""
        params = {"ids": list(ids), "worker": worker, "now": to_db(now)}
        return {r[0] for r in conn.execute(sqlbits.own(conn.dialect.name), params).all()}

    def _write(
        self,
        conn: Connection,
        changes: list[dict[str, Any]],
        batch: pd.DataFrame,
        kinds: dict[str, tuple[str, str]],
        now: datetime,
    ) -> None:
        if changes:
            conn.execute(_SET_STATE, changes)
        if not kinds:
            return
        who = dict(
            zip(
                batch["id"],
                zip(batch["campaign_id"], batch["customer_id"], strict=True),
                strict=True,
            )
        )
        stamp = to_db(now)
        sqlbits.insert_events(
            conn,
            [
                {
                    "message_id": i,
                    "campaign_id": who[i][0],
                    "customer_id": who[i][1],
                    "kind": kind,
                    "at": stamp,
                    "detail": detail[:500],
                }
                for i, (kind, detail) in kinds.items()
            ],
        )

    @staticmethod
    def _row(row: Any, now: datetime, **changes: Any) -> dict[str, Any]:
        base = {
            "_id": row.id,
            "_state": row.state,
            "_reason": None,
            "_error": row.last_error,
            "_attempts": int(row.attempts),
            "_due": to_db(row.due_at),
            "_next": None,
            "_sent": None,
            "_now": to_db(now),
        }
        base.update(changes)
        return base

    def decisions(
        self,
        conn: Connection,
        decided: pd.DataFrame,
        batch: pd.DataFrame,
        now: datetime,
        worker: str,
    ) -> DispatchStats:
        """Cancellations, suppressions, deferrals and dead letters decided by the send-time rules."""
        stats = DispatchStats()
        rows = batch.set_index("id", drop=False).loc[decided["id"]]
        state = {
            "cancelled": CANCELLED,
            "suppressed": SUPPRESSED,
            "deferred": PENDING,
            "dead": DEAD,
        }
        with conn.begin():
            mine = self._own(conn, decided["id"], worker, now)
            changes, kinds = [], {}
            for row, d in zip(
                rows.itertuples(index=False), decided.itertuples(index=False), strict=True
            ):
                if row.id not in mine:
                    continue
                due = to_db(d.due_at) if d.kind == "deferred" else to_db(row.due_at)
                reason = None if d.kind == "deferred" else str(d.reason)[:64]
                changes.append(self._row(row, now, _state=state[d.kind], _reason=reason, _due=due))
                kinds[row.id] = (d.kind, str(d.reason))
                setattr(stats, d.kind, getattr(stats, d.kind) + 1)
            self._write(conn, changes, batch, kinds, now)
        return stats

    def feed(
        self, conn: Connection, channel: FeedChannel, rows: pd.DataFrame, now: datetime, worker: str
    ) -> DispatchStats:
        """Write feed items and mark their messages delivered, in one transaction."""
        with conn.begin():
            mine = sqlbits.record_delivered(conn, list(rows["id"]), worker, to_db(now))
            rows = rows[rows["id"].isin(mine)]
            channel.write(conn, rows, now)
        return DispatchStats(delivered=len(rows))

    def sent(
        self,
        conn: Connection,
        chunk: pd.DataFrame,
        result: SendResult,
        now: datetime,
        worker: str,
    ) -> DispatchStats:
        """The gateway's answer: delivered, rejected, retried later or dead-lettered."""
        ids = chunk["id"].tolist()
        accepted = set(result.accepted)
        if len(accepted) == len(ids) and accepted.issuperset(ids):  # the usual answer
            with conn.begin():
                mine = sqlbits.record_delivered(conn, ids, worker, to_db(now))
            return DispatchStats(delivered=len(mine))
        changes, kinds = [], {}
        for row in chunk.itertuples(index=False):
            attempts = int(row.attempts) + 1
            if row.id in accepted:  # recorded in bulk by record_delivered
                continue
            if row.id in result.rejected:
                why = result.rejected[row.id]
                changes.append(
                    self._row(
                        row,
                        now,
                        _state=REJECTED,
                        _attempts=attempts,
                        _reason=why[:64],
                        _error=why[:500],
                    )
                )
                kinds[row.id] = ("rejected", why)
            else:
                why = result.deferred.get(row.id, "no answer")
                if attempts >= self.config.max_attempts:
                    changes.append(
                        self._row(
                            row,
                            now,
                            _state=DEAD,
                            _attempts=attempts,
                            _reason="max_attempts",
                            _error=why[:500],
                        )
                    )
                    kinds[row.id] = ("dead", why)
                    continue
                delay = self.config.backoff.delay(attempts, self.rng, result.retry_after)
                changes.append(
                    self._row(
                        row,
                        now,
                        _state=PENDING,
                        _attempts=attempts,
                        _error=why[:500],
                        _next=to_db(now + timedelta(seconds=delay)),
                    )
                )
                kinds[row.id] = ("retry", why)
        with conn.begin():
            # The delivered UPDATE goes first: on SQLite it takes the write lock up front.
            done = [i for i in ids if i in accepted]
            delivered = sqlbits.record_delivered(conn, done, worker, to_db(now))
            mine = self._own(conn, [c["_id"] for c in changes], worker, now) if changes else set()
            changes = [c for c in changes if c["_id"] in mine]
            kinds = {i: k for i, k in kinds.items() if i in mine}
            self._write(conn, changes, chunk, kinds, now)
        # Count what was recorded: a worker that lost its lease changed nothing.
        counts = Counter(kind for kind, _ in kinds.values())
        return DispatchStats(
            delivered=len(delivered),
            rejected=counts["rejected"],
            dead=counts["dead"],
            retried=counts["retry"],
        )
