"""Pacing for the dispatcher: a token bucket and exponential backoff with jitter."""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


class TokenBucket:
    """At most ``rate`` tokens a second on average, bursts up to ``capacity``; thread-safe."""

    def __init__(
        self,
        rate: float,
        capacity: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = rate
        self.capacity = capacity if capacity is not None else rate
        self._clock, self._sleep = clock, sleep
        self._tokens = self.capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def acquire(self, n: float = 1.0) -> float:
        """Take ``n`` tokens, sleeping until they are there; returns the seconds waited."""
        waited = 0.0
        with self._lock:
            self._refill()
            # A request larger than the bucket may go into debt instead of waiting forever.
            self._tokens -= n
            if self._tokens < 0:
                waited = -self._tokens / self.rate
        if waited:
            self._sleep(waited)
        return waited


MAX_WAIT_S = 86_400.0  # no retry waits longer than a day, whatever a gateway says


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter; ``Retry-After`` wins when the gateway sends one."""

    base_s: float = 2.0
    cap_s: float = 600.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None and math.isfinite(retry_after) and retry_after >= 0:
            # Never earlier than asked (up to a day); a little spread so a fleet does not
            # return at once.
            return min(retry_after, MAX_WAIT_S) * (1.0 + 0.1 * rng.random())
        ceiling = min(self.cap_s, self.base_s * 2 ** max(0, attempt - 1))
        return ceiling * (0.5 + 0.5 * rng.random())  # "equal jitter": never less than half
