"""Fixtures for pipeline tests: generated customers, a workspace on each backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fanzha.campaigns.demo import example_campaign
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import Workspace
from fanzha.delivery.keys import generate_key

START = datetime(2027, 3, 1, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="session")
def customers_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fanzha.segments import generate_customers, write_customers

    path = tmp_path_factory.mktemp("customers") / "customers.parquet"
    write_customers(generate_customers(3000, seed=11), path)
    return path


@pytest.fixture
def campaign_file(tmp_path: Path) -> Path:
    path = tmp_path / "campaign.yaml"
    path.write_text(example_campaign().read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Shared across tests: renders are content-addressed, so a warm cache is safe to reuse.
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def ws(db_url: str, media_dir: Path) -> Workspace:
    settings = replace(
        Settings(),
        db_url=db_url,
        media_dir=media_dir,
        horizon=timedelta(days=7),
        render_processes=1,
        # The three keys, as a bank sets them (no key has a default).
        secret=generate_key(),
        backend_key=generate_key(),
        webhook_secret=generate_key(),
    )
    return Workspace(settings)
