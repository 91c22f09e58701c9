"""Security headers on every answer, /docs off unless asked, and ``Allow`` naming every method."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.delivery.feed_fixtures import T0, Env, add_feed_item, make_env, write_image

ME = "C000000001"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    yield from make_env(f"sqlite:///{tmp_path / 'fanzha.db'}", tmp_path)


def test_every_answer_carries_the_security_headers(env: Env) -> None:
    key = write_image(env.media_dir, (1, 2, 3))
    item = add_feed_item(env.engine, ME, 1, created_at=T0, image_key=key)
    me = env.auth(ME)
    answers = {
        "feed": env.client.get("/v1/feed", headers=me),
        "read": env.client.post(f"/v1/feed/{item}/read", headers=me),
        "prefs": env.client.get("/v1/preferences", headers=me),
        "401": env.client.get("/v1/feed"),
        "404": env.client.post("/v1/feed/nope/read", headers=me),
        "422": env.client.get("/v1/feed?limit=0", headers=me),
        "media": env.client.get(f"/v1/media/{key}"),
        "openapi": env.client.get("/openapi.json"),
        "health": env.client.get("/healthz"),
        "view": env.client.get("/app"),
        "static": env.client.get("/app/static/feed.js"),
    }
    for name, answer in answers.items():
        assert answer.headers["x-content-type-options"] == "nosniff", name
        assert answer.headers["referrer-policy"] == "no-referrer", name
        assert "content-security-policy" in answer.headers, name
    # Personal JSON is never cached; content-addressed images are, for a year.
    for name in ("feed", "read", "prefs", "401", "404", "422", "health"):
        assert answers[name].headers["cache-control"] == "no-store", name
    assert "immutable" in answers["media"].headers["cache-control"]
    # The HTML view's own policy: its script, styles and images, from itself only.
    view_csp = answers["view"].headers["content-security-policy"]
    assert "script-src 'self'" in view_csp and "unsafe" not in view_csp
    json_csp = answers["feed"].headers["content-security-policy"]
    assert json_csp == "default-src 'none'; frame-ancestors 'none'"


def test_docs_are_off_unless_asked_and_the_openapi_document_stays(env: Env, tmp_path: Path) -> None:
    assert env.client.get("/docs").status_code == 404
    assert env.client.get("/redoc").status_code == 404
    assert env.client.get("/openapi.json").status_code == 200
    docs = make_env(f"sqlite:///{tmp_path / 'docs.db'}", tmp_path, docs=True)
    with_docs = next(docs)
    try:
        page = with_docs.client.get("/docs")
        assert page.status_code == 200 and "swagger" in page.text.lower()
    finally:
        docs.close()


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/v1/preferences", {"GET", "PUT", "OPTIONS"}),
        ("/v1/feed", {"GET", "OPTIONS"}),
        ("/v1/tokens", {"POST", "OPTIONS"}),
    ],
)
def test_options_and_405_list_every_method_of_the_path(
    env: Env, path: str, methods: set[str]
) -> None:
    options = env.client.options(path)
    assert options.status_code == 204
    assert {m.strip() for m in options.headers["allow"].split(",")} == methods
    wrong = env.client.delete(path)
    assert wrong.status_code == 405
    assert {m.strip() for m in wrong.headers["allow"].split(",")} == methods
