"""The dispatcher: claim due messages with a lease, apply send-time rules, send, record.

Every state change is one transaction, conditioned on still holding the lease, so a killed
dispatcher loses nothing (its lease expires and another one claims the rows again) and a
message id is only re-sent when the gateway's answer to it was never recorded.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

import pandas as pd
from fanzha.delivery import outbox_waiting, plain_batch, sqlbits
from fanzha.delivery.adapters import PushAdapter, PushPayload, SendResult, batch_key
from fanzha.delivery.claims import Claimer, worker_name
from fanzha.delivery.clock import Clock, offset_clock, to_db, utcnow
from fanzha.delivery.dispatch_config import DispatchConfig, DispatchStats
from fanzha.delivery.errors import PermanentGatewayError, RetryableGatewayError
from fanzha.delivery.feed_channel import FeedChannel
from fanzha.delivery.models import FEED, PUSH, Message, table_of
from fanzha.delivery.ratelimit import TokenBucket
from fanzha.delivery.recorder import Recorder
from fanzha.delivery.rules import cap_decisions, opt_outs, quiet_deferrals
from fanzha.delivery.rules_clear import rules_clear
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)
_m = table_of(Message)
Tick = Callable[[datetime], object]  # run before each pass (e.g. turn app events into messages)
_NO_DECISIONS = pd.DataFrame({"id": [], "kind": [], "reason": [], "due_at": []}, dtype=object)
NO_GATEWAY = "push messages wait: no push gateway is configured (set FANZHA_GATEWAY_URL)"

__all__ = ["NO_GATEWAY", "DispatchConfig", "DispatchStats", "Dispatcher", "dispatch_due"]


class Dispatcher:
    """Sends due messages through the channel adapters (``push``) and the feed channel."""

    def __init__(
        self,
        engine: Engine,
        adapters: Mapping[str, PushAdapter | FeedChannel | None],
        config: DispatchConfig | None = None,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        name: str | None = None,
    ) -> None:
        self.engine = engine
        # A channel given as None has no adapter: its messages are not claimed here.
        self.adapters = {k: v for k, v in adapters.items() if v is not None}
        self.adapters.setdefault(FEED, FeedChannel())
        self.config = config or DispatchConfig()
        self.clock = clock
        self.rng = rng or random.Random()
        self.name = name or worker_name()
        rate = self.config.rate_per_s
        self.bucket = (
            TokenBucket(rate, capacity=max(rate, self.config.batch_size)) if rate else None
        )
        self.recorder = Recorder(self.config, self.rng)
        # Without a push adapter only feed messages are claimed; pushes wait for one that has.
        self.claimer = Claimer(self.config, () if PUSH in self.adapters else (FEED,))

    def claim(self, now: datetime, limit: int, worker: str | None = None) -> pd.DataFrame:
        """Lease up to ``limit`` due messages (and any whose lease expired) to ``worker``."""
        with self.engine.connect() as conn:
            return self.claimer.claim(conn, now, limit, worker or self.name)

    def process(
        self, batch: pd.DataFrame, now: datetime, worker: str | None = None
    ) -> DispatchStats:
        """Apply the send-time rules to a claimed batch, send what remains, record it all."""
        with self.engine.connect() as conn:
            return self._process(conn, batch, now, worker or self.name)

    def _decide(
        self, conn: Connection, batch: pd.DataFrame, now: datetime, worker: str
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The send-time rules' decisions for a batch, and the pushes left to send."""
        push = (batch["channel"] == PUSH).to_numpy()
        screen = batch[sqlbits.SCREEN].to_numpy(dtype=bool)
        quiet = (batch["quiet_hours"].fillna("") != "").to_numpy()
        capped = batch["cap_max"].notna().to_numpy()
        if not (screen.any() or (push & (quiet | capped)).any()):  # the usual batch
            return _NO_DECISIONS, batch[push]
        with conn.begin():
            held = opt_outs(conn, batch[screen], now)
            pushes = batch[push & ~batch["id"].isin(held["id"]).to_numpy()]
            deferred = quiet_deferrals(pushes, now)
            pushes = pushes[~pushes["id"].isin(deferred["id"])]
            over = cap_decisions(conn, pushes, now, worker)
        decided = pd.concat([held, deferred, over], ignore_index=True)
        return decided, pushes[~pushes["id"].isin(over["id"])]

    def _process(
        self, conn: Connection, batch: pd.DataFrame, now: datetime, worker: str
    ) -> DispatchStats:
        stats = DispatchStats(claimed=len(batch), batches=1)
        if batch.empty:
            return stats
        decided, pushes = self._decide(conn, batch, now, worker)
        if not decided.empty:
            stats.add(self.recorder.decisions(conn, decided, batch, now, worker))
        feed = batch[(batch["channel"] == FEED) & ~batch["id"].isin(decided["id"])]
        if not feed.empty:
            channel = self.adapters[FEED]
            assert isinstance(channel, FeedChannel)
            stats.add(self.recorder.feed(conn, channel, feed, now, worker))
        adapter = self.adapters.get(PUSH)
        if adapter is None or isinstance(adapter, FeedChannel):  # pushes are not claimed then
            return stats
        base = self.config.media_base_url
        for start in range(0, len(pushes), adapter.max_batch):
            chunk = pushes.iloc[start : start + adapter.max_batch]
            rows = list(chunk[plain_batch.CLAIMED].itertuples(index=False, name=None))
            payloads = plain_batch.payloads(rows, base)
            stats.add(self._send(conn, adapter, payloads, chunk, now, worker))
        return stats

    def _process_rows(
        self, conn: Connection, rows: plain_batch.Rows, now: datetime, worker: str
    ) -> DispatchStats:
        """A claimed batch from its rows: its pushes sent without a frame when no rule holds
        one back (a campaign's feed items, claimed beside them, are written the usual way)."""
        adapter = self.adapters.get(PUSH)
        if adapter is None or isinstance(adapter, FeedChannel):
            return self._process(conn, plain_batch.frame_of(rows), now, worker)
        pushes = [r for r in rows if plain_batch.is_push(r)]
        if not pushes or not rules_clear(conn, pushes, now, worker):
            return self._process(conn, plain_batch.frame_of(rows), now, worker)
        stats = DispatchStats(batches=1)
        if len(pushes) < len(rows):  # the rules of a feed row never touch a push, nor the reverse
            others = [r for r in rows if not plain_batch.is_push(r)]
            stats = self._process(conn, plain_batch.frame_of(others), now, worker)
        stats.claimed += len(pushes)
        for start in range(0, len(pushes), adapter.max_batch):
            chunk = pushes[start : start + adapter.max_batch]
            payloads = plain_batch.payloads(chunk, self.config.media_base_url)
            frame = partial(plain_batch.frame_of, chunk)
            tids = plain_batch.tids(chunk)
            stats.add(self._send(conn, adapter, payloads, frame, now, worker, tids))
        return stats

    def _send(
        self,
        conn: Connection,
        adapter: PushAdapter,
        payloads: list[PushPayload],
        chunk: pd.DataFrame | Callable[[], pd.DataFrame],
        now: datetime,
        worker: str,
        tids: list[Any] | None = None,
    ) -> DispatchStats:
        """POST one chunk and record the answer (``chunk``: its rows as a frame, if needed;
        ``tids``: where the claim found them, which finds them again faster)."""
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
        if len(result.accepted) == len(ids) and set(result.accepted).issuperset(ids):
            try:  # the usual answer: recorded without the rows
                with conn.begin():
                    mine = sqlbits.record_delivered(conn, ids, worker, to_db(now), tids)
            except sqlbits.StrayRow:  # rolled back; by id, as if the claim had not said where
                log.warning("a claimed row's place held another message: recorded by id")
                with conn.begin():
                    mine = sqlbits.record_delivered(conn, ids, worker, to_db(now))
            return DispatchStats(delivered=len(mine))
        frame = chunk if isinstance(chunk, pd.DataFrame) else chunk()
        return self.recorder.sent(conn, frame, result, now, worker)

    def run_once(self, now: datetime | None = None, worker: str | None = None) -> DispatchStats:
        """Send everything due at ``now`` (the clock if None), batch after batch, then stop."""
        stats = DispatchStats()
        worker = worker or self.name
        # One connection for the whole pass: a pool checkout (and its ping) per step cost
        # as much as a statement.
        with self.engine.connect() as conn:
            while True:
                at = now or self.clock()
                rows = self.claimer.claim_rows(conn, at, self.config.batch_size, worker)
                if not rows:
                    return stats
                stats.add(self._process_rows(conn, rows, at, worker))

    def pending_due(self, now: datetime) -> tuple[int, datetime | None]:
        """Open messages this dispatcher can send that are due by ``now`` (leased and retries
        waiting included), and the next time to look."""
        return outbox_waiting.pending_due(self.engine, now, PUSH in self.adapters)

    def waiting_note(self, now: datetime) -> str | None:
        """One line when pushes due by ``now`` wait because there is no push adapter."""
        waiting = self.waiting_pushes(now)
        return f"{waiting} {NO_GATEWAY}" if waiting else None

    def waiting_pushes(self, now: datetime) -> int:
        """Pushes due by ``now`` that wait because this dispatcher has no push adapter."""
        return 0 if PUSH in self.adapters else outbox_waiting.waiting_pushes(self.engine, now)

    def run(
        self,
        *,
        once: bool = False,
        until_idle: bool = False,
        stop: threading.Event | None = None,
        now: datetime | None = None,
        tick: Tick | None = None,
        report: Callable[[DispatchStats], object] | None = None,
    ) -> DispatchStats:
        """The dispatch loop behind ``fanzha dispatch`` and the scheduler's dispatch tick.

        On ``config.workers`` threads: each pass calls ``tick`` (first worker only), then
        sends everything due. ``once`` stops after one pass (at ``now`` if given, else the
        clock); ``until_idle`` when nothing this dispatcher can send is due or waiting for a
        retry; otherwise it runs until ``stop`` is set or the process is interrupted.
        ``report`` receives the counts of every pass that claimed something.
        """
        stop = stop or threading.Event()
        totals, lock = DispatchStats(), threading.Lock()
        errors: list[BaseException] = []

        def loop(index: int, worker: str) -> None:
            try:
                while not stop.is_set():
                    at = (now if once else None) or self.clock()
                    if tick is not None and index == 0:
                        tick(at)
                    stats = self.run_once(at if once else None, worker=worker)
                    with lock:
                        totals.add(stats)
                    if report is not None and stats.claimed:
                        report(stats)
                    if once:
                        return
                    at, pushes = self.clock(), PUSH in self.adapters
                    if until_idle and not outbox_waiting.any_due(self.engine, at, pushes):
                        return
                    if stats.claimed == 0:  # all due is leased or waits: until the next
                        wait = self.config.poll_s
                        nxt = outbox_waiting.next_ready(self.engine, pushes)
                        if nxt is not None:
                            wait = min(wait, max(0.01, (to_db(nxt) - at).total_seconds()))
                        stop.wait(wait)
            except BaseException as exc:  # raised again in the caller's thread
                errors.append(exc)
                stop.set()

        names = [f"{self.name}/{i}" for i in range(self.config.workers)]
        threads = [
            threading.Thread(target=loop, args=(i, n), daemon=True) for i, n in enumerate(names)
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except KeyboardInterrupt:  # Ctrl-C: let the workers finish their batch, then stop
            stop.set()
            for thread in threads:
                thread.join()
        if errors:
            raise errors[0]
        return totals


def dispatch_due(
    engine: Engine,
    adapters: Mapping[str, PushAdapter | FeedChannel | None],
    *,
    now: datetime | None = None,
    once: bool = True,
    config: DispatchConfig | None = None,
    clock: Clock | None = None,
    stop: threading.Event | None = None,
) -> DispatchStats:
    """One pass over what is due (``once``), or dispatch until stopped."""
    dispatcher = Dispatcher(engine, adapters, config, clock=clock or offset_clock(now))
    return dispatcher.run(once=once, now=now, stop=stop)
