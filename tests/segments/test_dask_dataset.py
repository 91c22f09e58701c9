"""The Dask engine on a multi-process LocalCluster agrees with pandas, rejected rows included."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fanzha.segments import generate_customers, segment_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.segments.test_run_files import AUDIENCE, SEGMENTS

AS_OF = "2027-03-01"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of two worker processes; its scheduler's tcp:// address."""
    from distributed import LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: with None it still wants 8787, taken by the other xdist worker's cluster
        ) as cluster
    ):
        yield cluster.scheduler_address


def _corrupt(frame: pd.DataFrame, edits: list[tuple[int, str, int]]) -> pd.DataFrame:
    """Bad values and repeated ids at the drawn rows (kinds a bank export really has)."""
    frame = frame.copy()
    frame["age"] = frame["age"].astype("Int64")
    frame["occupation"] = frame["occupation"].astype(object)
    for row, kind, other in edits:
        row %= len(frame)
        if kind == "duplicate":
            frame.loc[row, "customer_id"] = frame.loc[other % len(frame), "customer_id"]
        elif kind == "age":
            frame.loc[row, "age"] = 900
        elif kind == "occupation":
            frame.loc[row, "occupation"] = "astronaut"
        elif kind == "no_id":
            frame.loc[row, "customer_id"] = None
    return frame


def _dataset(frame: pd.DataFrame, folder: Path, files: int, group: int) -> Path:
    """The rows split over ``files`` Parquet files of row groups of ``group`` rows."""
    folder.mkdir()
    for i, part in enumerate(np.array_split(np.arange(len(frame)), files)):
        chunk = frame.iloc[part]
        chunk.to_parquet(folder / f"part-{i:03d}.parquet", index=False, row_group_size=group)
    return folder


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.reset_index(drop=True)


EDITS = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.sampled_from(["duplicate", "age", "occupation", "no_id"]),
        st.integers(0, 10_000),
    ),
    max_size=12,
)


# not slow: the multi-process cluster runs in CI
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    n=st.integers(1, 400),
    seed=st.integers(0, 1_000),
    files=st.integers(1, 4),
    group=st.integers(7, 120),
    edits=EDITS,
)
def test_dask_on_a_cluster_agrees_with_pandas_row_for_row(
    scheduler: str, tmp_path: Path, n: int, seed: int, files: int, group: int, edits: list
) -> None:
    """Assignments and rejected rows (numbers, ids, reasons) are those of the pandas engine."""
    run = tmp_path / uuid.uuid4().hex[:8]
    run.mkdir()
    frame = _corrupt(generate_customers(n, seed=seed), edits)
    source = _dataset(frame, run / "customers", min(files, n), group)
    pandas_out, dask_out = run / "p.csv", run / "d.csv"
    expected = segment_file(
        source, pandas_out, AUDIENCE, SEGMENTS, as_of=AS_OF, rejected_path=run / "p.rejected.csv"
    )
    from fanzha.segments import dataset

    small = dataset.ROWS_PER_PARTITION
    dataset.ROWS_PER_PARTITION = 1  # one partition per row group: duplicates cross partitions
    try:
        got = segment_file(
            source,
            dask_out,
            AUDIENCE,
            SEGMENTS,
            engine="dask",
            as_of=AS_OF,
            rejected_path=run / "d.rejected.csv",
            scheduler=scheduler,
        )
    finally:
        dataset.ROWS_PER_PARTITION = small
    pd.testing.assert_frame_equal(_read(dask_out), _read(pandas_out))
    pd.testing.assert_frame_equal(_read(run / "d.rejected.csv"), _read(run / "p.rejected.csv"))
    assert got.by_reason == expected.by_reason and got.rows == expected.rows
    assert got.load is not None and expected.load is not None
    assert got.load.rows_rejected == expected.load.rows_rejected


@pytest.mark.slow
def test_dataset_directory_output_replaces_the_previous_one(scheduler: str, tmp_path: Path) -> None:
    """``--out X/``: one part file per partition, written by the workers; a rerun replaces it."""
    frame = _corrupt(generate_customers(3_000, seed=3), [(10, "duplicate", 2500), (20, "age", 0)])
    source = _dataset(frame, tmp_path / "customers", 3, 400)
    out = tmp_path / "assignments"
    for _ in range(2):
        run = segment_file(
            source,
            f"{out}{os.sep}",
            AUDIENCE,
            SEGMENTS,
            engine="dask",
            as_of=AS_OF,
            rejected_path=tmp_path / "assignments.rejected.csv",
            scheduler=scheduler,
        )
    parts = sorted(p.name for p in out.iterdir())
    assert parts == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    got = pd.read_parquet(out)
    assert len(got) == run.rows == 2_998
    rejected = _read(tmp_path / "assignments.rejected.csv")
    assert rejected["row"].tolist() == ["21", "2501"]  # row 2501 repeats row 11's id
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


@pytest.mark.slow
def test_cli_reads_a_dataset_directory_on_the_cluster_of_dask_scheduler_address(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``fanzha segment --engine dask --customers DIR --out a.csv``: one file, like pandas."""
    from click.testing import CliRunner
    from distributed import Client, get_task_stream
    from fanzha.campaigns.cli import cli

    frame = _corrupt(generate_customers(2_000, seed=4), [(5, "age", 0)])
    source = _dataset(frame, tmp_path / "customers", 2, 500)
    monkeypatch.setenv("FANZHA_DB", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", scheduler)
    campaign = Path(__file__).parents[2] / "campaigns" / "examples" / "spring-2027.yaml"
    args = ["segment", str(campaign), "--customers", str(source), "--as-of", AS_OF]
    (tmp_path / "d.csv").write_text("an earlier output")
    with Client(scheduler) as client, get_task_stream(client) as stream:
        dask = CliRunner().invoke(
            cli, [*args, "--engine", "dask", "--out", str(tmp_path / "d.csv")]
        )
    assert dask.exit_code == 0, dask.output
    ran = [str(t["key"]) for t in stream.data]
    assert any("segment_piece" in k for k in ran), ran  # the partitions ran on the cluster
    pandas = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "p.csv")])
    assert pandas.exit_code == 0, pandas.output
    assert "wrote" in dask.output and "1999 customers" in dask.output
    pd.testing.assert_frame_equal(_read(tmp_path / "d.csv"), _read(tmp_path / "p.csv"))
    pd.testing.assert_frame_equal(
        _read(tmp_path / "d.rejected.csv"), _read(tmp_path / "p.rejected.csv")
    )
