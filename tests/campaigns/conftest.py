"""Fixtures for pipeline tests: generated customers, a workspace on each backend."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fanzha.campaigns.demo import example_campaign
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.store import upgrade_store
from fanzha.campaigns.workspace import Workspace

from tests.conftest import TEST_BANK, TEST_KEYS

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


def make_settings(**values: object) -> Settings:
    """Settings with the tests' keys and fictional bank, plus ``values`` by field name."""
    return Settings.from_env(**TEST_KEYS, **TEST_BANK).replace(**values)


@pytest.fixture
def ws(db_url: str, media_dir: Path) -> Workspace:
    """A workspace on a fresh store (upgraded, as `fanzha db upgrade` would)."""
    settings = make_settings(
        db_url=db_url, media_dir=media_dir, horizon=timedelta(days=7), render_processes=1
    )
    upgrade_store(settings)
    return Workspace(settings)
