"""Errors of the delivery package.

DeliveryError (fanzha.errors.FanzhaError)
├── StoreError (RuntimeError)         the database cannot be reached or is not initialised
├── GatewayError (RuntimeError)       a gateway call failed
│   ├── RetryableGatewayError         5xx, timeouts, dropped connections, 429/503 (retry_after)
│   └── PermanentGatewayError         4xx other than 429: not retried
├── ScheduleError (ValueError)        a cadence, quiet-hour or rate spec that cannot be used
├── TokenError (PermissionError)      a missing, tampered, expired or wrong-key feed token
├── MessageNotFound (LookupError)     no such message or feed item (for this customer)
└── KeyError_ (ValueError)            a secret key variable that is missing, weak or malformed
"""

from __future__ import annotations

from fanzha.errors import FanzhaError


class DeliveryError(FanzhaError):
    """Base error of the delivery package."""


class StoreError(DeliveryError, RuntimeError):
    """The store cannot be used."""


class GatewayError(DeliveryError, RuntimeError):
    """A gateway call failed."""


class RetryableGatewayError(GatewayError):
    """A failure worth retrying; ``retry_after`` is seconds the gateway asked us to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentGatewayError(GatewayError):
    """A failure that retrying will not fix."""


class ScheduleError(DeliveryError, ValueError):
    """A send-time specification that cannot be used."""


class TokenError(DeliveryError, PermissionError):
    """A feed token that is missing, tampered, expired or signed with an unknown key."""


class MessageNotFound(DeliveryError, LookupError):
    """No such message or feed item for this customer."""


class KeyError_(DeliveryError, ValueError):
    """A secret-key variable that is unset, weak or malformed; the message names it."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable} {problem}; generate one with: fanzha keys generate")
        self.variable = variable
