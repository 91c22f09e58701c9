"""Claiming due messages with a lease, and releasing the leases of dispatchers that died."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pandas as pd
from fanzha.delivery import sqlbits
from fanzha.delivery.clock import to_db
from fanzha.delivery.dispatch_config import DispatchConfig
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)
CLAIMED = [*sqlbits.COLUMNS, sqlbits.SCREEN]  # the claim's columns


class Claimer:
    """Leases batches to workers; looks for expired leases at most every quarter lease."""

    def __init__(self, config: DispatchConfig, channels: tuple[str, ...] = ()) -> None:
        self.config = config
        self.channels = channels  # empty: every channel
        self._released_at: datetime | None = None
        self._release_every = timedelta(seconds=min(config.lease_s / 4, 5.0))

    def claim(self, conn: Connection, now: datetime, limit: int, worker: str) -> pd.DataFrame:
        """Lease up to ``limit`` due messages to ``worker``, in one transaction on ``conn``."""
        stamp = to_db(now)
        params = {
            "now": stamp,
            "limit": limit,
            "lease": to_db(now + timedelta(seconds=self.config.lease_s)),
            "worker": worker,
        }
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # Losing a claim in a database crash only leaves the rows pending, so this
                # commit need not wait for the disk; outcomes are always committed durably.
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            if self._release_due(now):
                self._release(conn, stamp)
            rows = conn.execute(sqlbits.claim(conn.dialect.name, self.channels), params).all()
        # Column lists, not Row objects: pandas probes each Row for array protocols otherwise.
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(CLAIMED)
        return pd.DataFrame(dict(zip(CLAIMED, columns, strict=True)), dtype=object)

    def _release_due(self, now: datetime) -> bool:
        """Whether to look for expired leases now: at most every quarter lease (at most 5 s).

        Looking walks every claimed row; a lease lasts a minute, so there is no hurry.
        """
        last = self._released_at
        if last is not None and last <= now < last + self._release_every:
            return False
        self._released_at = now
        return True

    def _release(self, conn: Connection, stamp: datetime) -> None:
        released = conn.execute(sqlbits.RELEASE, {"now": stamp}).all()
        if released:
            sqlbits.insert_events(
                conn,
                [
                    {
                        "message_id": r.id,
                        "campaign_id": r.campaign_id,
                        "customer_id": r.customer_id,
                        "kind": "lease_expired",
                        "at": stamp,
                        "detail": "",
                    }
                    for r in released
                ],
            )
            log.warning("released %d messages whose lease expired", len(released))
