"""Claiming due messages with a lease, taking over those whose lease ran out."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from fanzha.delivery import sqlbits
from fanzha.delivery.clock import to_db
from fanzha.delivery.dispatch_config import DispatchConfig
from fanzha.delivery.plain_batch import CLAIMED, frame_of
from sqlalchemy.engine import Connection, Row

log = logging.getLogger(__name__)


def worker_name() -> str:
    """A unique name for one dispatcher, the holder of its leases (host, pid, random suffix)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Claimer:
    """Leases batches to workers; a message whose lease ran out is claimed again like any other.

    A leased message stays ``pending`` with ``claimed_by`` and ``lease_until`` set (the claim
    changes no indexed column); its outcome clears them. A dispatcher that dies leaves its
    leases behind, and once they run out the next claim takes those messages over and
    records a ``lease_expired`` event for each.
    """

    def __init__(self, config: DispatchConfig, channels: tuple[str, ...] = ()) -> None:
        self.config = config
        self.channels = channels  # empty: every channel

    def claim(self, conn: Connection, now: datetime, limit: int, worker: str) -> pd.DataFrame:
        """Lease up to ``limit`` due messages to ``worker``, as a frame (``CLAIMED`` columns)."""
        return frame_of(self.claim_rows(conn, now, limit, worker))

    def claim_rows(
        self, conn: Connection, now: datetime, limit: int, worker: str
    ) -> Sequence[Row[Any]]:
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
            rows = conn.execute(sqlbits.claim(conn.dialect.name, self.channels), params).all()
            # A dispatcher that died (or outran its lease) left these: say so in the events.
            reason = CLAIMED.index("reason")
            taken_over = [r for r in rows if r[reason] == sqlbits.LEASE_EXPIRED]
            if taken_over:
                self._taken_over(conn, taken_over, stamp)
        return rows

    @staticmethod
    def _taken_over(conn: Connection, rows: Sequence[Row[Any]], stamp: datetime) -> None:
        sqlbits.insert_events(
            conn,
            [
                {
                    "message_id": r.id,
                    "campaign_id": r.campaign_id,
                    "customer_id": r.customer_id,
                    "kind": sqlbits.LEASE_EXPIRED,
                    "at": stamp,
                    "detail": "",
                }
                for r in rows
            ],
        )
        log.warning("took over %d messages whose lease expired", len(rows))
