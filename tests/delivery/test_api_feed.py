"""GET /v1/feed, read, dismiss, expiry and media, over SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fanzha.delivery.models import DeliveryEvent

from tests.delivery.feed_fixtures import (
    T0,
    TTL,
    Clock,
    Env,
    add_feed_item,
    make_env,
    write_comic,
    write_image,
)

ME, OTHER = "C000000001", "C000000002"


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from make_env(db_url, tmp_path)


def _all_pages(env: Env, customer: str, limit: int) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = env.client.get("/v1/feed", params=params, headers=env.auth(customer)).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_feed_is_newest_first_with_every_field(env: Env) -> None:
    key = write_image(env.media_dir, (200, 30, 40))
    add_feed_item(env.engine, ME, 1, created_at=T0 - timedelta(hours=2))
    add_feed_item(env.engine, ME, 2, created_at=T0 - timedelta(hours=1), image_key=key)
    page = env.client.get("/v1/feed", headers=env.auth(ME)).json()
    assert [i["title"] for i in page["items"]] == ["提醒 2", "提醒 1"]
    first = page["items"][0]
    assert first["image_url"] == f"/v1/media/{key}"
    assert first["alt_text"] == "四格漫画 2"
    assert first["warning_id"] == "fake-loan"
    assert first["read_at"] is None
    assert first["created_at"].startswith("2027-03-01T08:30:00")
    assert page["items"][1]["image_url"] is None
    assert page["unread"] == 2 and page["next_cursor"] is None


def test_a_strip_and_a_carousel_list_every_image_in_reading_order(env: Env) -> None:
    strip = write_comic(env.media_dir, "strip", [(1080, 560), (1080, 900), (1080, 300)])
    pages = write_comic(env.media_dir, "card", [(1080, 1350), (1080, 1350)])
    plain = write_image(env.media_dir, (20, 90, 160))  # no manifest beside it
    for n, key in enumerate([strip[0], pages[0], plain, ""]):
        add_feed_item(env.engine, ME, n, created_at=T0 - timedelta(hours=n + 1), image_key=key)
    items = env.client.get("/v1/feed", headers=env.auth(ME)).json()["items"]
    shown = [
        (i["display"], [img["url"].removeprefix("/v1/media/") for img in i["images"]])
        for i in items
    ]
    assert shown == [("strip", strip), ("carousel", pages), ("single", [plain]), (None, [])]
    assert items[0]["images"][1] == {
        "url": f"/v1/media/{strip[1]}",
        "width": 1080,
        "height": 900,
        "panels": [1],
    }
    assert items[2]["images"] == [
        {"url": f"/v1/media/{plain}", "width": None, "height": None, "panels": []}
    ]
    assert all(i["image_url"] == (i["images"][0]["url"] if i["images"] else None) for i in items)
    for item in items[:3]:  # every image listed is served
        for image in item["images"]:
            assert env.client.get(image["url"]).status_code == 200
    read = env.client.post(f"/v1/feed/{items[1]['id']}/read", headers=env.auth(ME)).json()
    assert read["display"] == "carousel" and read["images"] == items[1]["images"]


def test_a_render_s_manifest_is_read_once_and_a_missing_one_looked_for_again_later(
    env: Env,
) -> None:
    strip = write_comic(env.media_dir, "strip", [(1080, 560), (1080, 900), (1080, 300)])
    plain = write_image(env.media_dir, (20, 90, 160))
    for n, key in enumerate([strip[0], plain]):
        add_feed_item(env.engine, ME, n, created_at=T0 - timedelta(hours=n + 1), image_key=key)
    media = env.app.state.fanzha.media
    pages = [env.client.get("/v1/feed", headers=env.auth(ME)).json() for _ in range(3)]
    assert pages[0] == pages[1] == pages[2]
    assert media.reads == 2  # one look per render, not one per request
    # a manifest copied in after the image is found once the retry time has passed
    late = (env.media_dir / f"{strip[0]}.json").read_text().replace(strip[0], plain)
    (env.media_dir / f"{plain}.json").write_text(late, encoding="utf-8")
    assert env.client.get("/v1/feed", headers=env.auth(ME)).json() == pages[0]  # not yet
    media._missing.clear()  # half a minute later (the wait itself is not slept)
    items = env.client.get("/v1/feed", headers=env.auth(ME)).json()["items"]
    assert items[1]["display"] == "strip" and media.reads == 3


def test_a_manifest_naming_files_outside_the_media_keys_shows_the_one_image(env: Env) -> None:
    keys = write_comic(env.media_dir, "strip", [(1080, 560), (1080, 900)])
    manifest = env.media_dir / f"{keys[0]}.json"
    manifest.write_text(manifest.read_text().replace(keys[1], "../secret.png"), encoding="utf-8")
    add_feed_item(env.engine, ME, 1, created_at=T0 - timedelta(hours=1), image_key=keys[0])
    (item,) = env.client.get("/v1/feed", headers=env.auth(ME)).json()["items"]
    assert [i["url"] for i in item["images"]] == [f"/v1/media/{keys[0]}"]


def test_pages_cover_every_item_once_including_equal_timestamps(env: Env) -> None:
    # Many items share a creation time: the id breaks the tie so none is lost or repeated.
    for n in range(23):
        add_feed_item(env.engine, ME, n, created_at=T0 - timedelta(minutes=n // 4))
    items = _all_pages(env, ME, limit=5)
    ids = [i["id"] for i in items]
    assert len(ids) == 23 and len(set(ids)) == 23
    stamps = [i["created_at"] for i in items]
    assert stamps == sorted(stamps, reverse=True)


def test_pagination_stays_correct_while_new_items_arrive(env: Env) -> None:
    for n in range(10):
        add_feed_item(env.engine, ME, n, created_at=T0 - timedelta(minutes=10 - n))
    first = env.client.get("/v1/feed?limit=4", headers=env.auth(ME)).json()
    # Three new warnings arrive between the first and second page.
    env.clock.advance(timedelta(minutes=1))
    for n in range(100, 103):
        add_feed_item(env.engine, ME, n, created_at=env.clock() + timedelta(seconds=n - 100))
    seen = [i["id"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = env.client.get(
            "/v1/feed", params={"limit": 4, "cursor": cursor}, headers=env.auth(ME)
        ).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == 10 and len(set(seen)) == 10  # the old ten, no repeats, no skips
    fresh = env.client.get("/v1/feed?limit=3", headers=env.auth(ME)).json()
    assert [i["title"] for i in fresh["items"]] == ["提醒 102", "提醒 101", "提醒 100"]
    assert fresh["unread"] == 13


def test_unread_count_is_exact_beyond_the_page(env: Env) -> None:
    ids = [add_feed_item(env.engine, ME, n, created_at=T0 - timedelta(minutes=n)) for n in range(7)]
    env.client.post(f"/v1/feed/{ids[5]}/read", headers=env.auth(ME))
    env.client.post(f"/v1/feed/{ids[6]}/dismiss", headers=env.auth(ME))
    page = env.client.get("/v1/feed?limit=1", headers=env.auth(ME)).json()
    assert page["unread"] == 5
    assert len(page["items"]) == 1


def test_read_is_idempotent_and_keeps_the_first_time(env: Env) -> None:
    item = add_feed_item(env.engine, ME, 1, created_at=T0 - timedelta(hours=1))
    first = env.client.post(f"/v1/feed/{item}/read", headers=env.auth(ME))
    assert first.status_code == 200
    env.clock.advance(timedelta(hours=1))
    again = env.client.post(f"/v1/feed/{item}/read", headers=env.auth(ME))
    assert again.status_code == 200
    assert again.json()["read_at"] == first.json()["read_at"]
    assert first.json()["read_at"].startswith("2027-03-01T09:30:00")
    with env.engine.connect() as conn:
        kinds = conn.execute(sa.select(DeliveryEvent.__table__.c.kind)).scalars().all()
    assert kinds == ["read"]  # the funnel counts one read, not two


def test_dismissed_items_leave_the_feed_and_dismiss_is_idempotent(env: Env) -> None:
    keep = add_feed_item(env.engine, ME, 1, created_at=T0 - timedelta(hours=2))
    gone = add_feed_item(env.engine, ME, 2, created_at=T0 - timedelta(hours=1))
    assert env.client.post(f"/v1/feed/{gone}/dismiss", headers=env.auth(ME)).status_code == 200
    assert env.client.post(f"/v1/feed/{gone}/dismiss", headers=env.auth(ME)).status_code == 200
    page = env.client.get("/v1/feed", headers=env.auth(ME)).json()
    assert [i["id"] for i in page["items"]] == [keep]
    with env.engine.connect() as conn:
        kinds = conn.execute(sa.select(DeliveryEvent.__table__.c.kind)).scalars().all()
    assert kinds == ["dismissed"]


def test_items_expire_after_the_configured_time_and_at_their_own_expiry(env: Env) -> None:
    add_feed_item(env.engine, ME, 1, created_at=T0 - TTL + timedelta(hours=1))
    add_feed_item(
        env.engine, ME, 2, created_at=T0 - timedelta(hours=1), expires_at=T0 + timedelta(minutes=30)
    )
    add_feed_item(env.engine, ME, 3, created_at=T0 - timedelta(minutes=1))
    titles = lambda: [i["title"] for i in _all_pages(env, ME, limit=10)]  # noqa: E731
    assert titles() == ["提醒 3", "提醒 2", "提醒 1"]
    env.clock.advance(timedelta(minutes=45))
    assert titles() == ["提醒 3", "提醒 1"]
    env.clock.advance(timedelta(hours=1))
    assert titles() == ["提醒 3"]
    assert env.client.get("/v1/feed", headers=env.auth(ME)).json()["unread"] == 1


def test_a_customer_never_sees_another_customers_items(env: Env) -> None:
    mine = add_feed_item(env.engine, ME, 1, created_at=T0 - timedelta(hours=1))
    theirs = add_feed_item(env.engine, OTHER, 1, created_at=T0 - timedelta(hours=1))
    page = env.client.get("/v1/feed", headers=env.auth(ME)).json()
    assert [i["id"] for i in page["items"]] == [mine]
    for action in ("read", "dismiss"):
        answer = env.client.post(f"/v1/feed/{theirs}/{action}", headers=env.auth(ME))
        assert answer.status_code == 404
        assert answer.json() == {"detail": "not found"}
    # ... and the other customer's item is untouched.
    other = env.client.get("/v1/feed", headers=env.auth(OTHER)).json()
    assert other["items"][0]["read_at"] is None and other["unread"] == 1


def test_an_unknown_item_is_404(env: Env) -> None:
    assert env.client.post("/v1/feed/abc123/read", headers=env.auth(ME)).status_code == 404


def test_a_cursor_not_of_the_documented_form_is_422_not_a_crash(env: Env) -> None:
    answer = env.client.get("/v1/feed", params={"cursor": "bm9wZQ"}, headers=env.auth(ME))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "cursor"]


def test_media_is_served_with_etag_and_immutable_caching(env: Env) -> None:
    key = write_image(env.media_dir, (20, 90, 160))
    answer = env.client.get(f"/v1/media/{key}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.content == (env.media_dir / key).read_bytes()
    etag = answer.headers["etag"]
    again = env.client.get(f"/v1/media/{key}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    stale = env.client.get(f"/v1/media/{key}", headers={"If-None-Match": '"0000"'})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    "key",
    ["../fanzha.db", "..%2Ffanzha.db", "abcdef12.gif", "ABCDEF12.png", "abc.png", "0123abcd.png"],
)
def test_media_refuses_anything_but_existing_content_keys(env: Env, key: str) -> None:
    (env.media_dir.parent / "secret.png").write_bytes(b"secret")
    answer = env.client.get(f"/v1/media/{key}")
    assert answer.status_code == 404
    assert b"secret" not in answer.content


def test_healthz_and_openapi(env: Env) -> None:
    assert env.client.get("/healthz").json() == {"status": "ok"}
    spec = env.client.get("/openapi.json").json()
    assert {
        "/v1/feed",
        "/v1/feed/{item_id}/read",
        "/v1/feed/{item_id}/dismiss",
        "/v1/media/{key}",
        "/v1/preferences",
        "/v1/events",
        "/v1/tokens",
    } <= set(spec["paths"])
    assert "/v1/_ceiling" not in spec["paths"]
    assert env.client.get("/v1/_ceiling").status_code == 404


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"cursor": "a/b"}, {"page": 2}]
)
def test_bad_or_unknown_query_parameters_are_422(env: Env, params: dict) -> None:
    answer = env.client.get("/v1/feed", params=params, headers=env.auth(ME))
    assert answer.status_code == 422
    # The usual FastAPI validation shape, naming the offending parameter.
    assert [e["loc"] for e in answer.json()["detail"]] == [["query", next(iter(params))]]


def test_the_openapi_documents_the_feed_query(env: Env) -> None:
    feed = env.client.get("/openapi.json").json()["paths"]["/v1/feed"]["get"]
    names = {p["name"] for p in feed["parameters"]}
    assert names == {"limit", "cursor"}


def test_an_unreachable_store_is_503_not_500(tmp_path: Path) -> None:
    from fanzha.delivery.api import create_app
    from fanzha.delivery.store import open_engine
    from fastapi.testclient import TestClient

    from tests.delivery.feed_fixtures import BACKEND_KEYS, TOKEN_KEYS, WEBHOOK_KEYS

    engine = open_engine("postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=2")
    clock = Clock()
    app = create_app(
        engine,
        token_keys=TOKEN_KEYS,
        backend_keys=BACKEND_KEYS,
        webhook_keys=WEBHOOK_KEYS,
        media_dir=tmp_path,
        feed_ttl=TTL,
        clock=clock,
    )
    with TestClient(app) as client:
        env = Env(engine, app, client, clock, tmp_path)
        answer = client.get("/v1/feed", headers=env.auth(ME))
        assert answer.status_code == 503
        assert answer.json() == {"detail": "store unavailable"}
        assert client.get("/healthz").status_code == 503
