"""How a dispatcher works (``DispatchConfig``) and what a run did (``DispatchStats``).

Both sit below the dispatcher and the recorder, which share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from fanzha.delivery.ratelimit import Backoff


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
