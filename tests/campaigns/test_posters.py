"""`fanzha posters`: the example campaign's PDFs in both modes pass the preflight; --check; QR errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fanzha.campaigns.cli import cli
from fanzha.campaigns.demo import example_campaign
from fanzha.renderer.poster_check import preflight

ENV = {"FANZHA_BANK_NAME": "示例银行", "FANZHA_BANK_NAME_EN": "Example Bank"}

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("press", [False, True], ids=["office", "press"])
def test_every_example_poster_is_written_and_passes_the_preflight(tmp_path, press) -> None:  # type: ignore[no-untyped-def]
    args = ["posters", str(example_campaign()), "--out", str(tmp_path)] + (
        ["--press"] if press else []
    )
    result = CliRunner().invoke(cli, args, env=ENV)
    assert result.exit_code == 0, result.output
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 2
    assert result.output.count("passes the") == 2
    for pdf in pdfs:
        assert preflight(pdf, press=press) == []
        manifest = json.loads(pdf.with_name(pdf.name + ".json").read_text(encoding="utf-8"))
        assert manifest["press"] is press
        assert len(manifest["warnings"]) == len(manifest["art"]) == 2  # a block per segment


def test_check_fails_a_file_with_one_line_per_failure(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pikepdf

    bad = tmp_path / "bad.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.save(bad)
    result = CliRunner().invoke(cli, ["posters", "--check", str(bad), "--press"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f"{bad}: page 1: no TrimBox: the print shop cannot tell the finished size",
        f"{bad}: no output intent: a press file names the printing condition it was made for",
    ]


def test_posters_without_arguments_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["posters"])
    assert result.exit_code == 2 and "CAMPAIGN" in result.output


def test_a_local_qr_address_names_the_setting_and_writes_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = example_campaign().read_text(encoding="utf-8")
    campaign = tmp_path / "campaign.yaml"
    campaign.write_text(
        text.replace("https://bank.example.com/fanzha", "http://127.0.0.1:8000", 1),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["posters", str(campaign), "--out", str(out)], env=ENV)
    assert result.exit_code == 1
    assert f"{campaign}: posters[0].qr: 'http://127.0.0.1:8000'" in result.output
    assert "Traceback" not in result.output
    assert not list(out.glob("*.pdf"))


def test_render_poster_has_no_qr_unless_one_is_given(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "a3.pdf"
    result = CliRunner().invoke(
        cli, ["render", "credit-repair", "--format", "poster-a3", "--out", str(out)], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert json.loads(Path(f"{out}.json").read_text(encoding="utf-8"))["qr"] is None
    roll = tmp_path / "roll.pdf"
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "credit-repair",
            "--format",
            "rollup",
            "--qr",
            "https://bank.example.com/app",
            "--press",
            "--out",
            str(roll),
        ],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads(Path(f"{roll}.json").read_text(encoding="utf-8"))
    assert manifest["qr"]["payload"] == "https://bank.example.com/app"
    assert manifest["art_ppi"] == 150 and manifest["trim_mm"] == [800.0, 2000.0]
    assert preflight(roll, press=True) == []
