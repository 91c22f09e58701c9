"""fanzha delivery: the outbox, send times, caps, the dispatcher, gateway adapters, scheduler."""

from delivery import models
from delivery.adapters import (
    MockAdapter,
    PushAdapter,
    PushPayload,
    SendResult,
    WebhookAdapter,
    batch_key,
    sign,
)
from delivery.clock import fixed_clock, offset_clock, parse_now, utcnow
from delivery.dispatcher import DispatchConfig, Dispatcher, DispatchStats, dispatch_due
from delivery.feed_channel import FeedChannel
from delivery.gateway_fake import (
    FakeGateway,
    FaultSpec,
    gateway_ids,
    gateway_stats,
    run_fake_gateway,
)
from delivery.jpush import JPushAdapter
from delivery.migrate import current_revision, upgrade
from delivery.outbox import EnqueueResult, enqueue, message_ids, open_messages
from delivery.ratelimit import Backoff, TokenBucket
from delivery.schedule import (
    Cadence,
    QuietHours,
    compute_due_times,
    parse_rate,
    spread_for_rate,
)
from delivery.store import init_db, open_engine

__all__ = [
    "Backoff",
    "Cadence",
    "DispatchConfig",
    "DispatchStats",
    "Dispatcher",
    "EnqueueResult",
    "FakeGateway",
    "FaultSpec",
    "FeedChannel",
    "JPushAdapter",
    "MockAdapter",
    "PushAdapter",
    "PushPayload",
    "QuietHours",
    "SendResult",
    "TokenBucket",
    "WebhookAdapter",
    "batch_key",
    "compute_due_times",
    "current_revision",
    "dispatch_due",
    "enqueue",
    "fixed_clock",
    "gateway_ids",
    "gateway_stats",
    "init_db",
    "message_ids",
    "models",
    "offset_clock",
    "open_engine",
    "open_messages",
    "parse_now",
    "parse_rate",
    "run_fake_gateway",
    "sign",
    "spread_for_rate",
    "upgrade",
    "utcnow",
]
