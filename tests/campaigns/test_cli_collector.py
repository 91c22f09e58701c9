"""`fanzha segment` spares the console script's collector the data libraries, no one else's."""

from __future__ import annotations

import gc
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from fanzha.campaigns.cli import cli
from fanzha.campaigns.demo import example_campaign
from fanzha.segments import generate_customers, write_customers

from tests.campaigns.test_cli_imports import probe
from tests.conftest import TEST_BANK


@pytest.fixture
def args(tmp_path: Path) -> list[str]:
    customers = tmp_path / "c.parquet"
    write_customers(generate_customers(500, seed=2), customers)
    campaign = str(example_campaign())
    return ["segment", campaign, "--customers", str(customers), "--as-of", "2027-03-01"]


@pytest.mark.slow
def test_the_console_script_freezes_what_the_libraries_made(
    args: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "a.parquet"
    code, enabled, frozen = probe([*args, "--out", str(out)], tmp_path)["COLLECTOR"]
    assert code == "0" and enabled == "True"  # collection is back on for the work itself
    assert int(frozen) > 100_000  # pandas, NumPy and PyArrow's objects: never walked again
    assert pq.read_table(out).num_rows == 500


def test_a_command_run_inside_another_program_leaves_its_collector_alone(
    args: list[str], tmp_path: Path
) -> None:
    before = gc.get_freeze_count(), gc.isenabled()
    env = {**TEST_BANK, "FANZHA_DB": f"sqlite:///{tmp_path / 'none.db'}"}
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "a.csv")], env=env)
    assert result.exit_code == 0, result.output
    assert (gc.get_freeze_count(), gc.isenabled()) == before
