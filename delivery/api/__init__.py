"""The in-app feed API: app, tokens, feed reads, app events, preferences and recall.

Names load their module on first use: minting a token (``fanzha token``) does not pay for
FastAPI and the app's routes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

_HOME = {
    "create_app": "app",
    "customer_known": "customers",
    "CursorError": "errors",
    "EVENT_KINDS": "events",
    "PendingEvent": "events",
    "mark_events_processed": "events",
    "pending_events": "events",
    "record_event": "events",
    "dismiss_item": "feed",
    "mark_read": "feed",
    "FeedEntry": "page",
    "FeedPage": "page",
    "list_feed": "page",
    "PreferenceResult": "preferences",
    "Preferences": "preferences",
    "get_preferences": "preferences",
    "set_preferences": "preferences",
    "RecallResult": "recall",
    "recall_warning": "recall",
    "serve": "serve",
    "server_config": "serve",
    "mint_token": "tokens",
    "verify_token": "tokens",
}


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'fanzha.delivery.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"fanzha.delivery.api.{home}"), name)
    globals()[name] = value
    return value


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
