"""The public API, used from Python without the command line: paths or DataFrames in, results out."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from fanzha.segments import generate_customers

import fanzha
from tests.campaigns.conftest import START, make_settings


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Customers as a bank engineer holds them: a DataFrame, one row unusable (age -5)."""
    customers = generate_customers(1500, seed=3)
    customers.loc[7, "age"] = -5
    return customers


def test_the_api_is_importable_from_fanzha_without_loading_the_cli() -> None:
    code = (
        "import sys, fanzha\n"
        "names = [fanzha.load_campaign, fanzha.plan, fanzha.run, fanzha.preview, fanzha.report,"
        " fanzha.recall, fanzha.Settings, fanzha.FanzhaError, fanzha.SettingsError]\n"
        "assert 'fanzha.campaigns.cli' not in sys.modules, 'the API loaded the CLI'\n"
        "assert 'click' not in sys.modules\n"
        "print(sorted(fanzha.__all__))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "'run'" in result.stdout and "'FanzhaError'" in result.stdout


def test_api_names_stay_functions_after_modules_of_the_same_name_load() -> None:
    import fanzha.campaigns.preview
    import fanzha.campaigns.report

    for name in ("load_campaign", "plan", "run", "preview", "report", "recall"):
        assert getattr(fanzha, name).__module__ == "fanzha.campaigns.api", name


def test_importing_fanzha_builds_no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    code = "import fanzha, fanzha.campaigns, fanzha.campaigns.cli; print('ok')"
    env = {"FANZHA_COOLING_OFF_DAYS": "abc", "PATH": ""}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "ok", result.stderr  # the bad value is read only when used
    with pytest.raises(fanzha.SettingsError, match="FANZHA_COOLING_OFF_DAYS"):
        monkeypatch.setenv("FANZHA_COOLING_OFF_DAYS", "abc")
        fanzha.Settings()  # built directly, it reports like from_env()


@pytest.mark.slow
def test_plan_takes_a_dataframe_and_renders_itself(tmp_path: Path, frame: pd.DataFrame) -> None:
    settings = make_settings(db_url=f"sqlite:///{tmp_path / 'untouched.db'}")
    campaign = fanzha.load_campaign(
        fanzha.campaigns.demo.example_campaign(), customers=frame, settings=settings
    )
    plan = fanzha.plan(campaign, frame, now=START, settings=settings)
    assert plan.counts["customers"] == len(frame) - 1
    assert plan.counts["rejected_rows"] == 1  # the row with age -5, set aside with its reason
    assert set(plan.content) == {"elderly", "founders", "young_workers"}
    assert "dry run" in plan.render() and str(plan) == plan.render()
    assert json.loads(json.dumps(plan.to_dict()))["campaign_id"] == campaign.id
    assert not (tmp_path / "untouched.db").exists()


@pytest.mark.slow
def test_a_frame_and_its_file_give_the_same_plan(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "customers.parquet"
    frame.to_parquet(path)
    settings = make_settings()
    example = fanzha.campaigns.demo.example_campaign()
    from_frame = fanzha.plan(example, frame, now=START, settings=settings).to_dict()
    from_file = fanzha.plan(example, path, now=START, settings=settings).to_dict()
    assert from_frame == from_file


def test_a_broken_campaign_is_a_fanzha_error_with_every_problem(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = fanzha.campaigns.demo.example_campaign().read_text(encoding="utf-8")
    broken.write_text(text.replace("holdout: 5%", "holdout: 80%"), encoding="utf-8")
    with pytest.raises(fanzha.FanzhaError) as info:
        fanzha.load_campaign(broken, settings=make_settings())
    assert isinstance(info.value, fanzha.campaigns.CampaignFileError)
    assert info.value.problems and info.value.problems[0].file == str(broken)


@pytest.mark.slow
def test_run_report_and_recall_from_python(
    db_url: str, media_dir: Path, tmp_path: Path, frame: pd.DataFrame
) -> None:
    from fanzha.campaigns.store import upgrade_store

    settings = make_settings(db_url=db_url, media_dir=media_dir, render_processes=1)
    example = fanzha.campaigns.demo.example_campaign()
    with pytest.raises(fanzha.campaigns.StoreNotReady, match="fanzha db upgrade"):
        fanzha.run(example, frame, now=START, settings=settings)
    upgrade_store(settings)
    first = fanzha.run(example, frame, now=START, settings=settings)
    assert first.inserted > 0 and first.rejected_path is None  # a frame has no file beside it
    assert "1 customer row(s) rejected, not used:\n  row 8: C000000008: age" in first.render()
    again = fanzha.run(example, frame, now=START + timedelta(minutes=1), settings=settings)
    assert again.inserted == 0 and not again.new_version
    assert json.loads(json.dumps(first.to_dict()))["inserted"] == first.inserted

    report = fanzha.report(first.campaign_id, tmp_path / "report", settings=settings)
    assert report.index.exists() and report.funnel_csv.exists() and report.uplift_csv is None
    recall = fanzha.recall("credit-repair", now=datetime.now(START.tzinfo), settings=settings)
    assert recall.pushes_cancelled + recall.feed_messages_cancelled > 0
    assert recall.render().startswith("recalled credit-repair:")
