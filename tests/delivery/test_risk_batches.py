"""Risk checks on PostgreSQL are stored together, each answered only once its row is stored."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fanzha.delivery.api import set_preferences
from fanzha.delivery.api.risk_pg import RiskWriter
from fanzha.delivery.risk_index import prompt_id_for
from fanzha.delivery.risk_live import LiveRiskIndex

from tests.delivery.feed_fixtures import BACKEND_KEY, T0, make_env
from tests.delivery.risk_fixtures import seed_risk_ruleset

KEY = {"X-Backend-Key": BACKEND_KEY}
BODY = {"customer_id": "C000000001", "kind": "transfer", "amount": 9000.0}


def _index(url: str) -> LiveRiskIndex:
    def compile(text: str):  # type: ignore[no-untyped-def]
        return lambda record, _as_of: record.get("kind") == "transfer"

    return LiveRiskIndex(sa.create_engine(url), compile, lambda *_: False)


def _post_together(app: Any, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """Every body posted at once, over one event loop (as a server process receives them)."""

    async def main() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            posts = [client.post("/v1/risk-check", json=b, headers=KEY) for b in bodies]
            return list(await asyncio.gather(*posts))

    return asyncio.run(main())


def _stored(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT check_id, reason FROM risk_checks"))
        return {str(r[0]): str(r[1]) for r in rows}


def _opt_out(engine: sa.Engine, customer_id: str) -> None:
    set_preferences(
        engine,
        customer_id,
        push_opt_out=False,
        personalization_opt_out=False,
        all_opt_out=False,
        now=T0,
        risk_prompts="off",
    )


@pytest.mark.parametrize("driver", ["asyncpg", "psycopg"])
def test_checks_in_flight_are_stored_in_one_statement(
    pg_url: str, tmp_path: Path, driver: str
) -> None:
    for env in make_env(pg_url, tmp_path, risk_index=_index(pg_url)):
        seed_risk_ruleset(env.engine, "k.webp")
        state = env.app.state.fanzha
        assert state.risk.refresh() is True
        object.__setattr__(state, "risk_writer", RiskWriter(env.engine, driver=driver))
        _opt_out(env.engine, "C000000003")
        bodies = [{**BODY, "check_id": f"b-{i}"} for i in range(20)]
        bodies += [{**BODY, "check_id": "b-off", "customer_id": "C000000003"}]
        bodies += [{**BODY, "check_id": "b-0", "amount": 1.0}]  # the same id, in flight
        answers = _post_together(env.app, bodies)
        assert [a.status_code for a in answers] == [200] * 22
        reasons = [a.json()["reason"] for a in answers]
        assert reasons == ["prompt"] * 20 + ["opted_out", "prompt"]
        assert answers[-1].json() == answers[0].json()  # one check, one answer
        writer = state.risk_writer
        assert writer.fast_path_served == 22
        # The path taken: 21 checks stored, in fewer statements than checks.
        assert writer.checks == 21 and writer.batches < 21 and writer.largest > 1
        assert _stored(env.engine) == {
            **{f"b-{i}": "prompt" for i in range(20)},
            "b-off": "opted_out",
        }


def test_a_repeated_check_answers_as_stored_after_a_restart(pg_url: str, tmp_path: Path) -> None:
    first: dict[str, Any] = {}
    for env in make_env(pg_url, tmp_path, risk_index=_index(pg_url)):
        seed_risk_ruleset(env.engine, "k.webp")
        assert env.app.state.fanzha.risk.refresh() is True
        first = env.client.post(
            "/v1/risk-check", json={**BODY, "check_id": "r-1"}, headers=KEY
        ).json()
        assert first["reason"] == "prompt"
        _opt_out(env.engine, "C000000001")  # would change a new decision, not a stored one
    for env in make_env(pg_url, tmp_path, risk_index=_index(pg_url)):  # a new server process
        state = env.app.state.fanzha
        again = env.client.post("/v1/risk-check", json={**BODY, "check_id": "r-1"}, headers=KEY)
        new = env.client.post("/v1/risk-check", json={**BODY, "check_id": "r-2"}, headers=KEY)
        assert again.json() == first
        assert new.json()["reason"] == "opted_out"
        assert state.risk_writer.fast_path_served == 2


def test_a_check_the_store_refuses_fails_alone(pg_url: str, tmp_path: Path) -> None:
    for env in make_env(pg_url, tmp_path, risk_index=_index(pg_url)):
        seed_risk_ruleset(env.engine, "k.webp")
        state = env.app.state.fanzha
        assert state.risk.refresh() is True
        # A stored check already holds the prompt id "bad" would get: its insert is refused.
        env.client.post("/v1/risk-check", json={**BODY, "check_id": "other"}, headers=KEY)
        with env.engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE risk_checks SET prompt_id = :p WHERE check_id = 'other'"),
                {"p": prompt_id_for("bad")},
            )
        bodies = [{**BODY, "check_id": c} for c in ("good-1", "bad", "good-2", "good-3")]
        answers = _post_together(env.app, bodies)
        assert [a.status_code for a in answers] == [200, 503, 200, 200]
        assert answers[1].json() == {"detail": "store unavailable"}
        assert set(_stored(env.engine)) == {"other", "good-1", "good-2", "good-3"}


def test_a_statement_held_up_by_a_lock_answers_503_and_frees_the_queue(
    pg_url: str, tmp_path: Path
) -> None:
    for env in make_env(pg_url, tmp_path, risk_index=_index(pg_url)):
        seed_risk_ruleset(env.engine, "k.webp")
        assert env.app.state.fanzha.risk.refresh() is True
        with env.engine.connect() as blocker:  # a transaction holding "held"'s key, not ending
            blocker.execute(
                sa.text(
                    "INSERT INTO risk_checks (check_id, customer_id, campaign_id, version, kind,"
                    " decided_at, reason, rule, warning_id, variant, segment, holdout, response,"
                    " would_be, updated_at) VALUES ('held', 'C000000001', 'c1', 'v1', 'transfer',"
                    " now(), 'prompt', '', '', '', '', false, '{}', '', now())"
                )
            )
            started = time.monotonic()
            held = env.client.post("/v1/risk-check", json={**BODY, "check_id": "held"}, headers=KEY)
            assert held.status_code == 503 and held.json() == {"detail": "store unavailable"}
            assert time.monotonic() - started < 5  # cancelled, not a hang
            blocker.rollback()
        after = env.client.post("/v1/risk-check", json={**BODY, "check_id": "next"}, headers=KEY)
        assert after.status_code == 200 and after.json()["reason"] == "prompt"


def test_a_batched_check_is_stored_with_every_column(pg_url: str, tmp_path: Path) -> None:
    for env in make_env(pg_url, tmp_path, risk_index=_index(pg_url)):
        seed_risk_ruleset(env.engine, "k.webp")
        assert env.app.state.fanzha.risk.refresh() is True
        body = {**BODY, "check_id": "cols-1", "occurred_at": "2027-03-02T10:00:00+08:00"}
        answer = env.client.post("/v1/risk-check", json=body, headers=KEY).json()
        with env.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT * FROM risk_checks")).mappings().one()
        assert row["occurred_at"] == datetime(2027, 3, 2, 2, 0, tzinfo=UTC)
        assert row["decided_at"] == T0 and row["updated_at"] == T0
        assert (row["amount"], row["kind"], row["campaign_id"], row["version"]) == (
            9000.0,
            "transfer",
            "c1",
            "v1",
        )
        assert (row["rule_index"], row["segment"], row["holdout"]) == (1, "elderly", False)
        assert row["prompt_id"] == prompt_id_for("cols-1") == answer["prompt"]["prompt_id"]
        # the record keeps the prompt; the answer adds its comic's images from the manifest
        shown = {k: v for k, v in answer["prompt"].items() if k not in ("display", "images")}
        assert json.loads(row["would_be"]) == shown
        assert json.loads(row["response"]) == answer and row["reason"] == "prompt"
