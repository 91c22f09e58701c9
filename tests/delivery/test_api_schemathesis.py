"""Schemathesis against the live app (real HTTP): no 500 and no schema violation anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.errors import Unsatisfiable

from tests.conftest import _pg_base, _pg_schema_url
from tests.delivery.feed_fixtures import (
    BACKEND_KEY,
    T0,
    Env,
    add_feed_item,
    live_server,
    make_env,
    write_image,
)

pytestmark = pytest.mark.slow  # every operation, generated requests

schemathesis = pytest.importorskip("schemathesis")

ME = "C000000001"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Env, str]]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp / 'fanzha.db'}"])
    else:
        # PostgreSQL is where the feed takes its async fast path: fuzz that too.
        base = _pg_base()
        if not base:
            pytest.skip("PostgreSQL not configured (FANZHA_TEST_PG unset)")
        urls = _pg_schema_url(base)
    for url in urls:
        for env in make_env(url, tmp):
            key = write_image(env.media_dir, (10, 120, 200), "card")
            for n in range(5):
                add_feed_item(
                    env.engine, ME, n, created_at=T0 - timedelta(minutes=n), image_key=key
                )
            env.auth(ME)
            with live_server(env.app) as base_url:
                yield env, base_url


@pytest.fixture(scope="module")
def api_schema(live: tuple[Env, str]):  # type: ignore[no-untyped-def]
    _env, base = live
    return schemathesis.openapi.from_url(f"{base}/openapi.json")


def _fuzz(operation, mode, base: str, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Run one operation's generated cases through every Schemathesis check."""
    from hypothesis import given
    from schemathesis.checks import positive_data_acceptance

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case) -> None:  # type: ignore[no-untyped-def]
        # Our valid credentials replace the random ones Schemathesis makes up for the security
        # schemes (else nearly every case stops at 401; test_api_security covers auth). A
        # credential a negative case left out on purpose stays out.
        sent = dict(case.headers or {})
        if mode.name == "POSITIVE":
            sent |= headers
        else:
            sent = {k: headers.get(k, v) for k, v in sent.items()}
        excluded = []
        if (case.query or {}).get("cursor"):
            # A cursor is opaque: a made-up one fits the schema's pattern yet names no page,
            # and the API rightly answers 400. Every other check still runs on these cases.
            excluded.append(positive_data_acceptance)
        case.call_and_validate(base_url=base, headers=sent, excluded_checks=excluded)

    run()


# The schemathesis pytest plugin does not run under pytest 9, so operations are driven here.
@pytest.mark.parametrize("mode_name", ["POSITIVE", "NEGATIVE"])
def test_every_operation_conforms(api_schema, live: tuple[Env, str], mode_name: str) -> None:  # type: ignore[no-untyped-def]
    from schemathesis import GenerationMode

    env, base = live
    headers = {"Authorization": f"Bearer {env.tokens[ME]}", "X-Backend-Key": BACKEND_KEY}
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _fuzz(operation, GenerationMode[mode_name], base, headers)
        except Unsatisfiable:
            # Nothing to negate (no parameters, or an unconstrained string such as a media key).
            assert mode_name == "NEGATIVE", operation.label
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # every operation runs; all failures are reported together
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 8
    assert failures == [], "\n\n".join(failures)
    # The app is still healthy after the fuzzing.
    assert env.client.get("/healthz").status_code == 200


def test_the_schema_lists_every_route(api_schema) -> None:  # type: ignore[no-untyped-def]
    labels = {r.ok().label for r in api_schema.get_all_operations()}
    assert {
        "GET /v1/feed",
        "POST /v1/events",
        "PUT /v1/preferences",
        "GET /v1/media/{key}",
    } <= labels
