"""The in-app feed API: app, tokens, feed reads, app events, preferences and recall."""

from fanzha.delivery.api.app import create_app
from fanzha.delivery.api.customers import customer_known
from fanzha.delivery.api.errors import CursorError
from fanzha.delivery.api.events import (
    EVENT_KINDS,
    PendingEvent,
    mark_events_processed,
    pending_events,
    record_event,
)
from fanzha.delivery.api.feed import dismiss_item, mark_read
from fanzha.delivery.api.page import FeedEntry, FeedPage, list_feed
from fanzha.delivery.api.preferences import (
    PreferenceResult,
    Preferences,
    get_preferences,
    set_preferences,
)
from fanzha.delivery.api.recall import RecallResult, recall_warning
from fanzha.delivery.api.serve import serve, server_config
from fanzha.delivery.api.tokens import mint_token, verify_token

__all__ = [
    "EVENT_KINDS",
    "CursorError",
    "FeedEntry",
    "FeedPage",
    "PendingEvent",
    "PreferenceResult",
    "Preferences",
    "RecallResult",
    "create_app",
    "customer_known",
    "dismiss_item",
    "get_preferences",
    "list_feed",
    "mark_events_processed",
    "mark_read",
    "mint_token",
    "pending_events",
    "recall_warning",
    "record_event",
    "serve",
    "server_config",
    "set_preferences",
    "verify_token",
]
