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
from delivery.scheduler import (
    DISPATCH_TICK,
    FanzhaScheduler,
    JobSpec,
    SchedulerContext,
    build_scheduler,
    dispatch_tick,
)
from delivery.store import init_db, open_engine
from delivery.suppress import apply_preference, lift_suppression, suppress_customer

# The feed API (delivery.api) loads FastAPI; export its names lazily so the dispatcher,
# the scheduler and the enqueue path do not pay for it.
_API = (
    "CursorError",
    "PendingEvent",
    "PreferenceResult",
    "Preferences",
    "RecallResult",
    "dismiss_item",
    "list_feed",
    "mark_read",
    "create_app",
    "mint_token",
    "verify_token",
    "set_preferences",
    "get_preferences",
    "record_event",
    "pending_events",
    "mark_events_processed",
    "recall_warning",
    "serve",
)


def __getattr__(name: str) -> object:
    if name in _API:
        import delivery.api

        return getattr(delivery.api, name)
    raise AttributeError(f"module 'delivery' has no attribute {name!r}")


__all__ = [
    "DISPATCH_TICK",
    "Backoff",
    "Cadence",
    "CursorError",
    "DispatchConfig",
    "DispatchStats",
    "Dispatcher",
    "EnqueueResult",
    "FakeGateway",
    "FanzhaScheduler",
    "FaultSpec",
    "FeedChannel",
    "JPushAdapter",
    "JobSpec",
    "MockAdapter",
    "PendingEvent",
    "PreferenceResult",
    "Preferences",
    "PushAdapter",
    "PushPayload",
    "QuietHours",
    "RecallResult",
    "SchedulerContext",
    "SendResult",
    "TokenBucket",
    "WebhookAdapter",
    "apply_preference",
    "batch_key",
    "build_scheduler",
    "compute_due_times",
    "create_app",
    "current_revision",
    "dismiss_item",
    "dispatch_due",
    "dispatch_tick",
    "enqueue",
    "fixed_clock",
    "gateway_ids",
    "gateway_stats",
    "get_preferences",
    "init_db",
    "lift_suppression",
    "list_feed",
    "mark_events_processed",
    "mark_read",
    "message_ids",
    "mint_token",
    "models",
    "offset_clock",
    "open_engine",
    "open_messages",
    "parse_now",
    "parse_rate",
    "pending_events",
    "recall_warning",
    "record_event",
    "run_fake_gateway",
    "serve",
    "set_preferences",
    "sign",
    "spread_for_rate",
    "suppress_customer",
    "upgrade",
    "utcnow",
    "verify_token",
]
