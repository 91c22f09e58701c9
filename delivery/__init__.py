"""fanzha delivery: the outbox, send times, caps, the dispatcher, gateway adapters, scheduler.

Every public name loads its module on first use: importing the package (or its grammar,
``fanzha.delivery.syntax``, which campaign files use) costs no database, HTTP or
scheduler library until one is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fanzha.delivery import models
    from fanzha.delivery.adapters import (
        MockAdapter,
        PushAdapter,
        PushPayload,
        SendResult,
        WebhookAdapter,
        batch_key,
        sign,
        signature_valid,
    )
    from fanzha.delivery.api import (
        CursorError,
        PendingEvent,
        PreferenceResult,
        Preferences,
        RecallResult,
        create_app,
        customer_known,
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
    from fanzha.delivery.clock import fixed_clock, offset_clock, parse_now, utcnow
    from fanzha.delivery.dispatch_config import DispatchConfig, DispatchStats
    from fanzha.delivery.dispatcher import Dispatcher, dispatch_due
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
    from fanzha.delivery.schedule import Cadence, QuietHours, compute_due_times, spread_for_rate
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
    from fanzha.delivery.syntax import parse_rate

# Public name -> the module (under fanzha.delivery) that defines it.
_HOME: dict[str, str] = {
    "Backoff": "ratelimit",
    "Cadence": "schedule",
    "CursorError": "api",
    "DISPATCH_TICK": "scheduler",
    "DispatchConfig": "dispatch_config",
    "DispatchStats": "dispatch_config",
    "Dispatcher": "dispatcher",
    "EnqueueResult": "outbox",
    "FakeGateway": "gateway_fake",
    "FanzhaScheduler": "scheduler",
    "FaultSpec": "gateway_fake",
    "FeedChannel": "feed_channel",
    "JPushAdapter": "jpush",
    "JobSpec": "scheduler",
    "MockAdapter": "adapters",
    "PendingEvent": "api",
    "PreferenceResult": "api",
    "Preferences": "api",
    "PushAdapter": "adapters",
    "PushPayload": "adapters",
    "QuietHours": "schedule",
    "RecallResult": "api",
    "SchedulerContext": "scheduler",
    "SendResult": "adapters",
    "TokenBucket": "ratelimit",
    "WebhookAdapter": "adapters",
    "apply_preference": "suppress",
    "batch_key": "adapters",
    "build_scheduler": "scheduler",
    "compute_due_times": "schedule",
    "create_app": "api",
    "current_revision": "migrate",
    "customer_known": "api",
    "dismiss_item": "api",
    "dispatch_due": "dispatcher",
    "dispatch_tick": "scheduler",
    "enqueue": "outbox",
    "fixed_clock": "clock",
    "gateway_ids": "gateway_fake",
    "gateway_stats": "gateway_fake",
    "get_preferences": "api",
    "init_db": "store",
    "lift_suppression": "suppress",
    "list_feed": "api",
    "mark_events_processed": "api",
    "mark_read": "api",
    "message_ids": "outbox",
    "mint_token": "api",
    "models": "models",
    "offset_clock": "clock",
    "open_engine": "store",
    "open_messages": "outbox",
    "parse_now": "clock",
    "parse_rate": "syntax",
    "pending_events": "api",
    "recall_warning": "api",
    "record_event": "api",
    "run_fake_gateway": "gateway_fake",
    "serve": "api",
    "set_preferences": "api",
    "sign": "adapters",
    "signature_valid": "adapters",
    "spread_for_rate": "schedule",
    "suppress_customer": "suppress",
    "upgrade": "migrate",
    "utcnow": "clock",
    "verify_token": "api",
}


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'fanzha.delivery' has no attribute {name!r}")
    module = importlib.import_module(f"fanzha.delivery.{home}")
    value = module if home == name else getattr(module, name)
    globals()[name] = value
    return value


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
    "customer_known",
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
    "signature_valid",
    "spread_for_rate",
    "suppress_customer",
    "upgrade",
    "utcnow",
    "verify_token",
]
