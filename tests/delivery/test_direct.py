"""The driver-only customer check answers as the SQLAlchemy one does, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from fanzha.delivery.api import customer_known
from fanzha.delivery.direct import NoTables
from fanzha.delivery.direct import customer_known as known_direct
from fanzha.delivery.models import Assignment, CampaignVersion

from tests.delivery.feed_fixtures import T0, add_feed_item, add_message, make_env


def test_the_driver_check_agrees_with_the_engine_check(db_url: str, tmp_path: Path) -> None:
    for env in make_env(db_url, tmp_path):
        engine = env.engine
        assert known_direct(db_url, "C000000001") is False
        with engine.begin() as conn:
            conn.execute(
                sa.insert(CampaignVersion.__table__).values(
                    campaign_id="spring-2027",
                    version="v1",
                    name="春季",
                    source="",
                    created_at=T0,
                    active=True,
                )
            )
            conn.execute(
                sa.insert(Assignment.__table__).values(
                    campaign_id="spring-2027",
                    customer_id="C000000001",
                    version="v1",
                    segment="elderly",
                    holdout=False,
                    eligible=True,
                    reason="",
                    locale="zh-CN",
                    timezone="Asia/Shanghai",
                )
            )
        add_message(engine, "C000000002", "w1", "push")
        add_feed_item(engine, "C000000003", 1, created_at=T0)
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
