"""Bulk writes to PostgreSQL by COPY: CSV made by Arrow in a thread while the server loads.

Two ways into the outbox. When no row can clash (a campaign's first messages, under the run's
advisory lock) the rows are COPYed straight into ``messages`` inside a savepoint; if a row
clashes after all (a concurrent writer), the savepoint is rolled back and the rows take the
other way: COPY into a temp table, then ``INSERT … ON CONFLICT DO NOTHING``, which skips them.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from queue import Queue
from typing import Any

import pandas as pd
from sqlalchemy.engine import Connection

CHUNK = 50_000  # rows per CSV piece: small enough to keep two in flight
_SAVEPOINT = "fanzha_direct_copy"


def csv_bytes(frame: pd.DataFrame, times: Iterable[str] = ()) -> bytes:
    """``frame`` as COPY's CSV: Arrow's writer (C++), several times faster than pandas'.

    Arrow quotes every string, so an empty string stays ``""`` (text) and a missing value is
    an empty field (NULL). ``times`` (aware datetimes) are written in UTC with microseconds.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    table = pa.Table.from_pandas(frame, preserve_index=False)
    for name in times:
        # A run has few distinct times: format each once (Arrow's per-row time zone
        # conversion costs more than the rest of the row).
        stamps = table.column(name).cast(pa.timestamp("us", tz="UTC"))
        coded = pc.dictionary_encode(stamps).combine_chunks()
        text = pc.strftime(coded.dictionary, format="%Y-%m-%d %H:%M:%S+00")
        column = pa.DictionaryArray.from_arrays(coded.indices, text)
        table = table.set_column(table.schema.get_field_index(name), name, column)
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=False))
    return sink.getvalue().to_pybytes()


def copy_pieces(cursor: Any, sql: str, pieces: Iterator[bytes]) -> None:
    """One COPY of ``pieces``, each made in a thread while the previous one is written.

    Making a piece (ids, CSV) is Python work; loading it is the server's: overlapping them
    keeps both cores busy. At most two pieces wait, so memory stays bounded.
    """
    queue: Queue[bytes | BaseException | None] = Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for piece in pieces:
                if stop.is_set():
                    return
                queue.put(piece)
            queue.put(None)
        except BaseException as exc:  # handed to the writer, which raises it
            queue.put(exc)

    thread = threading.Thread(target=produce, name="fanzha-copy", daemon=True)
    thread.start()
    try:
        with cursor.copy(sql) as copy:
            while (item := queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                copy.write(item)
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            while not queue.empty():
                queue.get_nowait()
            thread.join(timeout=0.05)


def _copy_sql(table: str, columns: list[str], null_columns: Iterable[str]) -> str:
    forced = list(null_columns)
    options = f", FORCE_NULL ({', '.join(forced)})" if forced else ""
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{options})"


def driver_cursor(conn: Connection) -> Any:
    """A psycopg cursor on the connection's transaction."""
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr]  # psycopg


def _pieces(
    frame: pd.DataFrame, make: Callable[[pd.DataFrame], pd.DataFrame], times: list[str]
) -> Iterator[bytes]:
    for start in range(0, len(frame), CHUNK):
        yield csv_bytes(make(frame.iloc[start : start + CHUNK]), times)


def copy_into(
    conn: Connection,
    table: str,
    frame: pd.DataFrame,
    make: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    times: list[str],
    null_columns: list[str],
) -> None:
    """COPY the rows ``make`` turns each piece of ``frame`` into, straight into ``table``."""
    columns = list(make(frame.iloc[:0]).columns)
    sql = _copy_sql(table, columns, null_columns)
    copy_pieces(driver_cursor(conn), sql, _pieces(frame, make, times))


def insert_skipping(
    conn: Connection,
    table: str,
    frame: pd.DataFrame,
    make: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    times: list[str],
    null_columns: list[str],
    direct: bool,
) -> int:
    """Insert the rows, skipping any that clash with a unique index; how many were inserted.

    ``direct``: the caller expects no clash, so the rows are COPYed straight into ``table``
    (in a savepoint, rolled back if a row clashes after all).
    """
    import psycopg

    cursor = driver_cursor(conn)
    columns = list(make(frame.iloc[:0]).columns)
    if direct:
        cursor.execute(f"SAVEPOINT {_SAVEPOINT}")
        try:
            copy_into(conn, table, frame, make, times=times, null_columns=null_columns)
        except psycopg.errors.UniqueViolation:
            cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
        else:
            cursor.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
            return len(frame)
    temp = f"_enqueue_{uuid.uuid4().hex[:8]}"
    names = ", ".join(columns)
    cursor.execute(f"CREATE TEMP TABLE {temp} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
    copy_into(conn, temp, frame, make, times=times, null_columns=null_columns)
    # Without a conflict target this skips a row that clashes with any unique index (for the
    # outbox: the id, or the live key of a message not superseded).
    cursor.execute(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM {temp} ON CONFLICT DO NOTHING"  # noqa: S608
    )
    inserted = int(cursor.rowcount)
    cursor.execute(f"DROP TABLE {temp}")  # a long transaction may insert again
    return inserted
