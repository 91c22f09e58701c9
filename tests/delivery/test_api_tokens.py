"""Customer tokens: round trip, tampering, expiry, key rotation, garbage, separate key rings."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from fanzha.delivery.api import mint_token, verify_token
from fanzha.delivery.errors import TokenError
from fanzha.delivery.keys import KeyRing, generate_key
from hypothesis import given, settings
from hypothesis import strategies as st

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
K2, K1 = generate_key(), generate_key()
SECRETS = KeyRing("FANZHA_SECRET", (("k2", K2), ("k1", K1)))  # k2 current, k1 still verifies


def _only(kid: str, key: str) -> KeyRing:
    return KeyRing("FANZHA_SECRET", ((kid, key),))


def _mint(customer: str = "C000000001", kid: str = "k2", ttl: timedelta = timedelta(hours=1)):
    return mint_token(customer, _only(kid, {"k2": K2, "k1": K1}[kid]), ttl, now=NOW)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_fresh_token_names_its_customer() -> None:
    assert verify_token(_mint(), SECRETS, now=NOW) == "C000000001"


def test_tokens_signed_with_the_previous_key_stay_valid_during_rotation() -> None:
    assert verify_token(_mint(kid="k1"), SECRETS, now=NOW) == "C000000001"


def test_a_token_whose_key_was_retired_is_refused() -> None:
    token = _mint(kid="k1")
    with pytest.raises(TokenError, match="unknown key"):
        verify_token(token, _only("k2", K2), now=NOW)


def test_an_expired_token_is_refused() -> None:
    token = _mint(ttl=timedelta(minutes=5))
    assert verify_token(token, SECRETS, now=NOW + timedelta(minutes=4)) == "C000000001"
    with pytest.raises(TokenError, match="expired"):
        verify_token(token, SECRETS, now=NOW + timedelta(minutes=5))


def test_changing_the_customer_in_the_payload_breaks_the_signature() -> None:
    payload, mac = _mint().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "C000000002"
    forged = _b64(json.dumps(claims, separators=(",", ":")).encode()) + "." + mac
    with pytest.raises(TokenError, match="signature"):
        verify_token(forged, SECRETS, now=NOW)


def test_extending_the_expiry_breaks_the_signature() -> None:
    payload, mac = _mint().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["exp"] += 10 * 365 * 86400
    forged = _b64(json.dumps(claims, separators=(",", ":")).encode()) + "." + mac
    with pytest.raises(TokenError):
        verify_token(forged, SECRETS, now=NOW)


def test_a_token_signed_with_another_secret_under_a_known_key_id_is_refused() -> None:
    token = mint_token("C000000001", _only("k2", generate_key()), timedelta(hours=1), now=NOW)
    with pytest.raises(TokenError, match="signature"):
        verify_token(token, SECRETS, now=NOW)


def test_a_flipped_signature_character_is_refused() -> None:
    token = _mint()
    # Not the last character: its two lowest bits are base64 padding, ignored when decoding.
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(TokenError):
        verify_token(flipped, SECRETS, now=NOW)


@pytest.mark.parametrize(
    "token",
    ["", ".", "a.b.c", "x" * 5000, "not base64!.abc", "e30.", _b64(b"[1,2]") + ".AAAA"],
)
def test_malformed_tokens_are_token_errors(token: str) -> None:
    with pytest.raises(TokenError):
        verify_token(token, SECRETS, now=NOW)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_is_never_accepted_and_never_crashes(text: str) -> None:
    with pytest.raises(TokenError):
        verify_token(text, SECRETS, now=NOW)


@settings(max_examples=50, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9_.:-]{1,64}", fullmatch=True))
def test_every_valid_customer_id_round_trips(customer: str) -> None:
    assert verify_token(_mint(customer), SECRETS, now=NOW) == customer


@pytest.mark.parametrize("customer", ["", "a b", "C1'; DROP TABLE feed_items;--", "x" * 65])
def test_minting_refuses_customer_ids_outside_the_pattern(customer: str) -> None:
    with pytest.raises(ValueError):
        mint_token(customer, SECRETS, timedelta(hours=1), now=NOW)


def test_new_tokens_are_signed_with_the_current_key() -> None:
    token = mint_token("C000000001", SECRETS, timedelta(hours=1), now=NOW)
    assert verify_token(token, _only("k2", K2), now=NOW) == "C000000001"
    with pytest.raises(TokenError):
        verify_token(token, _only("k1", K1), now=NOW)


def test_a_bare_string_key_is_refused() -> None:
    # Nothing weaker than a checked ring: a string could be empty, short or a published value.
    with pytest.raises(TypeError):
        mint_token("C000000001", "k2-secret", timedelta(hours=1), now=NOW)  # type: ignore[arg-type]


def test_a_webhook_key_neither_mints_nor_verifies_a_feed_token() -> None:
    webhook = KeyRing("FANZHA_WEBHOOK_SECRET", (("k2", generate_key()),))
    forged = mint_token("C000000001", webhook, timedelta(hours=1), now=NOW)
    with pytest.raises(TokenError, match="signature"):
        verify_token(forged, SECRETS, now=NOW)
    genuine = _mint()
    with pytest.raises(TokenError, match="signature"):
        verify_token(genuine, webhook, now=NOW)
