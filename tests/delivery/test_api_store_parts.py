"""The API's parts of the store: the unread index by migration, known customers, one item shape."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from fanzha.delivery.api import customer_known
from fanzha.delivery.api.feed_json import item_json
from fanzha.delivery.api.schemas import FeedItemOut, FeedPageOut
from fanzha.delivery.migrate import downgrade, schema_drift, upgrade
from fanzha.delivery.store import open_engine

from tests.delivery.feed_fixtures import T0, add_feed_item, make_env, seed_three_customers


def _indexes(engine: sa.Engine) -> set[str]:
    return {ix["name"] for ix in sa.inspect(engine).get_indexes("feed_items")}


def test_the_unread_index_comes_from_migration_0002(db_url: str) -> None:
    engine = open_engine(db_url)
    upgrade(engine, "0001")
    assert "ix_feed_unread_cover" not in _indexes(engine)
    upgrade(engine)
    assert "ix_feed_unread_cover" in _indexes(engine)
    assert schema_drift(engine) == []
    downgrade(engine, "0001")
    assert "ix_feed_unread_cover" not in _indexes(engine)


def test_a_store_whose_index_the_old_app_made_upgrades_cleanly(db_url: str) -> None:
    engine = open_engine(db_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:  # what create_app used to run at start-up
        conn.execute(
            sa.text(
                "CREATE INDEX IF NOT EXISTS ix_feed_unread_cover"
                " ON feed_items (customer_id, created_at, expires_at)"
                " WHERE read_at IS NULL AND dismissed_at IS NULL AND recalled_at IS NULL"
            )
        )
    upgrade(engine)
    assert "ix_feed_unread_cover" in _indexes(engine)


def test_customer_known_looks_at_assignments_messages_and_feed_items(db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for env in make_env(db_url, tmp_path):
        engine = env.engine
        assert not customer_known(engine, "C000000001")
        seed_three_customers(engine)
        for known in ("C000000001", "C000000002", "C000000003"):
            assert customer_known(engine, known), known
        for unknown in ("C000000004", "C0000/../x", "", "c000000001"):
            assert not customer_known(engine, unknown), unknown


def test_the_item_json_is_the_documented_shape(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for env in make_env(f"sqlite:///{tmp_path / 'f.db'}", tmp_path):
        add_feed_item(env.engine, "C000000001", 1, created_at=T0, image_key="ab12cd34.png")
        add_feed_item(env.engine, "C000000001", 2, created_at=T0 - timedelta(hours=1))
        page = env.client.get("/v1/feed?limit=1", headers=env.auth("C000000001")).json()
        strict = FeedPageOut.model_validate(page)  # the OpenAPI schema, as pydantic holds it
        item = page["items"][0]
        assert list(item) == list(FeedItemOut.model_fields)
        assert item["image_url"] == "/v1/media/ab12cd34.png"
        assert strict.next_cursor == page["next_cursor"]
        read = env.client.post(f"/v1/feed/{item['id']}/read", headers=env.auth("C000000001")).json()
        assert list(read) == list(item) and read["read_at"] == "2027-03-01T09:30:00Z"
    entry = ("i", "t", "b", "", "a", "w", T0, None)
    assert item_json(entry)["image_url"] is None


def test_feed_pages_read_covered_and_oversize_items_in_order(db_url: str) -> None:
    """Items too big for the covering index (a long alt text) still page in their place."""
    from fanzha.delivery.api import list_feed

    engine = open_engine(db_url)
    upgrade(engine)
    long_body = "骗子冒充客服，要求您开启屏幕共享。" * 100  # 5.1 kB of UTF-8: past a btree entry
    for n in range(7):
        add_feed_item(
            engine,
            "C000000001",
            n,
            created_at=T0 + timedelta(minutes=n),
            body=long_body if n in (2, 5) else None,
        )
    seen, cursor = [], None
    for _ in range(4):
        page = list_feed(
            engine,
            "C000000001",
            now=T0 + timedelta(hours=1),
            ttl=timedelta(days=30),
            limit=2,
            cursor=cursor,
        )
        seen += [item.body == long_body for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [False, True, False, False, True, False, False]  # newest first
    if engine.dialect.name == "postgresql":
        names = _indexes(engine)
        assert {"ix_feed_page_cover", "ix_feed_page_oversize"} <= names
        with engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan TO off")  # 7 rows: make the plan the real one
            rows = conn.exec_driver_sql("EXPLAIN " + _page_sql(engine), _page_args())
            plan = "\n".join(r[0] for r in rows)
        assert "Index Only Scan Backward using ix_feed_page_cover" in plan, plan


def _page_sql(engine: sa.Engine) -> str:
    from fanzha.delivery.api.page import driver_sql

    return driver_sql(engine.dialect, False)


def _page_args() -> dict[str, object]:
    from fanzha.delivery.api.page import page_params

    return page_params(
        "C000000001", now=T0 + timedelta(hours=1), ttl=timedelta(days=30), limit=20, cursor=None
    )
