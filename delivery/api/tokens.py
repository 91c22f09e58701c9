"""Customer feed tokens: HMAC-SHA256 signed ``base64url(json).base64url(mac)`` with a key id.

The payload is ``{"sub": customer_id, "exp": unix_seconds, "kid": key_id}``. The key id lets
the bank rotate secrets: new tokens are signed with the current key while tokens signed with
an older key stay valid until they expire or the key is removed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache

from fanzha.delivery.api.errors import TokenError
from fanzha.delivery.clock import utcnow

MAX_TOKEN_CHARS = 1024
CUSTOMER_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
_CUSTOMER_ID = re.compile(CUSTOMER_ID_PATTERN)
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")

Secret = str | bytes


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise TokenError("token is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenError("token is not base64url") from exc


def _key(secret: Secret) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def _mac(secret: Secret, signed: str) -> bytes:
    return hmac.new(_key(secret), signed.encode("ascii"), hashlib.sha256).digest()


def mint_token(
    customer_id: str,
    secret: Secret,
    key_id: str,
    ttl: timedelta,
    now: datetime | None = None,
) -> str:
    """A token for ``customer_id`` signed with ``secret`` (named ``key_id``), valid for ``ttl``."""
    if not _CUSTOMER_ID.fullmatch(customer_id):
        raise ValueError(f"customer id {customer_id!r} must match {CUSTOMER_ID_PATTERN}")
    if not _KEY_ID.fullmatch(key_id):
        raise ValueError(f"key id {key_id!r} must be 1-32 letters, digits, '_', '.', '-'")
    if ttl <= timedelta(0):
        raise ValueError("token ttl must be positive")
    if not _key(secret):
        raise ValueError("token secret must not be empty")
    exp = int(((now or utcnow()) + ttl).timestamp())
    payload = json.dumps({"sub": customer_id, "exp": exp, "kid": key_id}, separators=(",", ":"))
    signed = _b64encode(payload.encode("utf-8"))
    return f"{signed}.{_b64encode(_mac(secret, signed))}"


def verify_token(token: str, secrets: Mapping[str, Secret], now: datetime | None = None) -> str:
    """The customer id a valid token names; ``TokenError`` for anything else."""
    sub, exp = signed_claims(token, secrets)
    if exp <= (now or utcnow()).timestamp():
        raise TokenError("token expired")
    return sub


def signed_claims(token: str, secrets: Mapping[str, Secret]) -> tuple[str, int]:
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
    secret = secrets.get(kid) if isinstance(kid, str) else None
    if secret is None:
        raise TokenError("token signed with an unknown key")
    # Constant-time: the comparison must not reveal how many leading bytes matched.
    if not hmac.compare_digest(_mac(secret, signed), _b64decode(mac_text)):
        raise TokenError("bad token signature")
    sub, exp = claims["sub"], claims["exp"]
    if not isinstance(sub, str) or not _CUSTOMER_ID.fullmatch(sub):
        raise TokenError("malformed token")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise TokenError("malformed token")
    return sub, exp


class TokenCache:
    """``verify_token`` over fixed secrets, checking each distinct token's signature once.

    An app sends the same token with every request for hours; decoding it and computing its
    HMAC was a tenth of a feed request's CPU. Only tokens that verified are kept (by their
    exact text, so a hit proves nothing new), and the expiry is checked on every call.
    """

    def __init__(self, secrets: Mapping[str, Secret], size: int = 8192) -> None:
        frozen = dict(secrets)
        self._claims = lru_cache(maxsize=size)(lambda token: signed_claims(token, frozen))

    def customer(self, token: str, now: datetime) -> str:
        """The customer id ``token`` names; ``TokenError`` if invalid or expired at ``now``."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            raise TokenError("malformed token")
        sub, exp = self._claims(token)
        if exp <= now.timestamp():
            raise TokenError("token expired")
        return sub
