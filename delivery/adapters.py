"""Push channel adapters behind one small interface: webhook (DESIGN.md), JPush v3, a mock."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import orjson
import requests
from fanzha.delivery.clock import utcnow
from fanzha.delivery.errors import PermanentGatewayError, RetryableGatewayError
from fanzha.delivery.keys import KeyRing
from requests.adapters import HTTPAdapter

log = logging.getLogger(__name__)
Timeout = tuple[float, float]
DEFAULT_TIMEOUT: Timeout = (3.05, 15.0)  # connect, read
RETRYABLE_4XX = frozenset({408, 409, 425, 429})


@dataclass(frozen=True)
class PushPayload:
    """What leaves the bank for one push: ids and copy only, no other personal data."""

    id: str
    customer_id: str
    title: str
    body: str
    image_url: str = ""
    deep_link: str = ""

    def to_json(self) -> dict[str, str]:
        """The payload as the webhook sends it."""
        return {
            "id": self.id,
            "customer_id": self.customer_id,
            "title": self.title,
            "body": self.body,
            "image_url": self.image_url,
            "deep_link": self.deep_link,
        }


@dataclass(frozen=True)
class SendResult:
    """Per-message outcome of one send: accepted, rejected (id → reason), or to retry later."""

    accepted: tuple[str, ...] = ()
    rejected: dict[str, str] = field(default_factory=dict)
    deferred: dict[str, str] = field(default_factory=dict)
    retry_after: float | None = None


class PushAdapter(Protocol):
    """A push channel: sends up to ``max_batch`` payloads, raising GatewayError on failure."""

    max_batch: int

    def send(self, batch: Sequence[PushPayload], idempotency_key: str) -> SendResult:
        """Send one batch; ids are stable across retries and so is ``idempotency_key``."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def batch_key(ids: Iterable[str]) -> str:
    """The Idempotency-Key of a batch: the same ids give the same key, in any order."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:40]


def sign(key: bytes, body: bytes) -> str:
    """The ``X-Fanzha-Signature`` header value for ``body`` under one key."""
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def signature_valid(keys: KeyRing, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is ``body``'s under any key of the ring (a gateway's check)."""
    found = False
    for key in keys.by_id().values():  # every key, so the time says nothing about which
        found |= hmac.compare_digest(sign(key, body), signature or "")
    return found


MAX_RETRY_AFTER_S = 86_400.0  # a gateway asking for more than a day is taken to mean a day
_SECONDS = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,9})?", re.ASCII)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds, at most a day; None (use the backoff) when absent or bad.

    Delta-seconds are digits (RFC 9110; a decimal fraction is tolerated), so ``inf``,
    ``1e12`` and ``-5`` are refused rather than believed; an HTTP date in the past means now, one far ahead means a day.
    """
    text = (value or "").strip()
    if not text or len(text) > 64:
        return None
    if _SECONDS.fullmatch(text):
        return min(float(text), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:  # "-0000": UTC, origin unknown
            when = when.replace(tzinfo=UTC)
        ahead = (when - utcnow()).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(0.0, ahead), MAX_RETRY_AFTER_S)


def pooled_session(pool_size: int = 8) -> requests.Session:
    """A requests Session with a connection pool (no automatic retries: the dispatcher retries)."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def environment_settings(session: requests.Session, url: str) -> dict[str, Any]:
    """What requests would read from the environment for ``url`` (proxies, CA bundle, .netrc),
    read once; ``session`` stops reading it on every request.

    For our own session only: requests looks up every proxy variable, the CA bundle variables
    and ~/.netrc on each POST, which cost the dispatcher more CPU than signing the batch.
    """
    found = session.merge_environment_settings(url, {}, None, None, None)
    auth = requests.utils.get_netrc_auth(url)
    session.trust_env = False
    if auth and session.auth is None:
        session.auth = auth
    return {"proxies": found["proxies"], "verify": found["verify"], "cert": found["cert"]}


def _json(response: requests.Response) -> Any:
    """The answer's JSON: UTF-8 read by orjson, anything else as requests reads it."""
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.json()


def post(
    session: requests.Session, url: str, timeout: Timeout, *, check: bool = True, **kwargs: object
) -> requests.Response:
    """POST with a timeout; transport failures (and retryable statuses if ``check``) raise."""
    try:
        response = session.post(url, timeout=timeout, **kwargs)  # type: ignore[arg-type]
    except requests.Timeout as exc:
        raise RetryableGatewayError(f"timeout: {type(exc).__name__}") from exc
    except requests.ConnectionError as exc:
        raise RetryableGatewayError(f"connection: {type(exc).__name__}") from exc
    status = response.status_code
    if not check:
        return response
    if status in (429, 503):
        after = parse_retry_after(response.headers.get("Retry-After"))
        raise RetryableGatewayError(f"http {status}", retry_after=after)
    if status >= 500 or status in RETRYABLE_4XX:
        raise RetryableGatewayError(f"http {status}")
    return response


class WebhookAdapter:
    """The bank's push gateway: JSON batches, Idempotency-Key and an HMAC signature.

    Bodies are signed with the current key of ``keys`` (FANZHA_WEBHOOK_SECRET), never with a
    feed-token key; during a rotation the gateway accepts any key of its own ring.
    """

    def __init__(
        self,
        url: str,
        keys: KeyRing,
        *,
        max_batch: int = 500,
        timeout: Timeout = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        if not isinstance(keys, KeyRing):
            raise TypeError(
                "webhooks are signed with a KeyRing (FANZHA_WEBHOOK_SECRET), not a bare key"
            )
        self.url = url
        self.keys = keys
        self.max_batch = max_batch
        self.timeout = timeout
        self.session = session or pooled_session()
        self.settings: dict[str, Any] = {}
        if session is None:
            self.settings = environment_settings(self.session, url)

    def send(self, batch: Sequence[PushPayload], idempotency_key: str) -> SendResult:
        """POST one batch and read which messages the gateway accepted or rejected."""
        # orjson writes the same bytes as json.dumps(ensure_ascii=False, compact separators)
        # for any text (tests/delivery/test_adapters.py), in a fraction of the time.
        body = orjson.dumps({"messages": [p.to_json() for p in batch]})
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key,
            "X-Fanzha-Signature": sign(self.keys.current, body),
        }
        response = post(
            self.session, self.url, self.timeout, data=body, headers=headers, **self.settings
        )
        if response.status_code >= 400:
            raise PermanentGatewayError(f"http {response.status_code}")
        try:
            answer = _json(response)
            accepted = {str(i) for i in answer.get("accepted", [])}
            rejected = {
                str(r["id"]): str(r.get("reason", "rejected")) for r in answer.get("rejected", [])
            }
        except (ValueError, AttributeError, KeyError, TypeError) as exc:
            raise RetryableGatewayError("gateway answered 2xx without a readable body") from exc
        sent = [p.id for p in batch]
        # An id the gateway did not mention was not taken: send it again later.
        deferred = {i: "not acknowledged" for i in sent if i not in accepted and i not in rejected}
        return SendResult(tuple(i for i in sent if i in accepted), rejected, deferred)

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()


class MockAdapter:
    """An in-memory push channel for tests: records batches, rejects or fails on request."""

    def __init__(self, *, max_batch: int = 500, reject: dict[str, str] | None = None) -> None:
        self.max_batch = max_batch
        self.reject = dict(reject or {})
        self.failures: list[Exception] = []
        self.batches: list[tuple[str, list[PushPayload]]] = []

    def fail_next(self, *errors: Exception) -> None:
        """Raise these errors on the next sends, one per send."""
        self.failures.extend(errors)

    def send(self, batch: Sequence[PushPayload], idempotency_key: str) -> SendResult:
        """Record the batch, or raise the next scripted failure."""
        if self.failures:
            raise self.failures.pop(0)
        self.batches.append((idempotency_key, list(batch)))
        rejected = {p.id: self.reject[p.id] for p in batch if p.id in self.reject}
        return SendResult(tuple(p.id for p in batch if p.id not in rejected), rejected)

    @property
    def sent_ids(self) -> list[str]:
        """Every accepted id, in order, repeats included."""
        return [p.id for _, batch in self.batches for p in batch if p.id not in self.reject]

    def close(self) -> None:
        """Nothing to release."""
