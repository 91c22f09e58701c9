"""Errors of the feed API, under the delivery package's base error.

DeliveryError (delivery.errors)
├── TokenError (PermissionError)      re-exported: missing, tampered, expired, wrong-key token
├── MessageNotFound (LookupError)     re-exported: no such feed item for this customer
└── CursorError (ValueError)          a feed cursor not of the documented form
"""

from __future__ import annotations

from fanzha.delivery.errors import DeliveryError, MessageNotFound, TokenError

__all__ = ["CursorError", "MessageNotFound", "TokenError"]


class CursorError(DeliveryError, ValueError):
    """A feed cursor not of the documented form (``<microseconds>.<item id>``)."""
