"""fanzha delivery: the outbox, send times, caps, the dispatcher, gateway adapters, scheduler."""

from typing import TYPE_CHECKING

from fanzha.delivery import models
from fanzha.delivery.adapters import (
    MockAdapter,
    PushAdapter,
    PushPayload,
    SendResult,
    WebhookAdapter,
    batch_key,
    sign,
)
from fanzha.delivery.clock import fixed_clock, offset_clock, parse_now, utcnow
from fanzha.delivery.dispatcher import DispatchConfig, Dispatcher, DispatchStats, dispatch_due
from fanzha.delivery.feed_channel import FeedChannel
from fanzha.delivery.gateway_fake import (
    FakeGateway,
    FaultSpec,
    gateway_ids,
    gateway_stats,
    run_fake_gateway,
)
from fanzha.delivery.jpush import JPushAdapter
from fanzha.delivery.migrate import current_revision, upgrade
from fanzha.delivery.outbox import EnqueueResult, enqueue, message_ids, open_messages
from fanzha.delivery.ratelimit import Backoff, TokenBucket
from fanzha.delivery.schedule import (
    Cadence,
    QuietHours,
    compute_due_times,
    parse_rate,
    spread_for_rate,
)
from fanzha.delivery.scheduler import (
    DISPATCH_TICK,
    FanzhaScheduler,
    JobSpec,
    SchedulerContext,
    build_scheduler,
    dispatch_tick,
)
from fanzha.delivery.store import init_db, open_engine
from fanzha.delivery.suppress import apply_preference, lift_suppression, suppress_customer

if TYPE_CHECKING:  # what __getattr__ hands out, as type checkers should see it
    from fanzha.delivery.api import (
        CursorError,
        PendingEvent,
        PreferenceResult,
        Preferences,
        RecallResult,
        create_app,
        dismiss_item,
        get_preferences,
        list_feed,
        mark_events_processed,
        mark_read,
        mint_token,
        pending_events,
        recall_warning,
        record_event,
        serve,
        set_preferences,
        verify_token,
    )

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
        import fanzha.delivery.api

        return getattr(fanzha.delivery.api, name)
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
