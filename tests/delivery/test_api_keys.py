"""Keys in use (issue 11 #1-#3): three separate rings, rotation, no defaults, no bare strings."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fanzha.delivery.api import create_app, mint_token
from fanzha.delivery.errors import KeyError_
from fanzha.delivery.keys import KeyRing, generate_key
from fanzha.delivery.store import init_db, open_engine
from fastapi.testclient import TestClient

from tests.delivery.feed_fixtures import (
    BACKEND_KEY,
    BACKEND_KEYS,
    SECRETS,
    TOKEN_KEYS,
    TTL,
    WEBHOOK_KEYS,
    Clock,
    Env,
    make_env,
    ring,
)

ME = "C000000001"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    yield from make_env(f"sqlite:///{tmp_path / 'fanzha.db'}", tmp_path)


def _app(tmp_path: Path, **rings: KeyRing) -> TestClient:
    engine = open_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    init_db(engine)
    keys = {"token_keys": TOKEN_KEYS, "backend_keys": BACKEND_KEYS, "webhook_keys": WEBHOOK_KEYS}
    app = create_app(engine, **(keys | rings), media_dir=tmp_path, feed_ttl=TTL, clock=Clock())
    return TestClient(app)


def _mint(env: Env, key: str) -> int:
    answer = env.client.post("/v1/tokens", json={"customer_id": ME}, headers={"X-Backend-Key": key})
    return answer.status_code


def test_create_app_has_no_key_defaults_and_takes_only_rings(tmp_path: Path) -> None:
    params = inspect.signature(create_app).parameters
    for name in ("token_keys", "backend_keys", "webhook_keys"):
        assert params[name].default is inspect.Parameter.empty, name
    with pytest.raises(TypeError, match="KeyRing"):
        _app(tmp_path, backend_keys=BACKEND_KEY)  # type: ignore[arg-type]


def test_no_published_example_key_is_left_in_delivery() -> None:
    # keys.py names them only to refuse them.
    for path in (ROOT / "delivery").rglob("*.py"):
        if path.name != "keys.py":
            assert "fanzha-dev-" not in path.read_text(encoding="utf-8"), path


def test_the_published_dev_keys_are_refused() -> None:
    for variable, value in (
        ("FANZHA_BACKEND_KEY", "fanzha-dev-backend-key"),
        ("FANZHA_SECRET", "fanzha-dev-secret-change-me"),
        ("FANZHA_SECRET", ""),
        ("FANZHA_SECRET", "a"),
    ):
        with pytest.raises(KeyError_, match=variable):
            KeyRing.parse(variable, value)


def test_a_key_shared_between_two_rings_is_refused(tmp_path: Path) -> None:
    shared = generate_key()
    with pytest.raises(KeyError_, match="FANZHA_WEBHOOK_SECRET shares a key with FANZHA_SECRET"):
        _app(
            tmp_path,
            token_keys=KeyRing("FANZHA_SECRET", (("k1", shared),)),
            webhook_keys=KeyRing("FANZHA_WEBHOOK_SECRET", (("w1", shared),)),
        )
    with pytest.raises(KeyError_, match="shares a key"):
        _app(tmp_path, backend_keys=KeyRing("FANZHA_BACKEND_KEY", (("b1", SECRETS["k1"]),)))


def test_the_backend_key_mints_tokens_and_nothing_else_does(env: Env) -> None:
    assert _mint(env, BACKEND_KEY) == 200
    for wrong in ("", "fanzha-dev-backend-key", SECRETS["k2"], WEBHOOK_KEYS.keys[0][1]):
        assert _mint(env, wrong) == 401, wrong
    event = {
        "event_id": "e1",
        "customer_id": ME,
        "kind": "first_loan",
        "occurred_at": "2027-03-01T08:00:00Z",
    }
    assert (
        env.client.post(
            "/v1/events", json=event, headers={"X-Backend-Key": "fanzha-dev-backend-key"}
        ).status_code
        == 401
    )


def test_every_backend_key_of_the_ring_works_during_a_rotation(tmp_path: Path) -> None:
    old, new = generate_key(), generate_key()
    rotating = KeyRing("FANZHA_BACKEND_KEY", (("b2", new), ("b1", old)))
    with _app(tmp_path, backend_keys=rotating) as client:
        for key in (new, old):
            answer = client.post(
                "/v1/tokens", json={"customer_id": ME}, headers={"X-Backend-Key": key}
            )
            assert answer.status_code == 200
    done = KeyRing("FANZHA_BACKEND_KEY", (("b2", new),))
    with _app(tmp_path, backend_keys=done) as client:
        answer = client.post("/v1/tokens", json={"customer_id": ME}, headers={"X-Backend-Key": old})
        assert answer.status_code == 401


def test_minted_tokens_use_the_current_key_and_old_ones_verify_until_removed(
    env: Env, tmp_path: Path
) -> None:
    minted = env.client.post(
        "/v1/tokens", json={"customer_id": ME}, headers={"X-Backend-Key": BACKEND_KEY}
    ).json()["token"]
    old = mint_token(ME, ring("k1"), timedelta(hours=1), now=env.clock())
    for token in (minted, old):
        answer = env.client.get("/v1/feed", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
    # k1 removed from FANZHA_SECRET: its tokens stop working, the current key's do not.
    with _app(tmp_path, token_keys=ring("k2")) as client:
        assert client.get("/v1/feed", headers={"Authorization": f"Bearer {old}"}).status_code == 401
        assert (
            client.get("/v1/feed", headers={"Authorization": f"Bearer {minted}"}).status_code == 200
        )


def test_a_webhook_key_cannot_mint_or_verify_a_feed_token(env: Env) -> None:
    webhook = KeyRing("FANZHA_WEBHOOK_SECRET", (("k2", WEBHOOK_KEYS.keys[0][1]),))
    forged = mint_token(ME, webhook, timedelta(hours=1), now=env.clock())
    assert (
        env.client.get("/v1/feed", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    )
    assert _mint(env, WEBHOOK_KEYS.keys[0][1]) == 401
