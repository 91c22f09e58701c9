"""The server's risk index: loaded at start-up, swapped whole when a campaign runs.

``refresh`` asks the store for the active (campaign, version) pairs, a one-row-per-campaign
query, and rebuilds the index only when they changed; requests keep using the old index
until the new one is complete. It runs off the request path (the app's refresh task).
"""

from __future__ import annotations

import logging
import threading
import time

from fanzha.delivery.errors import StoreError
from fanzha.delivery.risk_index import Compile, HoldoutOf, RiskIndex, build_index
from fanzha.delivery.risk_store import active_stamp
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("fanzha.delivery.risk")


class LiveRiskIndex:
    """The current RiskIndex of a server process, and how to bring it up to date."""

    def __init__(
        self, engine: Engine, compile: Compile, holdout_of: HoldoutOf, interval: float = 5.0
    ) -> None:
        self.engine = engine
        self.compile = compile
        self.holdout_of = holdout_of
        self.interval = interval  # seconds between checks of the active versions
        self._index: RiskIndex | None = None
        self._lock = threading.Lock()
        self.loads = 0  # how many times the index was (re)built: proves a refresh happened

    @property
    def index(self) -> RiskIndex:
        """The index; StoreError (a 503) until it could be loaded once."""
        if self._index is None:
            self.refresh()
        if self._index is None:
            raise StoreError("the risk index could not be loaded")
        return self._index

    def refresh(self) -> bool:
        """Rebuild the index if the active campaign versions changed; True when it did."""
        with self._lock:
            try:
                stamp = active_stamp(self.engine)
                if self._index is not None and stamp == self._index.stamp:
                    return False
                started = time.perf_counter()
                index = build_index(self.engine, self.compile, self.holdout_of)
            except SQLAlchemyError as exc:
                log.warning(
                    "risk index not refreshed: the store is unavailable (%s)", type(exc).__name__
                )
                return False
            self._index = index
            self.loads += 1
            log.info(
                "risk index loaded: %d campaign(s) in %.1f s",
                len(index.campaigns),
                time.perf_counter() - started,
            )
            return True


__all__ = ["LiveRiskIndex"]
