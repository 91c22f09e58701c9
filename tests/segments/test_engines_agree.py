"""Property: pandas, SQLite, PostgreSQL and Dask give the same true/false/unknown per row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from fanzha.segments.engine_pandas import Evaluator
from fanzha.segments.engine_sql import load_frame, sql_truths
from fanzha.segments.typecheck import parse_rule
from hypothesis import HealthCheck, given, settings

from tests.segments.strategies import AS_OF, SCHEMA, bool_expr, frames

FUNCTION_FIXTURE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _pandas(rule_text: str, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return Evaluator(frame, SCHEMA, AS_OF).truth(parse_rule(rule_text, SCHEMA))


@pytest.fixture
def sql_engine(db_url: str):  # type: ignore[no-untyped-def]
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    yield engine
    engine.dispose()


@pytest.mark.slow
@settings(max_examples=250, deadline=None, suppress_health_check=FUNCTION_FIXTURE)
@given(rule=bool_expr, frame=frames())
def test_sql_agrees_with_pandas(sql_engine: sa.Engine, rule: str, frame: pd.DataFrame) -> None:
    """Same rows true and same rows unknown, for random rules over data full of nulls."""
    expected_true, expected_null = _pandas(rule, frame)
    table = load_frame(sql_engine, frame, SCHEMA, "prop_customers")
    _, [(got_true, got_null)] = sql_truths(
        sql_engine, table, SCHEMA, [parse_rule(rule, SCHEMA)], AS_OF
    )
    assert got_true.tolist() == expected_true.tolist(), rule
    assert got_null.tolist() == expected_null.tolist(), rule


@pytest.fixture(scope="module")
def dask_client():  # type: ignore[no-untyped-def]
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        dashboard_address=":0",  # any free port: with None it still wants 8787, taken by the other xdist worker's cluster
    )
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def _tri(part: pd.DataFrame, rule_text: str) -> pd.DataFrame:
    true, null = Evaluator(part, SCHEMA, AS_OF).truth(parse_rule(rule_text, SCHEMA))
    return pd.DataFrame({"t": true, "u": null}, index=part.index)


@settings(max_examples=40, deadline=None, suppress_health_check=FUNCTION_FIXTURE)
@given(rule=bool_expr, frame=frames())
def test_dask_agrees_with_pandas(dask_client, rule: str, frame: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    """Dask partitions (on a LocalCluster) give the pandas answer row for row."""
    import dask.dataframe as dd

    expected_true, expected_null = _pandas(rule, frame)
    meta = pd.DataFrame({"t": pd.Series(dtype=bool), "u": pd.Series(dtype=bool)})
    ddf = dd.from_pandas(frame, npartitions=min(3, len(frame)), sort=False)
    got = ddf.map_partitions(_tri, rule, meta=meta).compute()
    assert got["t"].tolist() == expected_true.tolist(), rule
    assert got["u"].tolist() == expected_null.tolist(), rule


def test_null_semantics_are_sql_three_valued() -> None:
    """A comparison with null is unknown, not unknown stays unknown, unknown never matches."""
    frame = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3"],
            "consent_education": [True] * 3,
            "n": pd.array([1, None, 5], dtype="Int64"),
            "x": [0.0, 0.0, 0.0],
            "flag": pd.array([True, None, False], dtype="boolean"),
            "word": pd.Series(["a", None, "b"], dtype="str"),
            "when": pd.Series([None, None, None], dtype="datetime64[us]"),
        }
    )
    true, null = _pandas("not (n > 2)", frame)
    assert true.tolist() == [True, False, False] and null.tolist() == [False, True, False]
    true, null = _pandas("flag or n > 2", frame)
    assert true.tolist() == [True, False, True] and null.tolist() == [False, True, False]
    true, null = _pandas("flag and n > 2", frame)
    assert true.tolist() == [False, False, False] and null.tolist() == [False, True, False]
    true, _ = _pandas("is_null(n) or is_null(word)", frame)
    assert true.tolist() == [False, True, False]
    true, null = _pandas("n not in [1, 2]", frame)
    assert true.tolist() == [False, False, True] and null.tolist() == [False, True, False]
