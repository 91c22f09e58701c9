"""The driver-only customer check answers as the SQLAlchemy one does, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from fanzha.delivery.api import customer_known
from fanzha.delivery.direct import NoTables
from fanzha.delivery.direct import customer_known as known_direct

from tests.delivery.feed_fixtures import make_env, seed_three_customers


def test_the_driver_check_agrees_with_the_engine_check(db_url: str, tmp_path: Path) -> None:
    for env in make_env(db_url, tmp_path):
        engine = env.engine
        assert known_direct(db_url, "C000000001") is False
        seed_three_customers(engine)
        for cid in ("C000000001", "C000000002", "C000000003", "C000000004", "", "c000000001"):
            assert known_direct(db_url, cid) is customer_known(engine, cid), cid


def test_no_store_is_said_and_never_created(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    with pytest.raises(NoTables):
        known_direct(f"sqlite:///{missing}", "C1")
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    sa.create_engine(f"sqlite:///{empty}").connect().close()  # a file without tables
    with pytest.raises(NoTables):
        known_direct(f"sqlite:///{empty}", "C1")


def test_other_urls_are_left_to_sqlalchemy() -> None:
    assert known_direct("sqlite://", "C1") is None  # in memory: nothing a driver can open
    assert known_direct("mysql://u@h/db", "C1") is None
