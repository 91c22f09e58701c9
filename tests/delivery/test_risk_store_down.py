"""A store outage answers the bank's app a fast 503 (it goes on without a prompt), never a 500."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fanzha.delivery.risk_live import LiveRiskIndex

from tests.delivery.feed_fixtures import BACKEND_KEY, Env, make_env
from tests.delivery.risk_fixtures import seed_risk_ruleset

BODY = {"check_id": "down-1", "customer_id": "C000000001", "kind": "transfer", "amount": 9000}


def _index(url: str) -> LiveRiskIndex:
    def compile(text: str):  # type: ignore[no-untyped-def]
        return lambda record, _as_of: record.get("kind") == "transfer"

    return LiveRiskIndex(sa.create_engine(url), compile, lambda *_: False)


@pytest.fixture(params=["sqlite", "postgres"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fanzha.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    yield from make_env(url, tmp_path, risk_index=_index(url))


def test_a_check_answers_503_quickly_when_the_store_is_gone(env: Env) -> None:
    seed_risk_ruleset(env.engine, "k.webp")
    state = env.app.state.fanzha
    assert state.risk.refresh() is True
    if state.risk_writer is not None:  # PostgreSQL: the async writer cannot reach its server
        state.risk_writer._url = "postgresql://postgres@127.0.0.1:1/gone"
    else:  # SQLite: answers, then the file is gone (the engine reopens an empty one)
        ok = env.client.post("/v1/risk-check", json=BODY, headers={"X-Backend-Key": BACKEND_KEY})
        assert ok.status_code == 200 and ok.json()["reason"] == "prompt"
        env.engine.dispose()
        state.engine.dispose()
        Path(env.engine.url.database).unlink()  # type: ignore[arg-type]
    started = time.monotonic()
    down = env.client.post(
        "/v1/risk-check",
        json={**BODY, "check_id": "down-2"},
        headers={"X-Backend-Key": BACKEND_KEY},
    )
    assert down.status_code == 503
    assert down.json() == {"detail": "store unavailable"}
    assert time.monotonic() - started < 5  # not a hang: the app's deadline is far shorter


def test_without_an_index_risk_checks_answer_503(tmp_path: Path) -> None:
    for env in make_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path):
        answer = env.client.post(
            "/v1/risk-check", json=BODY, headers={"X-Backend-Key": BACKEND_KEY}
        )
        assert answer.status_code == 503


def test_postgres_checks_take_the_fast_path_and_keep_the_route_contract(
    pg_url: str, tmp_path: Path
) -> None:
    from fanzha.delivery.api import set_preferences

    from tests.delivery.feed_fixtures import T0

    for env in make_env(pg_url, tmp_path, risk_index=_index(pg_url)):
        seed_risk_ruleset(env.engine, "k.webp")
        state = env.app.state.fanzha
        assert state.risk.refresh() is True
        key = {"X-Backend-Key": BACKEND_KEY}
        first = env.client.post("/v1/risk-check", json=BODY, headers=key)
        again = env.client.post("/v1/risk-check", json={**BODY, "amount": 1}, headers=key)
        assert first.status_code == 200 and first.json()["reason"] == "prompt"
        assert again.json() == first.json()  # the stored answer of that check_id
        assert state.risk_writer.fast_path_served == 2
        # What the fast path does not answer, the route does, with its own statuses.
        bad = env.client.post("/v1/risk-check", json={**BODY, "amount": "9000"}, headers=key)
        assert bad.status_code == 422
        assert env.client.post("/v1/risk-check", json=BODY).status_code == 401
        assert state.risk_writer.fast_path_served == 2
        # The preference is read in the same statement that stores the check.
        set_preferences(
            env.engine,
            "C000000001",
            push_opt_out=False,
            personalization_opt_out=False,
            all_opt_out=False,
            now=T0,
            risk_prompts="off",
        )
        off = env.client.post("/v1/risk-check", json={**BODY, "check_id": "off-1"}, headers=key)
        assert (off.json()["reason"], off.json()["prompt"]) == ("opted_out", None)
        held = {**BODY, "check_id": "held-1", "customer_id": "C000000002"}
        out = env.client.post("/v1/risk-check", json=held, headers=key).json()
        assert (out["reason"], out["holdout"], out["prompt"]) == ("holdout", True, None)
