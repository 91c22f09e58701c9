"""The stores `bench/run.py` measures in: fresh, migrated PostgreSQL databases beside
``FANZHA_BENCH_PG``'s, made and dropped by the bench."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PG = os.environ.get("FANZHA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/fanzha_h19a_bench")
FANZHA = str(Path(sys.executable).with_name("fanzha"))  # compiled by bench/run.py's main()


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def database(name: str) -> str:
    """A fresh, migrated store ``name`` on the bench server; its URL."""
    import psycopg

    base = PG.rsplit("/", 1)[0]
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    env = os.environ | {"FANZHA_DB": url}
    subprocess.run([FANZHA, "db", "upgrade"], env=env, check=True, capture_output=True)
    return url


def drop(name: str) -> None:
    """Remove a bench store."""
    import psycopg

    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
