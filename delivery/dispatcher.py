"""The dispatcher: claim due messages with a lease, apply send-time rules, send, record.

Every state change is one transaction, conditioned on still holding the lease, so a killed
dispatcher loses nothing (its lease expires and another one reclaims the rows) and a message
id is only re-sent when the gateway's answer to it was never recorded.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery import sqlbits
from fanzha.delivery.adapters import PushAdapter, PushPayload, SendResult, batch_key
from fanzha.delivery.clock import Clock, from_db, offset_clock, to_db, utcnow
from fanzha.delivery.errors import GatewayError, PermanentGatewayError, RetryableGatewayError
from fanzha.delivery.feed_channel import FeedChannel
from fanzha.delivery.models import CLAIMED, FEED, PENDING, PUSH, Message
from fanzha.delivery.ratelimit import Backoff, TokenBucket
from fanzha.delivery.recorder import Recorder
from fanzha.delivery.rules import cap_decisions, opt_outs, quiet_deferrals
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
_m = Message.__table__


@dataclass(frozen=True)
class DispatchConfig:
    """How a dispatcher claims, paces and retries."""

    batch_size: int = 500
    lease_s: float = 60.0
    max_attempts: int = 6
    backoff: Backoff = field(default_factory=Backoff)
    rate_per_s: float | None = None  # token bucket over all of this process's workers
    workers: int = 1
    poll_s: float = 1.0
    media_base_url: str = ""  # image_url = media_base_url + image_key


@dataclass
class DispatchStats:
    """What a dispatch run did, by outcome."""

    claimed: int = 0
    delivered: int = 0
    rejected: int = 0
    retried: int = 0
    dead: int = 0
    suppressed: int = 0
    cancelled: int = 0
    deferred: int = 0
    batches: int = 0

    def add(self, other: DispatchStats) -> None:
        """Add another run's counts to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def worker_name() -> str:
    """A unique name for one dispatcher (host, pid, random suffix)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Dispatcher:
    """Sends due messages through the channel adapters (``push``) and the feed channel."""

    def __init__(
        self,
        engine: Engine,
        adapters: Mapping[str, PushAdapter | FeedChannel],
        config: DispatchConfig | None = None,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        name: str | None = None,
    ) -> None:
        self.engine = engine
        self.adapters = dict(adapters)
        self.adapters.setdefault(FEED, FeedChannel())
        self.config = config or DispatchConfig()
        self.clock = clock
        self.rng = rng or random.Random()
        self.name = name or worker_name()
        rate = self.config.rate_per_s
        self.bucket = (
            TokenBucket(rate, capacity=max(rate, self.config.batch_size)) if rate else None
        )
        self.recorder = Recorder(engine, self.config, self.rng)

    def claim(self, now: datetime, limit: int, worker: str | None = None) -> pd.DataFrame:
        """Lease up to ``limit`` due messages (and any whose lease expired) to ``worker``."""
        params = {
            "now": to_db(now),
            "limit": limit,
            "lease": to_db(now + timedelta(seconds=self.config.lease_s)),
            "worker": worker or self.name,
        }
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Losing a claim in a database crash only leaves the rows pending, so this
                # commit need not wait for the disk; outcomes are always committed durably.
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            released = conn.execute(sqlbits.RELEASE, {"now": params["now"]}).all()
            if released:
                sqlbits.insert_events(
                    conn,
                    [
                        {
                            "message_id": r.id,
                            "campaign_id": r.campaign_id,
                            "customer_id": r.customer_id,
                            "kind": "lease_expired",
                            "at": params["now"],
                            "detail": "",
                        }
                        for r in released
                    ],
                )
                log.warning("released %d messages whose lease expired", len(released))
            rows = conn.execute(sqlbits.CLAIM, params).all()
        # Plain objects: a batch is small, and row-wise access to Arrow strings is slow.
        return pd.DataFrame(rows, columns=sqlbits.COLUMNS, dtype=object)

    def process(
        self, batch: pd.DataFrame, now: datetime, worker: str | None = None
    ) -> DispatchStats:
        """Apply the send-time rules to a claimed batch, send what remains, record it all."""
        worker = worker or self.name
        stats = DispatchStats(claimed=len(batch), batches=1)
        if batch.empty:
            return stats
        with self.engine.connect() as conn:
            held = opt_outs(conn, batch, now)
            pushes = batch[(batch["channel"] == PUSH) & ~batch["id"].isin(held["id"])]
            quiet = quiet_deferrals(pushes, now)
            pushes = pushes[~pushes["id"].isin(quiet["id"])]
            capped = cap_decisions(conn, pushes, now, worker)
        decided = pd.concat([held, quiet, capped], ignore_index=True)
        if not decided.empty:
            stats.add(self.recorder.decisions(decided, batch, now, worker))
        pushes = pushes[~pushes["id"].isin(capped["id"])]
        feed = batch[(batch["channel"] == FEED) & ~batch["id"].isin(decided["id"])]
        if not feed.empty:
            channel = self.adapters[FEED]
            assert isinstance(channel, FeedChannel)
            stats.add(self.recorder.feed(channel, feed, now, worker))
        adapter = self.adapters.get(PUSH)
        if not pushes.empty and adapter is None:
            raise GatewayError("push messages are due but no push adapter is configured")
        for start in range(0, len(pushes), adapter.max_batch if adapter else 1):
            chunk = pushes.iloc[start : start + adapter.max_batch]  # type: ignore[union-attr]
            stats.add(self._send(adapter, chunk, now, worker))  # type: ignore[arg-type]
        return stats

    def _payloads(self, chunk: pd.DataFrame) -> list[PushPayload]:
        base = self.config.media_base_url
        return [
            PushPayload(
                r.id,
                r.customer_id,
                r.title,
                r.body,
                base + r.image_key if r.image_key else "",
                r.deep_link,
            )
            for r in chunk.itertuples(index=False)
        ]

    def _send(
        self, adapter: PushAdapter, chunk: pd.DataFrame, now: datetime, worker: str
    ) -> DispatchStats:
        payloads = self._payloads(chunk)
        ids = [p.id for p in payloads]
        if self.bucket is not None:
            self.bucket.acquire(len(payloads))
        try:
            result = adapter.send(payloads, batch_key(ids))
        except RetryableGatewayError as exc:
            result = SendResult(deferred=dict.fromkeys(ids, str(exc)), retry_after=exc.retry_after)
        except PermanentGatewayError as exc:
            result = SendResult(rejected=dict.fromkeys(ids, str(exc)))
        log.info(
            "batch of %d: %d accepted, %d rejected, %d to retry (first id %s)",
            len(ids),
            len(result.accepted),
            len(result.rejected),
            len(result.deferred),
            ids[0],
        )
        return self.recorder.sent(chunk, result, now, worker)

    def run_once(self, now: datetime | None = None, worker: str | None = None) -> DispatchStats:
        """Send everything due at ``now`` (the clock if None), batch after batch, then stop."""
        stats = DispatchStats()
        while True:
            at = now or self.clock()
            batch = self.claim(at, self.config.batch_size, worker)
            if batch.empty:
                return stats
            stats.add(self.process(batch, at, worker))

    def pending_due(self, now: datetime) -> tuple[int, datetime | None]:
        """Open messages due by ``now`` (retries waiting included) and the next time to look."""
        stamp = to_db(now)
        ready = sa.func.coalesce(_m.c.next_attempt_at, _m.c.due_at)
        with self.engine.connect() as conn:
            count = conn.execute(
                sa.select(sa.func.count()).where(
                    _m.c.state.in_((PENDING, CLAIMED)), _m.c.due_at <= stamp
                )
            ).scalar_one()
            nxt = conn.execute(
                sa.select(sa.func.min(ready)).where(_m.c.state == PENDING)
            ).scalar_one()
        return int(count), nxt

    def run(
        self, *, until_idle: bool = False, stop: threading.Event | None = None
    ) -> DispatchStats:
        """Dispatch continuously on ``config.workers`` threads (until idle, or until ``stop``)."""
        stop = stop or threading.Event()
        totals, lock = DispatchStats(), threading.Lock()

        def loop(worker: str) -> None:
            while not stop.is_set():
                stats = self.run_once(worker=worker)
                with lock:
                    totals.add(stats)
                now = self.clock()
                count, nxt = self.pending_due(now)
                if until_idle and count == 0:
                    return
                if stats.claimed == 0:
                    wait = self.config.poll_s
                    nxt_at = from_db(nxt) if isinstance(nxt, datetime) else None
                    if nxt_at is not None:
                        wait = min(wait, max(0.01, (nxt_at - now).total_seconds()))
                    stop.wait(wait)

        names = [f"{self.name}/{i}" for i in range(self.config.workers)]
        threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return totals


def dispatch_due(
    engine: Engine,
    adapters: Mapping[str, PushAdapter | FeedChannel],
    *,
    now: datetime | None = None,
    once: bool = True,
    config: DispatchConfig | None = None,
    clock: Clock | None = None,
    stop: threading.Event | None = None,
) -> DispatchStats:
    """``fanzha dispatch``: one pass over what is due (``once``), or run until stopped."""
    dispatcher = Dispatcher(engine, adapters, config, clock=clock or offset_clock(now))
    if once:
        return dispatcher.run_once(now)
    return dispatcher.run(stop=stop)
