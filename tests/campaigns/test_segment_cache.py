"""`fanzha segment` served from the cache answers as a fresh check would, input for input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from fanzha.campaigns.cli import cli
from fanzha.campaigns.demo import example_campaign
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.settings_cache import store_and_schema
from fanzha.segments import generate_customers, write_customers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_BANK


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    path = tmp_path / "c.parquet"
    write_customers(generate_customers(300, seed=3), path)
    return path


def segment(campaign: Path, customers: Path, out: Path, env: dict[str, str], *first: str) -> Result:
    """``fanzha [first…] segment``: ``first`` are the group's options (``--db``)."""
    args = [*first, "segment", str(campaign), "--customers", str(customers), "--out", str(out)]
    return CliRunner().invoke(cli, [*args, "--as-of", "2027-03-01"], env={**TEST_BANK, **env})


def test_an_edited_campaign_is_checked_again(
    tmp_path: Path, customers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path / "cache"))
    env = {"FANZHA_DB": f"sqlite:///{tmp_path / 'none.db'}"}
    campaign = tmp_path / "spring.yaml"
    good = example_campaign().read_text(encoding="utf-8")
    campaign.write_text(good, encoding="utf-8")
    assert segment(campaign, customers, tmp_path / "a.csv", env).exit_code == 0
    campaign.write_text(good.replace("age >= 55", "age >= 55 and shoe_size > 3"), "utf-8")
    for _ in range(2):  # a file with problems is never remembered as checked
        broken = segment(campaign, customers, tmp_path / "b.csv", env)
        assert broken.exit_code == 1 and "shoe_size" in broken.output
    campaign.write_text(good, encoding="utf-8")
    assert segment(campaign, customers, tmp_path / "c.csv", env).exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()


def test_a_bad_variable_is_reported_after_a_cached_run(
    tmp_path: Path, customers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path / "cache"))
    env = {"FANZHA_DB": f"sqlite:///{tmp_path / 'none.db'}"}
    assert segment(example_campaign(), customers, tmp_path / "a.csv", env).exit_code == 0
    for _ in range(2):
        bad = segment(
            example_campaign(), customers, tmp_path / "b.csv", {**env, "FANZHA_GATEWAY_BATCH": "0"}
        )
        assert bad.exit_code == 1 and "FANZHA_GATEWAY_BATCH" in bad.output


def test_a_store_named_later_is_read_for_its_opt_outs(
    tmp_path: Path, customers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fanzha.delivery import open_engine, upgrade
    from fanzha.delivery.preferences import set_preferences

    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path / "cache"))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    first = segment(example_campaign(), customers, tmp_path / "a.csv", {"FANZHA_DB": url})
    assert first.exit_code == 0  # no store yet: nobody has opted out
    engine = open_engine(url)
    upgrade(engine)
    someone = str(pd.read_csv(tmp_path / "a.csv")["customer_id"].iloc[0])
    now = datetime(2027, 2, 1, tzinfo=UTC)
    opted = {"push_opt_out": False, "personalization_opt_out": False, "all_opt_out": True}
    set_preferences(engine, someone, now=now, **opted)
    engine.dispose()
    for name in ("a", "b"):  # the same environment: served from the cache the second time
        assert (
            segment(
                example_campaign(), customers, tmp_path / f"o{name}.csv", {"FANZHA_DB": url}
            ).exit_code
            == 0
        )
        out = pd.read_csv(tmp_path / f"o{name}.csv").set_index("customer_id")
        assert out.loc[someone, "reason"] == "opted_out"
    elsewhere = {"FANZHA_DB": f"sqlite:///{tmp_path / 'none.db'}"}
    by_option = segment(example_campaign(), customers, tmp_path / "d.csv", elsewhere, "--db", url)
    assert by_option.exit_code == 0
    assert (
        pd.read_csv(tmp_path / "d.csv").set_index("customer_id").loc[someone, "reason"]
        == "opted_out"
    )


# Names in any case (pydantic-settings ignores it), secrets beside them, the two values set or not.
VARIABLE = st.sampled_from(["FANZHA_DB", "fanzha_db", "FANZHA_SCHEMA", "Fanzha_Schema"])
VALUE = st.sampled_from(["sqlite:///a.db", "postgresql://u@h/db", "schema.yaml", "/x/s.yaml"])
SECRET = st.sampled_from(["", "s3cr3t", "k1:abc,k2:def"])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.dictionaries(VARIABLE, VALUE, max_size=2),
    secret=SECRET,
    db=st.none() | st.just("sqlite:///override.db"),
)
def test_the_cached_values_are_the_settings_values(
    values: dict[str, str],
    secret: str,
    db: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as m:
        m.setenv("FANZHA_CACHE_DIR", str(tmp_path / "cache"))
        for name in ("FANZHA_DB", "FANZHA_SCHEMA"):
            m.delenv(name, raising=False)
        for name, value in {**values, "FANZHA_SECRET": secret}.items():
            m.setenv(name, value)
        fresh = Settings.from_env()
        expected = fresh.replace(db_url=db) if db else fresh
        for _ in range(2):  # read, then served from the cache
            got = store_and_schema(db)
            assert (got.db_url, got.schema_path) == (expected.db_url, expected.schema_path)


def test_a_store_password_never_reaches_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(cache))
    monkeypatch.setenv("FANZHA_DB", "postgresql://bank:pa55-w0rd@db.internal/fanzha")
    for _ in range(2):
        assert store_and_schema().db_url == "postgresql://bank:pa55-w0rd@db.internal/fanzha"
    stored = [p.read_text(encoding="utf-8") for p in cache.rglob("*") if p.is_file()]
    assert not any("pa55-w0rd" in text for text in stored)


def test_two_spellings_of_a_variable_read_as_settings_reads_them_in_either_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (found by the property above: a sorted key served one order's answer to the other)
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FANZHA_SCHEMA", raising=False)
    spellings = {"FANZHA_DB": "postgresql://u@h/db", "fanzha_db": "sqlite:///other.db"}
    for order in (list(spellings), list(reversed(spellings))):
        for name in spellings:
            monkeypatch.delenv(name, raising=False)
        for name in order:
            monkeypatch.setenv(name, spellings[name])
        expected = Settings.from_env().db_url
        assert expected == spellings[order[-1]]  # the later one wins
        assert store_and_schema(None).db_url == expected
        assert store_and_schema(None).db_url == expected  # served from the cache
