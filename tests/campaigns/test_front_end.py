"""A campaign file is read once, validated once, in delivery's grammar; bombs are refused."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fanzha.campaigns import loader as loader_module
from fanzha.campaigns.cross_checks import LoadContext
from fanzha.campaigns.loader import load_campaign, load_campaign_text
from fanzha.campaigns.model import CampaignModel
from fanzha.campaigns.values import (
    DATE_PATTERN,
    HOLDOUT_PATTERN,
    parse_date,
    parse_holdout,
)
from fanzha.delivery import Cadence, QuietHours, parse_rate
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "campaigns" / "examples" / "spring-2027.yaml"
BROKEN = Path(__file__).parent / "broken"
TEXT = EXAMPLE.read_text(encoding="utf-8")


def parses(parse: Callable[[str], Any], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def test_one_validation_pass_and_positions_only_for_a_file_with_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parses: list[bool] = []
    validations: list[Any] = []
    real_load, real_validate = loader_module.load_yaml, CampaignModel.model_validate

    def load(text: str, file: str, *, positions: bool = False) -> Any:
        parses.append(positions)
        return real_load(text, file, positions=positions)

    def validate(data: Any, **kwargs: Any) -> Any:
        validations.append(data)
        return real_validate(data, **kwargs)

    monkeypatch.setattr(loader_module, "load_yaml", load)
    monkeypatch.setattr(CampaignModel, "model_validate", validate)
    load_campaign(EXAMPLE)
    assert (parses, len(validations)) == ([False], 1)
    parses.clear(), validations.clear()
    with pytest.raises(ValueError, match="not a rate"):
        load_campaign(BROKEN / "rate-syntax.yaml")
    assert (parses, len(validations)) == ([False, True], 1)


def test_campaign_values_are_what_delivery_parses_from_the_same_text() -> None:
    campaign = load_campaign(EXAMPLE)
    assert campaign.quiet_hours == (lambda q: (q.start, q.end))(QuietHours.parse("21:30-08:00"))
    assert campaign.rate_per_s == parse_rate("500/s")
    sends = {
        "elderly": {"days": ["tue", "fri"], "at": "09:30"},
        "founders": {"days": ["mon", "thu"], "at": "12:15"},
        "young_workers": {"every": "3d", "at": "20:30"},
    }
    for seg in campaign.segments:
        send = Cadence(seg.send.at, seg.send.weekdays, seg.send.every_days)
        assert send == Cadence.parse(sends[seg.id])
    assert campaign.cap_per == timedelta(days=7) and campaign.holdout_pct == 5.0


def test_100_per_min_and_every_1w_mean_the_same_to_campaigns_and_delivery() -> None:
    text = TEXT.replace("rate: 500/s", "rate: 100/min").replace("every: 3d", "every: 1w")
    campaign = load_campaign_text(text, "c.yaml", LoadContext())
    assert campaign.rate_per_s == parse_rate("100/min") == pytest.approx(100 / 60)
    assert campaign.segment("young_workers").send.every_days == 7


def test_problems_of_every_kind_are_reported_together_even_across_segments() -> None:
    text = (
        TEXT.replace("ends: 2027-04-30", "ends: 2027-02-01")
        .replace("id: founders", "id: elderly")
        .replace("rate: 500/s", "rate: 99999999999/fortnight")
        .replace("per: 7d", "per: 99999999999d")
        .replace("label: 新就业青年", "lable: 新就业青年")
    )
    with pytest.raises(ValueError) as info:
        load_campaign_text(text, "c.yaml", LoadContext())
    problems = [str(p) for p in info.value.problems]  # type: ignore[attr-defined]
    assert problems == [
        "c.yaml:9:7: the campaign ends (2027-02-01) before it starts (2027-03-01)",
        'c.yaml:20:9: duplicate segment id "elderly" (first used by segment 1)',
        'c.yaml:26:5: unknown key "lable" (did you mean "label"?)',
        'c.yaml:33:32: "99999999999d" is out of range; allowed 1h to 365d',
        'c.yaml:34:9: "99999999999/fortnight" is not a rate; expected a number per unit, e.g. "500/s"',
        'c.yaml:51:16: the poster names unknown segment "founders"',
    ]


def test_campaign_dates_are_real_days_from_2000_to_2199() -> None:
    assert parse_date("2028-02-29") == date(2028, 2, 29)
    for bad, message in (
        ("2100-02-29", "not a real date"),
        ("9999-12-31", "out of range; allowed 2000-01-01 to 2199-12-31"),
        ("27-3-1", "not a date"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_date(bad)


@settings(max_examples=400, deadline=None)
@given(y=st.integers(1990, 2210), m=st.integers(0, 13), d=st.integers(0, 32))
def test_the_date_pattern_matches_exactly_the_dates_that_parse(y: int, m: int, d: int) -> None:
    text = f"{y:04d}-{m:02d}-{d:02d}"
    assert bool(re.search(DATE_PATTERN, text)) == parses(parse_date, text)


def test_every_leap_day_of_the_range() -> None:
    for year in range(2000, 2200):
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        assert bool(re.search(DATE_PATTERN, f"{year}-02-29")) == leap


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(0, 120),
    frac=st.sampled_from(["", ".5", ".0", ".25"]),
    sp=st.sampled_from(["", " "]),
)
def test_the_holdout_pattern_matches_exactly_the_holdouts_that_parse(
    n: int, frac: str, sp: str
) -> None:
    text = f"{sp}{n}{frac}{sp}%"
    assert bool(re.search(HOLDOUT_PATTERN, text)) == parses(parse_holdout, text)


@pytest.mark.slow
def test_bombs_are_refused_by_the_commands_a_user_runs(tmp_path: Path) -> None:
    comments = tmp_path / "comments.yaml"
    with comments.open("w", encoding="utf-8") as out:
        out.write("campaign: comments\n")
        out.write(("# " + "x" * 97 + "\n") * 100_000)  # 10 MB
    bombs = [
        BROKEN / "yaml-billion-laughs.yaml",
        BROKEN / "yaml-recursive-alias.yaml",
        BROKEN / "yaml-deep-nesting.yaml",
        comments,
    ]
    run = subprocess.run(
        [sys.executable, "-m", "fanzha", "validate", *map(str, bombs)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    for bomb in bombs[:3]:
        head = bomb.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
        position, fragment = head.split(": ", 1)
        assert any(ln.startswith(f"{bomb}:{position}: ") and fragment in ln for ln in lines), lines
    assert f"{comments}:1:1: the file is 10.0 MB; a YAML file may be at most 1 MB" in lines

    library = ROOT / "tests" / "content" / "fixtures" / "bad"
    folders = [
        library / name
        for name in ("yaml-billion-laughs", "yaml-recursive-alias", "yaml-deep-nesting")
    ]
    run = subprocess.run(
        [sys.executable, "-m", "fanzha", "content", "lint", *map(str, folders)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1 and "Traceback" not in output
    for folder in folders:
        (path,) = folder.glob("*.yaml")
        expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
        assert f"{path}:{expected}" in output
