"""Every user mistake ends in `error: …` lines and exit 1 (usage errors: exit 2), never a traceback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fanzha.campaigns.cli import cli
from fanzha.campaigns.demo import example_campaign
from fanzha.delivery.keys import KeyRing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_KEYS

KEYS = ("FANZHA_SECRET", "FANZHA_BACKEND_KEY", "FANZHA_WEBHOOK_SECRET")
NO_KEYS = dict.fromkeys(KEYS)  # CliRunner: None unsets a variable


def invoke(args: list[str], env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(cli, args, env={**NO_KEYS, **(env or {})})


def error_lines(result: Result) -> list[str]:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stderr.strip().splitlines()


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("FANZHA_COOLING_OFF_DAYS", "abc", "valid integer"),
        ("FANZHA_COOLING_OFF_DAYS", "0", "greater than or equal to 1"),
        ("FANZHA_HORIZON_DAYS", "99999999999", "out of range"),
        ("FANZHA_FEED_TTL_DAYS", "-3", "between 1 and 3650 days"),
        ("FANZHA_GATEWAY_KIND", "smtp", "'webhook' or 'jpush'"),
        ("FANZHA_GATEWAY_BATCH", "1e9", "valid integer"),
        ("FANZHA_PUBLIC_URL", "ftp://x", "should match"),
        ("FANZHA_BANK_PHONE", "call us", "should match"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    variable: str, value: str, says: str
) -> None:
    result = invoke(["schema"], {variable: value})
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert line.startswith(f"error: {variable}: ") and says in line


def test_a_secret_in_a_bad_setting_is_never_echoed() -> None:
    result = invoke(["token", "C1"], {**TEST_KEYS, "FANZHA_SECRET": "s3cr3t-value"})
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert "FANZHA_SECRET" in line and "s3cr3t-value" not in line


@pytest.mark.parametrize("customer_id", ["bad id!", "C0000/../x", "x" * 65, ""])
def test_token_refuses_ids_a_token_cannot_carry(customer_id: str) -> None:
    result = invoke(["token", customer_id], TEST_KEYS)
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert line.startswith("error: customer id")


@pytest.mark.parametrize(
    "command",
    [["serve"], ["dispatch", "--once"], ["token", "C000000001"], ["scheduler"]],
)
def test_services_refuse_to_start_without_their_keys(command: list[str], tmp_path: Path) -> None:
    db = {"FANZHA_DB": f"sqlite:///{tmp_path / 'x.db'}"}
    missing = invoke(command, db)
    assert missing.exit_code == 1
    lines = error_lines(missing)
    assert [line.split()[1] for line in lines] == list(KEYS)  # one line per variable
    assert all("fanzha keys generate" in line for line in lines)

    weak = invoke(command, {**db, **TEST_KEYS, "FANZHA_BACKEND_KEY": "short"})
    (line,) = error_lines(weak)
    assert line.startswith("error: FANZHA_BACKEND_KEY") and "too weak" in line

    shared = invoke(command, {**db, **TEST_KEYS, "FANZHA_SECRET": TEST_KEYS["FANZHA_BACKEND_KEY"]})
    (line,) = error_lines(shared)
    assert line == "error: FANZHA_SECRET shares a key with FANZHA_BACKEND_KEY; each needs its own"

    published = invoke(command, {**db, **TEST_KEYS, "FANZHA_SECRET": "fanzha-dev-secret-change-me"})
    (line,) = error_lines(published)
    assert line.startswith("error: FANZHA_SECRET") and "published" in line


def test_keys_generate_prints_keys_the_services_accept() -> None:
    one, two = invoke(["keys", "generate"]), invoke(["keys", "generate"])
    assert one.exit_code == 0 and one.output != two.output
    KeyRing.parse("FANZHA_SECRET", one.output.strip())
    env = invoke(["keys", "generate", "--env"])
    lines = env.output.strip().splitlines()
    assert [line.split("=")[0] for line in lines] == [f"export {k}" for k in KEYS]
    exported = {
        line.removeprefix("export ").split("=", 1)[0]: line.split("=", 1)[1] for line in lines
    }
    assert len(set(exported.values())) == 3  # a different key for each variable
    token = invoke(["token", "C000000001", "--allow-unknown"], exported)
    assert token.exit_code == 0 and token.output.count(".") == 1


def test_token_refuses_an_id_the_store_has_never_seen(tmp_path: Path) -> None:
    from fanzha.campaigns.store import upgrade_store

    from tests.campaigns.conftest import make_settings

    db = f"sqlite:///{tmp_path / 'store.db'}"
    no_store = invoke(["--db", db, "token", "C000000001"], TEST_KEYS)
    assert no_store.exit_code == 1
    (line,) = error_lines(no_store)
    assert "fanzha db upgrade" in line and "--allow-unknown" in line

    upgrade_store(make_settings(db_url=db))
    unknown = invoke(["--db", db, "token", "C000000001"], TEST_KEYS)
    assert unknown.exit_code == 1
    (line,) = error_lines(unknown)
    assert line.startswith("error: customer 'C000000001' is unknown to the store")
    assert invoke(["--db", db, "token", "C000000001", "--allow-unknown"], TEST_KEYS).exit_code == 0

    from fanzha.campaigns.store import open_store

    from tests.delivery.feed_fixtures import add_feed_item

    add_feed_item(
        open_store(make_settings(db_url=db)), "C000000001", 1, created_at=datetime.now(UTC)
    )
    known = invoke(["--db", db, "token", "C000000001"], TEST_KEYS)
    assert known.exit_code == 0 and known.output.count(".") == 1


def test_commands_that_need_the_store_say_how_to_create_it(tmp_path: Path) -> None:
    customers = tmp_path / "c.csv"
    invoke(["customers", "generate", "--n", "100", "--out", str(customers)])
    db = tmp_path / "never.db"
    for command in (
        ["run", str(example_campaign()), "--customers", str(customers)],
        ["recall", "fake-loan"],
        ["report", "spring-2027-new-citizens", "--out", str(tmp_path / "r")],
    ):
        result = invoke(command, {"FANZHA_DB": f"sqlite:///{db}"})
        assert result.exit_code == 1, result.output
        (line,) = error_lines(result)
        assert "run `fanzha db upgrade`" in line
    assert not db.exists()  # reading never creates (or migrates) the store
    upgraded = invoke(["db", "upgrade"], {"FANZHA_DB": f"sqlite:///{db}"})
    assert upgraded.exit_code == 0 and "up to date" in upgraded.output


def test_store_urls_are_shown_without_their_password() -> None:
    result = invoke(["recall", "fake-loan"], {"FANZHA_DB": "postgresql://u:hunter2@127.0.0.1:1/x"})
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert "hunter2" not in line and "127.0.0.1" in line


@pytest.mark.parametrize(
    "now", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+05:00", "1999-12-31T23:59:59+00:00"]
)
def test_now_out_of_range_is_one_line(now: str) -> None:
    result = invoke(["recall", "fake-loan", "--now", now])
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert "outside the supported range" in line


@pytest.fixture(scope="module")
def odd_now_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("odd-now")
    return {**TEST_KEYS, "FANZHA_DB": f"sqlite:///{folder / 'absent.db'}"}


ZONES = st.one_of(
    st.none(),
    st.just(UTC),
    st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m))),
)
ODD_NOW = st.one_of(
    st.datetimes(timezones=ZONES).map(datetime.isoformat),
    st.datetimes(datetime(2000, 1, 2), datetime(2199, 12, 30), timezones=ZONES).map(
        datetime.isoformat
    ),
    st.datetimes(min_value=datetime(9999, 12, 31), timezones=ZONES).map(datetime.isoformat),
    st.datetimes(max_value=datetime(1, 1, 2), timezones=ZONES).map(datetime.isoformat),
    st.sampled_from(["9999-12-31T23:59:59Z", "2027-03-01T09:00+99:00", "2027-02-30", "now"]),
    st.text(max_size=30),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    now=ODD_NOW,
    command=st.sampled_from(
        [
            ["recall", "fake-loan"],
            ["dispatch", "--once"],
            ["scheduler"],
            ["run", str(example_campaign()), "--customers", str(example_campaign())],
        ]
    ),
)
def test_odd_now_values_never_end_in_a_traceback(
    odd_now_env: dict[str, str], now: str, command: list[str]
) -> None:
    result = invoke([*command, "--now", now], odd_now_env)
    assert result.exit_code in (1, 2), result.output
    lines = error_lines(result)
    if result.exit_code == 1:  # out of range, or (in range) the store that is not there
        assert len(lines) == 1 and lines[0].startswith("error: "), lines
    else:  # not a time at all: click's usage error
        assert any("--now" in line for line in lines)
