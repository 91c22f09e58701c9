"""``--out`` means the same for every engine: one file or a dataset directory, replaced whole."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fanzha.segments import SchemaError, generate_customers, segment_file
from fanzha.segments.output import output_target, replacing

from tests.segments.test_run_files import AUDIENCE, SEGMENTS


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    path = tmp_path / "c.parquet"
    generate_customers(1_000, seed=9).to_parquet(path, index=False, row_group_size=300)
    return path


@pytest.mark.parametrize("engine", ["pandas", "sql", "dask"])
@pytest.mark.parametrize("name", ["a.csv", "a.parquet", "a/"])
def test_every_engine_writes_what_was_asked_and_replaces_it(
    customers: Path, tmp_path: Path, engine: str, name: str
) -> None:
    """The same kind of output for every engine; a second run replaces the first."""
    out = f"{tmp_path}/{name}"
    target = output_target(out)
    if target.kind == "dataset":
        target.path.mkdir()
        (target.path / "part-00009.parquet").write_bytes(b"an earlier run's part")
    else:
        target.path.write_text("an earlier output")
    run = segment_file(customers, out, AUDIENCE, SEGMENTS, engine=engine, as_of="2027-03-01")
    if target.kind == "dataset":
        assert target.path.is_dir() and "part-00009.parquet" not in {
            p.name for p in target.path.iterdir()
        }
        got = pd.read_parquet(target.path)
    else:
        assert target.path.is_file()
        reader = pd.read_csv if target.kind == "csv" else pd.read_parquet
        got = reader(target.path)
    assert len(got) == run.rows == 1_000
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["c.parquet", target.path.name])


def test_a_directory_in_the_way_of_a_file_is_refused_and_kept(
    customers: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.csv").mkdir()
    (tmp_path / "a.csv" / "notes.txt").write_text("mine")
    with pytest.raises(SchemaError, match=r"a.csv: a directory is there.*--out .*a.csv/"):
        segment_file(customers, tmp_path / "a.csv", AUDIENCE, SEGMENTS, engine="dask")
    with pytest.raises(SchemaError, match=r"holds 'notes\.txt'"):
        segment_file(customers, f"{tmp_path}/a.csv/", AUDIENCE, SEGMENTS)
    assert (tmp_path / "a.csv" / "notes.txt").read_text() == "mine"


def test_a_failed_run_leaves_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    out.write_text("previous")
    with pytest.raises(RuntimeError), replacing(output_target(out)) as temp:
        temp.write_text("half")
        raise RuntimeError("stopped")
    assert out.read_text() == "previous" and [p.name for p in tmp_path.iterdir()] == ["a.csv"]
