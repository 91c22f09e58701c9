"""Risk checks through the API after `fanzha run`: the prompt for this customer, or why none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.campaigns import runner
from fanzha.campaigns.services import feed_app
from fanzha.campaigns.workspace import Workspace
from fanzha.delivery.api import mint_token, set_preferences
from fastapi.testclient import TestClient

from tests.campaigns.conftest import START
from tests.conftest import TEST_KEYS

KEY = {"X-Backend-Key": TEST_KEYS["FANZHA_BACKEND_KEY"]}
TRANSFER = {
    "kind": "transfer",
    "amount": 50000,
    "currency": "CNY",
    "payee_new": True,
    "payee_type": "personal",
    "payee_flagged": False,
    "screen_sharing": False,
    "on_call": False,
    "occurred_at": "2027-03-02T10:00:00+08:00",
}


def assignments(ws: Workspace) -> pd.DataFrame:
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT customer_id, segment, holdout, eligible FROM assignments")
        )
        return pd.DataFrame(rows.all(), columns=["customer_id", "segment", "holdout", "eligible"])


def pick(frame: pd.DataFrame, segment: str, holdout: bool) -> str:
    rows = frame[(frame["segment"] == segment) & (frame["holdout"].astype(bool) == holdout)]
    return str(rows["customer_id"].iloc[0])


@pytest.fixture
def ran(
    ws: Workspace, campaign_file: Path, customers_file: Path
) -> Iterator[tuple[TestClient, pd.DataFrame]]:
    runner.run_campaign(ws, campaign_file, customers_file, START)
    with TestClient(feed_app(ws)) as client:
        yield client, assignments(ws)


def token(ws: Workspace, customer: str) -> str:
    from datetime import timedelta

    return str(mint_token(customer, ws.keys().token, timedelta(hours=1)))


def check(client: TestClient, check_id: str, customer: str, **event: object) -> dict:
    response = client.post(
        "/v1/risk-check",
        json={"check_id": check_id, "customer_id": customer, **TRANSFER, **event},
        headers=KEY,
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.slow
def test_elderly_young_and_held_out_customers_get_their_own_decision(ran, ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    client, people = ran
    elderly, young = pick(people, "elderly", False), pick(people, "young_workers", False)
    held = pick(people, "elderly", True)
    old = check(client, "t-1", elderly)
    assert old["reason"] == "prompt" and old["holdout"] is False
    prompt = old["prompt"]
    assert (prompt["warning_id"], prompt["variant"], prompt["pause_seconds"]) == (
        "impersonating-authorities",
        "a",
        30,
    )
    assert prompt["large_text"] is True and len(prompt["questions"]) == 3
    assert [a["id"] for a in prompt["actions"]] == ["cancel", "call", "continue"]
    assert client.get(prompt["image_url"]).status_code == 200  # pre-rendered at run time
    # the whole comic, not only its first image: a strip's panel images in reading order
    assert prompt["display"] == "strip" and prompt["images"][0]["url"] == prompt["image_url"]
    assert len(prompt["images"]) > 2 and all(i["width"] == 1080 for i in prompt["images"])
    assert all(client.get(i["url"]).status_code == 200 for i in prompt["images"])
    yng = check(client, "t-2", young)
    assert (yng["prompt"]["warning_id"], yng["prompt"]["pause_seconds"]) == ("fake-investment", 15)
    sharing = check(client, "t-3", young, screen_sharing=True)
    assert sharing["prompt"]["warning_id"] == "fake-customer-service"  # first match wins
    out = check(client, "t-4", held)
    assert (out["reason"], out["holdout"], out["prompt"]) == ("holdout", True, None)
    small = check(client, "t-5", young, amount=100)
    assert (small["reason"], small["prompt"]) == ("no_match", None)
    set_preferences(
        ws.engine,
        young,
        push_opt_out=False,
        personalization_opt_out=False,
        all_opt_out=False,
        now=START,
        risk_prompts="off",
    )
    off = check(client, "t-6", young)
    assert (off["reason"], off["prompt"]) == ("opted_out", None)
    prefs = client.get("/v1/preferences", headers={"Authorization": "Bearer " + token(ws, young)})
    assert prefs.json()["risk_prompts"] == "off"


@pytest.mark.slow
def test_a_repeated_check_id_answers_the_same_and_outcomes_keep_the_latest(ran) -> None:  # type: ignore[no-untyped-def]
    client, people = ran
    elderly = pick(people, "elderly", False)
    first = check(client, "t-9", elderly)
    again = check(client, "t-9", elderly, amount=1)  # same id: the stored answer
    assert again == first
    url = "/v1/risk-check/t-9/outcome"
    assert (
        client.post(url, json={"action": "cancelled"}, headers=KEY).json()["action"] == "cancelled"
    )
    later = client.post(url, json={"transfer": "abandoned"}, headers=KEY).json()
    assert (later["action"], later["transfer"], later["fraud_reported"]) == (
        "cancelled",
        "abandoned",
        None,
    )
    last = client.post(url, json={"fraud_reported": True, "action": "called"}, headers=KEY).json()
    assert (last["action"], last["transfer"], last["fraud_reported"]) == (
        "called",
        "abandoned",
        True,
    )
    assert (
        client.post(
            "/v1/risk-check/nope/outcome", json={"action": "closed"}, headers=KEY
        ).status_code
        == 404
    )
    assert client.post(url, json={}, headers=KEY).status_code == 422
    assert client.post(url, json={"action": "cancelled"}).status_code == 401
