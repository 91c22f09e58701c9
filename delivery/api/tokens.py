"""Customer feed tokens: HMAC-SHA256 signed ``base64url(json).base64url(mac)`` with a key id.

The payload is ``{"sub": customer_id, "exp": unix_seconds, "kid": key_id}``. Keys come from
the ``FANZHA_SECRET`` ring (``delivery.keys.KeyRing``): new tokens are signed with its current
key while tokens signed with an older key of the ring stay valid until they expire or the key
is removed from the ring.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from fanzha.delivery.api.errors import TokenError
from fanzha.delivery.clock import utcnow
from fanzha.delivery.keys import KeyRing

MAX_TOKEN_CHARS = 1024
CUSTOMER_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
_CUSTOMER_ID = re.compile(CUSTOMER_ID_PATTERN)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise TokenError("token is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenError("token is not base64url") from exc


def _mac(key: bytes, signed: str) -> bytes:
    return hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest()


def mint_token(customer_id: str, keys: KeyRing, ttl: timedelta, now: datetime | None = None) -> str:
    """A token for ``customer_id`` signed with the ring's current key, valid for ``ttl``."""
    if not isinstance(keys, KeyRing):
        raise TypeError("feed tokens are signed with a KeyRing (FANZHA_SECRET), not a bare key")
    if not _CUSTOMER_ID.fullmatch(customer_id):
        raise ValueError(f"customer id {customer_id!r} must match {CUSTOMER_ID_PATTERN}")
    if ttl <= timedelta(0):
        raise ValueError("token ttl must be positive")
    exp = int(((now or utcnow()) + ttl).timestamp())
    claims = {"sub": customer_id, "exp": exp, "kid": keys.current_id}
    signed = _b64encode(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    return f"{signed}.{_b64encode(_mac(keys.current, signed))}"


def verify_token(token: str, keys: KeyRing, now: datetime | None = None) -> str:
    """The customer id a valid token names; ``TokenError`` for anything else."""
    sub, exp = signed_claims(token, keys.by_id())
    if exp <= (now or utcnow()).timestamp():
        raise TokenError("token expired")
    return sub


def signed_claims(token: str, keys: dict[str, bytes]) -> tuple[str, int]:
    """``(customer id, expiry unix seconds)`` of a well-formed, correctly signed token.

    The expiry is not checked here: that is what lets ``TokenCache`` keep the result.
    """
    if not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise TokenError("malformed token")
    signed, mac_text = token.split(".")
    try:
        claims = json.loads(_b64decode(signed))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TokenError("malformed token") from exc
    if not isinstance(claims, dict) or set(claims) != {"sub", "exp", "kid"}:
        raise TokenError("malformed token")
    kid = claims["kid"]
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise TokenError("token signed with an unknown key")
    # Constant-time: the comparison must not reveal how many leading bytes matched.
    if not hmac.compare_digest(_mac(key, signed), _b64decode(mac_text)):
        raise TokenError("bad token signature")
    sub, exp = claims["sub"], claims["exp"]
    if not isinstance(sub, str) or not _CUSTOMER_ID.fullmatch(sub):
        raise TokenError("malformed token")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise TokenError("malformed token")
    return sub, exp


class TokenCache:
    """``verify_token`` over a fixed ring, checking each distinct token's signature once.

    An app sends the same token with every request for hours; decoding it and computing its
    HMAC was a tenth of a feed request's CPU. Only tokens that verified are kept (by their
    exact text, so a hit proves nothing new), and the expiry is checked on every call.
    """

    def __init__(self, keys: KeyRing, size: int = 8192) -> None:
        frozen = keys.by_id()
        self._claims = lru_cache(maxsize=size)(lambda token: signed_claims(token, frozen))

    def expiry(self, token: str) -> datetime:
        """When a token that verified expires (``TokenError`` if it does not verify)."""
        return datetime.fromtimestamp(self._claims(token)[1], UTC)

    def customer(self, token: str, now: datetime) -> str:
        """The customer id ``token`` names; ``TokenError`` if invalid or expired at ``now``."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            raise TokenError("malformed token")
        sub, exp = self._claims(token)
        if exp <= now.timestamp():
            raise TokenError("token expired")
        return sub
