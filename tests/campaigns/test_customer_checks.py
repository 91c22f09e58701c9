"""One customer loader: segment, plan, run and validate reject the same rows for the same reasons."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from click.testing import CliRunner
from fanzha.campaigns.cli import cli
from fanzha.campaigns.demo import example_campaign

from tests.conftest import TEST_BANK
from tests.segments.fixtures.make_bad_customers import EXPECTED

FIXTURE = Path(__file__).parents[1] / "segments" / "fixtures" / "bad-customers.csv"
NOW = "2027-03-01T00:00+08:00"


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "FANZHA_DB": f"sqlite:///{tmp_path / 'store.db'}",
        "FANZHA_MEDIA_DIR": str(tmp_path / "media"),
        "FANZHA_RENDER_PROCESSES": "1",
        **TEST_BANK,  # copy names the bank: no bank, no run
    }


def _from_file(path: Path) -> dict[int, tuple[str, str]]:
    """{line: (customer id, reason)} of a rejected-rows file."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(
        zip(
            frame["row"].astype(int),
            zip(frame["customer_id"], frame["reason"], strict=True),
            strict=True,
        )
    )


def _from_frame(frame: pd.DataFrame) -> dict[int, tuple[str, str]]:
    ids = frame["customer_id"].astype(str).where(frame["customer_id"].notna(), "")
    return {
        int(row): ("" if cid == "nan" else cid, reason)
        for row, cid, reason in zip(frame["row"], ids, frame["reason"], strict=True)
    }


def test_bad_file_fixture_is_current() -> None:
    from tests.segments.fixtures.make_bad_customers import content

    assert FIXTURE.read_bytes() == content()


def test_segment_plan_run_and_validate_reject_the_same_rows(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    shutil.copy(FIXTURE, customers)
    env, runner, campaign = _env(tmp_path), CliRunner(), str(example_campaign())

    out = tmp_path / "assignments.csv"
    segment = runner.invoke(
        cli,
        [
            "segment",
            campaign,
            "--customers",
            str(customers),
            "--out",
            str(out),
            "--as-of",
            "2027-03-01",
        ],
        env=env,
    )
    assert segment.exit_code == 0, segment.output
    by_segment = _from_file(tmp_path / "assignments.rejected.csv")
    assert set(pd.read_csv(out)["customer_id"]) == {"C000000001", "C000000002"}
    # the first rejected rows are on screen, with their lines and reasons
    assert "line 5: C000000004: timezone: unknown time zone" in segment.output

    from fanzha.campaigns import runner as campaign_runner
    from fanzha.campaigns.settings import Settings
    from fanzha.campaigns.workspace import Workspace

    assert runner.invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    ws = Workspace(Settings.from_env(**env))
    start = datetime(2027, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    aud = campaign_runner.build(ws, ws.campaign(example_campaign()), customers, start)[0]
    by_plan = _from_frame(aud.rejected)  # what `fanzha plan` loads and counts
    plan = runner.invoke(
        cli, ["plan", campaign, "--customers", str(customers), "--now", NOW], env=env
    )
    assert plan.exit_code == 0, plan.output
    assert re.search(r"rejected rows\s+16", plan.output)
    assert "line 4: C000000003: hukou_local: not true/false" in plan.output

    run = runner.invoke(
        cli, ["run", campaign, "--customers", str(customers), "--now", NOW], env=env
    )
    assert run.exit_code == 0, run.output
    by_run = _from_file(tmp_path / "customers.rejected.csv")
    assert "line 6: C000000005: first_loan_at: not a date-time (not-a-date)" in run.output

    validate = runner.invoke(cli, ["validate", campaign, "--customers", str(customers)], env=env)
    assert validate.exit_code == 1
    assert "OK" not in validate.stdout
    by_validate = {}
    for line in validate.stderr.splitlines():
        found = re.fullmatch(re.escape(str(customers)) + r":(\d+):1: (?:(C\d{9}): )?(.*)", line)
        if found:
            by_validate[int(found[1])] = (found[2] or "", found[3])

    assert by_segment == by_plan == by_run == by_validate == EXPECTED


@pytest.mark.parametrize("streamed", [True, False], ids=["row-groups", "whole-file"])
def test_parquet_segment_rejects_what_the_loader_rejects(
    tmp_path: Path, streamed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row-group stream of `fanzha segment` checks every column, as `plan` and `run` do."""
    from fanzha.segments import load_customers
    from fanzha.segments import run as segments_run

    raw = pd.read_csv(
        FIXTURE, dtype=str, keep_default_na=False, on_bad_lines="skip", encoding_errors="replace"
    )
    raw = raw[raw["customer_id"].str.fullmatch(r"C\d{9}")]
    if streamed:  # the stream needs increasing ids; the whole-file path finds duplicates
        raw = raw.drop_duplicates("customer_id").sort_values("customer_id")
    customers = tmp_path / "customers.parquet"
    raw.replace("", None).to_parquet(customers, index=False, row_group_size=4)
    calls: list[object] = []
    stream = segments_run.segment_parquet_chunks

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(result := stream(*args, **kwargs))  # type: ignore[arg-type]
        return result

    monkeypatch.setattr(segments_run, "segment_parquet_chunks", spy)
    out = tmp_path / "assignments.parquet"
    result = CliRunner().invoke(
        cli,
        ["segment", str(example_campaign()), "--customers", str(customers), "--out", str(out)],
        env=_env(tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert (calls[0] is not None) is streamed  # the path under test was the one taken
    loaded = load_customers(customers)
    rejected = pd.read_csv(tmp_path / "assignments.rejected.csv", dtype=str, keep_default_na=False)
    assert rejected["customer_id"].tolist() == loaded.rejected["customer_id"].tolist()
    assert rejected["reason"].tolist() == loaded.rejected["reason"].tolist()
    assert "first_loan_at: not a date-time (not-a-date)" in rejected["reason"].tolist()
    assert set(pd.read_parquet(out)["customer_id"]) == set(loaded.frame["customer_id"])


def test_validate_flags_rule_values_no_customer_has_at_their_column(tmp_path: Path) -> None:
    from fanzha.segments import generate_customers, write_customers

    customers = write_customers(generate_customers(500, seed=3), tmp_path / "customers.parquet")
    text = example_campaign().read_text(encoding="utf-8")
    typo = text.replace('"shop_owner"]', '"shop_owner", "shopowner"]')
    typo = typo.replace("rule: age >= 55", 'rule: age >= 55 and community != "张江新市民公寓x"')
    campaign = tmp_path / "spring.yaml"
    campaign.write_text(typo, encoding="utf-8")
    lines = typo.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if '"shopowner"' in t)
    column = lines[line - 1].index('"shopowner"') + 1
    elderly = next(i for i, t in enumerate(lines, 1) if "张江新市民公寓x" in t)
    at = lines[elderly - 1].index('"张江') + 1
    runner, env = CliRunner(), _env(tmp_path)

    checked = runner.invoke(
        cli, ["validate", str(campaign), "--customers", str(customers)], env=env
    )
    assert checked.exit_code == 1
    assert checked.stderr.splitlines() == [
        f"{campaign}:{elderly}:{at}: no customer has community "
        '"张江新市民公寓x" (did you mean "张江新市民公寓"?)',
        f'{campaign}:{line}:{column}: occupation "shopowner" is not one of the declared values '
        '(did you mean "shop_owner"?)',
    ]
    # a value the schema rules out is an error for every command, customers or not
    alone = runner.invoke(cli, ["validate", str(campaign)], env=env)
    assert alone.exit_code == 1 and "shopowner" in alone.stderr and "张江" not in alone.stderr

    good = runner.invoke(
        cli, ["validate", str(example_campaign()), "--customers", str(customers)], env=env
    )
    assert good.exit_code == 0, good.stderr
    assert good.stdout.strip() == f"1 file(s) OK; every row of {customers} is usable"


def test_validate_names_an_unreadable_customer_file_on_one_line(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_bytes("customer_id,community\nC000000001,台北市信義區住宅\n".encode("big5") * 3)
    result = CliRunner().invoke(
        cli,
        ["validate", str(example_campaign()), "--customers", str(customers)],
        env=_env(tmp_path),
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{customers}:1:1: the file is in BIG5, not UTF-8, GB18030 (GBK) or UTF-16; convert it "
        f"with: iconv -f BIG5 -t UTF-8 '{customers}' > '{tmp_path / 'customers-utf8.csv'}'"
    ]


@pytest.mark.parametrize(
    ("codec", "label"),
    [("gbk", "GB18030"), ("utf-16", "UTF-16 LE"), ("utf-8-sig", "UTF-8 with BOM")],
)
def test_excel_exports_run_through_segment_and_plan(tmp_path: Path, codec: str, label: str) -> None:
    """Issue 11 #13: these gave tracebacks from segment, plan and run."""
    from fanzha.segments import generate_customers

    frame = generate_customers(400, seed=8)
    lines = frame.to_csv(index=False).splitlines(keepends=True)
    lines[9] = lines[9].rstrip("\n") + "x" * (10 << 20) + "\n"  # a 10 MB field
    customers = tmp_path / "customers.csv"
    customers.write_bytes("".join(lines).encode(codec))
    runner, env, campaign = CliRunner(), _env(tmp_path), str(example_campaign())
    out = tmp_path / "a.csv"
    segment = runner.invoke(
        cli, ["segment", campaign, "--customers", str(customers), "--out", str(out)], env=env
    )
    assert segment.exit_code == 0, segment.output
    assert f"read {customers} as {label}" in segment.output
    assert "line 10: (no id): line too long: 10.0 MB" in segment.output
    assert len(pd.read_csv(out)) == 399
    plan = runner.invoke(
        cli, ["plan", campaign, "--customers", str(customers), "--now", NOW], env=env
    )
    assert plan.exit_code == 0, plan.output
    assert f"read {customers} as {label}" in plan.output
