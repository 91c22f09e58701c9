"""``fanzha dispatch``: feed-only without a gateway, and one bad message never fails the run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from fanzha.campaigns.cli import cli
from fanzha.delivery import FakeGateway, enqueue

from tests.conftest import TEST_KEYS
from tests.delivery.helpers import T0, messages, states, store

NOW = T0.isoformat()


def invoke(db: Path, *args: str, **env: str | None) -> object:
    environment = {**TEST_KEYS, "FANZHA_DB": f"sqlite:///{db}", "FANZHA_GATEWAY_URL": None, **env}
    return CliRunner().invoke(cli, ["dispatch", *args], env=environment)


def test_feed_only_dispatch_needs_no_gateway(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    engine = store(f"sqlite:///{db}")
    enqueue(engine, messages(4, channel="feed"), now=T0)
    result = invoke(db, "--once", "--now", NOW)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "delivered 4" in result.stdout  # type: ignore[attr-defined]
    assert result.stderr == ""  # type: ignore[attr-defined]  # nothing waits, nothing to say
    assert states(engine) == {"delivered": 4}


def test_pushes_without_a_gateway_wait_with_a_one_line_warning(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    engine = store(f"sqlite:///{db}")
    enqueue(engine, pd.concat([messages(2), messages(2, channel="feed")]), now=T0)
    result = invoke(db, "--until-idle", "--now", NOW, "--interval", "0.05")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "delivered 2" in result.stdout  # type: ignore[attr-defined]
    warning = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert warning == [
        "warning: 2 push messages wait: no push gateway is configured (set FANZHA_GATEWAY_URL)"
    ]
    assert states(engine) == {"delivered": 2, "pending": 2}


def test_a_message_with_a_mistyped_zone_does_not_fail_dispatch(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    engine = store(f"sqlite:///{db}")
    quiet = {"quiet_hours": "21:30-08:00"}
    enqueue(
        engine,
        pd.concat([messages(3, **quiet), messages(1, start=3, timezone="Asia/Shangai", **quiet)]),
        now=T0,
    )
    with FakeGateway() as gateway:
        result = invoke(db, "--once", "--now", NOW, FANZHA_GATEWAY_URL=gateway.url)
        accepted = gateway.accepted_ids()
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "dead 1" in result.stdout and "delivered 3" in result.stdout  # type: ignore[attr-defined]
    assert len(accepted) == 3
    assert states(engine) == {"delivered": 3, "dead": 1}
