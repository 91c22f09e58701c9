"""Shared fixtures: database URLs for every backend the machine offers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_ENV = "FANZHA_TEST_PG"


def _test_keys() -> dict[str, str]:
    """A strong key for each of the three variables, new for every test session."""
    import secrets

    names = ("FANZHA_SECRET", "FANZHA_BACKEND_KEY", "FANZHA_WEBHOOK_SECRET")
    return {name: secrets.token_urlsafe(32) for name in names}


# The keys every test that needs them uses (in-process settings and child processes alike).
TEST_KEYS = _test_keys()
# A bank that does not exist, with a number no network assigns (copy never names a real one).
TEST_BANK = {"FANZHA_BANK_NAME": "示例银行", "FANZHA_BANK_NAME_EN": "Demo Bank"}
TEST_BANK["FANZHA_BANK_PHONE"] = "00000"


@pytest.fixture(autouse=True, scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Derived-data caches (fanzha._cache) go to the session's own folder, never the user's."""
    before = os.environ.get("FANZHA_CACHE_DIR")
    os.environ["FANZHA_CACHE_DIR"] = str(tmp_path_factory.mktemp("fanzha-cache"))
    yield
    if before is None:
        os.environ.pop("FANZHA_CACHE_DIR", None)
    else:
        os.environ["FANZHA_CACHE_DIR"] = before


def _pg_base() -> str | None:
    return os.environ.get(PG_ENV) or None


def _pg_schema_url(base: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = base.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def backend_url(backend: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh, empty database: SQLite in tmp_path, or a PostgreSQL schema (skips when unset)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fanzha.db'}"
        return
    base = _pg_base()
    if not base:
        pytest.skip(f"PostgreSQL not configured ({PG_ENV} unset)")
    yield from _pg_schema_url(base)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh, empty database on each backend (PostgreSQL only when FANZHA_TEST_PG is set)."""
    yield from backend_url(request.param, tmp_path)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema; skips when FANZHA_TEST_PG is unset."""
    base = _pg_base()
    if not base:
        pytest.skip(f"PostgreSQL not configured ({PG_ENV} unset)")
    yield from _pg_schema_url(base)


@pytest.hookimpl(trylast=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Tag a test that runs against PostgreSQL (a fixture of its, at any depth, is a
    PostgreSQL URL), so the JUnit report, and CI's count of backends, says which ran."""
    values = getattr(item, "funcargs", {}).values()
    if any(isinstance(v, str) and v.startswith("postgresql") for v in values):
        item.user_properties.append(("backend", "postgresql"))


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database backends this run covers."""
    base = _pg_base()
    return "fanzha backends: sqlite" + (", postgresql" if base else " (postgresql: not configured)")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say why tests were skipped, in words, at the end of the run."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons: dict[str, int] = {}
    for report in skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    if not reasons:
        return
    terminalreporter.section("why tests were skipped")
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{count:5d}  {reason}")
    if not _pg_base():
        terminalreporter.write_line(
            f"PostgreSQL tests did not run: {PG_ENV} is unset "
            f"(e.g. {PG_ENV}=postgresql://postgres@127.0.0.1:5432/test)"
        )
