"""The store's schema is created and upgraded by Alembic migrations on both backends."""

from __future__ import annotations

import sqlalchemy as sa
from fanzha.delivery import current_revision, init_db, open_engine, upgrade
from fanzha.delivery.migrate import MIGRATIONS, downgrade, schema_drift


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return str(ScriptDirectory.from_config(config).get_current_head())


def test_upgrade_from_empty_matches_the_models(db_url: str) -> None:
    engine = open_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == _head()
    assert schema_drift(engine) == []
    names = set(sa.inspect(engine).get_table_names())
    assert {"messages", "feed_items", "delivery_events", "preferences", "suppressions"} <= names


def test_init_db_twice_is_harmless_and_downgrade_empties(db_url: str) -> None:
    engine = open_engine(db_url)
    init_db(engine)
    init_db(engine)
    assert current_revision(engine) == _head()
    downgrade(engine, "base")
    assert "messages" not in sa.inspect(engine).get_table_names()
    upgrade(engine)
    assert "messages" in sa.inspect(engine).get_table_names()
