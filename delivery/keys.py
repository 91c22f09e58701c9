"""Secret keys with rotation: one value object per environment variable, checked when built.

A variable holds one key or several, comma-separated, each optionally named ``id:key``:
``FANZHA_SECRET="k2:<new key>,k1:<old key>"``. The first key is current (it signs); every
key verifies, so a bank rotates by putting a new key first and removing the old one once
what it signed has expired. Keys are never defaulted: ``fanzha keys generate`` makes them.
"""

from __future__ import annotations

import hmac
import math
import re
import secrets
from dataclasses import dataclass

from fanzha.delivery.errors import KeyError_

MIN_BITS = 256  # 32 bytes of entropy, the strength of the HMAC-SHA256 key itself
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
# Values that were once published as defaults: whoever read the source knows them.
_PUBLISHED = frozenset({"fanzha-dev-secret-change-me", "fanzha-dev-backend-key"})


def generate_key() -> str:
    """A new random key: 32 bytes, base64url (43 characters)."""
    return secrets.token_urlsafe(32)


def estimated_bits(key: str) -> float:
    """A conservative estimate of a random key's entropy from its length and alphabet."""
    if not key:
        return 0.0
    if re.fullmatch(r"[0-9a-fA-F]+", key):
        alphabet = 16.0  # hex
    elif re.fullmatch(r"[A-Za-z0-9_-]+", key):
        alphabet = 64.0  # base64url, what `fanzha keys generate` prints
    else:
        alphabet = 95.0  # printable ASCII and beyond
    distinct = len(set(key))
    # A key that repeats a few characters ("abcabc…") holds far less than its length
    # suggests; a random key of this length shows many more than 10 distinct characters.
    per_char = math.log2(distinct) if distinct < 10 else math.log2(alphabet)
    return len(key) * per_char


@dataclass(frozen=True)
class KeyRing:
    """The keys of one variable, current first; a weak, empty or published key is refused."""

    variable: str
    keys: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyError_(self.variable, "is not set")
        seen: set[str] = set()
        for key_id, key in self.keys:
            if not _KEY_ID.fullmatch(key_id):
                raise KeyError_(
                    self.variable, f"key id {key_id!r} must be 1-32 of A-Z a-z 0-9 _ . -"
                )
            if key_id in seen:
                raise KeyError_(self.variable, f"key id {key_id!r} appears twice")
            seen.add(key_id)
            if key in _PUBLISHED:
                raise KeyError_(self.variable, f"key {key_id!r} is a published example value")
            bits = estimated_bits(key)
            if bits < MIN_BITS:
                raise KeyError_(
                    self.variable,
                    f"key {key_id!r} is too weak (about {bits:.0f} bits; at least {MIN_BITS} needed)",
                )

    @classmethod
    def parse(cls, variable: str, text: str | None) -> KeyRing:
        """The keys written in ``text`` (``key`` or ``id:key,id:key``) for ``variable``."""
        items = [item.strip() for item in (text or "").split(",") if item.strip()]
        keys = []
        for index, item in enumerate(items, start=1):
            key_id, sep, key = item.partition(":")
            keys.append((key_id, key) if sep else (f"k{index}", item))
        return cls(variable, tuple(keys))

    @property
    def current_id(self) -> str:
        """The id of the key that signs."""
        return self.keys[0][0]

    @property
    def current(self) -> bytes:
        """The key that signs."""
        return self.keys[0][1].encode("utf-8")

    def by_id(self) -> dict[str, bytes]:
        """Every key by id (the verifying set), current first."""
        return {key_id: key.encode("utf-8") for key_id, key in self.keys}

    def accepts(self, presented: str | bytes | None) -> bool:
        """Whether ``presented`` equals one of the keys (constant time per key)."""
        if not presented:
            return False
        raw = presented.encode("utf-8") if isinstance(presented, str) else presented
        found = False
        for _, key in self.keys:
            found |= hmac.compare_digest(raw, key.encode("utf-8"))
        return found

    def __repr__(self) -> str:  # never print a key
        return f"KeyRing({self.variable}, ids={[k for k, _ in self.keys]})"
