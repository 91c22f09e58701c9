"""Rules pushed down to where the customers live: PostgreSQL, and DuckDB as a second dialect."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from fanzha.segments import AudienceSpec, SegmentSpec, assign, generate_customers, segment_table
from fanzha.segments.engine_sql import customers_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.segments.strategies import AS_OF, SCHEMA, bool_expr, frames
from tests.segments.test_run_files import AUDIENCE, SEGMENTS


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str).sort_values("customer_id").reset_index(drop=True)


@pytest.fixture
def duck(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"duckdb:///{tmp_path / 'warehouse.duckdb'}")
    yield engine
    engine.dispose()


def _store(engine: sa.Engine, frame: pd.DataFrame, name: str) -> None:
    table = customers_table(SCHEMA, name)
    table.drop(engine, checkfirst=True)
    table.create(engine)
    frame.to_sql(name, engine, if_exists="append", index=False)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    frame=frames(),
    audience=bool_expr,
    first=bool_expr,
    second=bool_expr,
    pct=st.sampled_from([0, 30]),
)
def test_duckdb_agrees_with_pandas(
    duck: sa.Engine, frame: pd.DataFrame, audience: str, first: str, second: str, pct: int
) -> None:
    """The generated SQL, run by DuckDB, gives pandas' assignments row for row."""
    spec = AudienceSpec("c-2027", audience, pct)
    segments = [SegmentSpec("a", first), SegmentSpec("b", second)]
    _store(duck, frame, "customers")
    expected = assign(frame, spec, segments, as_of=AS_OF, schema=SCHEMA)
    target = Path(duck.url.database or "").with_name(f"a-{uuid.uuid4().hex[:6]}.parquet")
    run = segment_table(duck, "customers", target, spec, segments, as_of=AS_OF, chunk_rows=7)
    got = pd.read_parquet(target)
    pd.testing.assert_frame_equal(_sorted(got), _sorted(expected))
    assert run.rows == len(expected)


@pytest.fixture
def pg_table(pg_url: str) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """3,000 generated customers in ``crm_….customers`` of a PostgreSQL database."""
    engine = sa.create_engine(pg_url)
    schema = f"crm_{uuid.uuid4().hex[:8]}"
    frame = generate_customers(3_000, seed=5)
    frame.loc[2_999, "customer_id"] = frame.loc[10, "customer_id"]  # a repeated id
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    frame.to_sql("customers", engine, schema=schema, index=False)
    try:
        yield pg_url, f"{schema}.customers", frame
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_postgresql_table_streams_in_chunks_and_sets_repeated_ids_aside(
    pg_table: tuple[str, str, pd.DataFrame], tmp_path: Path
) -> None:
    """Chunks of 500 rows become row groups of the output; both rows of a repeated id go aside."""
    url, where, frame = pg_table
    out = tmp_path / "a.parquet"
    run = segment_table(url, where, out, AUDIENCE, SEGMENTS, as_of="2027-03-01", chunk_rows=500)
    repeated = str(frame.loc[10, "customer_id"])
    kept = frame[frame["customer_id"] != repeated]
    expected = assign(kept, AUDIENCE, SEGMENTS, as_of="2027-03-01")
    pd.testing.assert_frame_equal(_sorted(pd.read_parquet(out)), _sorted(expected))
    assert pq.ParquetFile(out).num_row_groups == 6  # 2,998 rows in chunks of 500
    assert run.duplicates == 1
    rejected = pd.read_csv(tmp_path / "a.rejected.csv")
    assert rejected["customer_id"].tolist() == [repeated]
    assert "CASE WHEN" in run.sql and "age" in run.sql and "first_loan_at" not in run.sql


def test_cli_segments_a_table_where_it_lives(
    pg_table: tuple[str, str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``fanzha segment --customers URL#schema.table`` writes what the pandas engine writes."""
    from click.testing import CliRunner
    from fanzha.campaigns.cli import cli

    url, where, frame = pg_table
    monkeypatch.setenv("FANZHA_DB", f"sqlite:///{tmp_path / 'store.db'}")
    campaign = Path(__file__).parents[2] / "campaigns" / "examples" / "spring-2027.yaml"
    frame = frame.iloc[:2_999]  # without the repeated id, for the file the pandas engine reads
    frame.to_parquet(tmp_path / "c.parquet", index=False)
    args = ["segment", str(campaign), "--as-of", "2027-03-01"]
    table = CliRunner().invoke(
        cli, [*args, "--customers", f"{url}#{where}", "--out", str(tmp_path / "t.csv")]
    )
    assert table.exit_code == 0, table.output
    assert "2998 customers" in table.output
    local = CliRunner().invoke(
        cli, [*args, "--customers", str(tmp_path / "c.parquet"), "--out", str(tmp_path / "p.csv")]
    )
    assert local.exit_code == 0, local.output
    got, expected = pd.read_csv(tmp_path / "t.csv"), pd.read_csv(tmp_path / "p.csv")
    repeated = str(frame.loc[10, "customer_id"])
    pd.testing.assert_frame_equal(
        _sorted(got), _sorted(expected[expected["customer_id"] != repeated])
    )
