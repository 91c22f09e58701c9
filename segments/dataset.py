"""Parquet customer datasets: the files of a directory, and partitions by row group.

One file or a directory of ``*.parquet`` files (searched recursively, in sorted path
order) is one sequence of rows: row N of the dataset is row N for every engine, so the
rejected rows of the pandas and Dask engines carry the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from fanzha.segments.errors import SchemaError

ROWS_PER_PARTITION = 500_000  # big enough that task overhead is noise, small for memory


@dataclass(frozen=True)
class Piece:
    """One partition: whole row groups of one file, and where its rows start."""

    index: int
    file: str
    row_groups: tuple[int, ...]
    first_row: int  # rows of the dataset before this piece
    rows: int


def dataset_files(source: str | Path) -> list[Path]:
    """The Parquet files of a file or directory, in the order their rows are numbered."""
    path = Path(source)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise SchemaError(f"{path}: no such customer file or directory")
    files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
    if not files:
        raise SchemaError(f"{path}: a directory without .parquet files")
    return files


def read_dataset(source: str | Path, columns: list[str], coded: list[str]) -> pa.Table:
    """Columns of every file of a dataset, one table in row order (schemas must agree)."""
    tables = []
    for file in dataset_files(source):
        present = set(_schema(file).names)
        missing = [c for c in columns if c not in present]
        if missing:
            raise SchemaError(f"{file}: columns missing in this file: {', '.join(missing)}")
        tables.append(pq.read_table(file, columns=columns, read_dictionary=coded))
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SchemaError(f"{source}: the files' column types differ ({exc})") from None


def dataset_schema(source: str | Path) -> pa.Schema:
    """The first file's schema (every file is checked when read)."""
    return _schema(dataset_files(source)[0])


def _schema(file: Path) -> pa.Schema:
    try:
        return pq.read_schema(file)
    except (pa.ArrowInvalid, OSError) as exc:
        raise SchemaError(f"{file}: not a readable Parquet file ({exc})") from None


def pieces(source: str | Path, rows_per_partition: int | None = None) -> list[Piece]:
    """Partitions of whole row groups, in row order, from the files' footers only."""
    rows_per_partition = rows_per_partition or ROWS_PER_PARTITION
    out: list[Piece] = []
    first = 0
    for file in dataset_files(source):
        try:
            meta = pq.ParquetFile(file).metadata
        except (pa.ArrowInvalid, OSError) as exc:
            raise SchemaError(f"{file}: not a readable Parquet file ({exc})") from None
        groups: list[int] = []
        rows = 0
        for i in range(meta.num_row_groups):
            groups.append(i)
            rows += meta.row_group(i).num_rows
            if rows >= rows_per_partition:
                out.append(Piece(len(out), str(file), tuple(groups), first, rows))
                first, groups, rows = first + rows, [], 0
        if groups:
            out.append(Piece(len(out), str(file), tuple(groups), first, rows))
            first += rows
    return out


def read_piece(piece: Piece, columns: list[str], coded: list[str]) -> pa.Table:
    """The given columns of one piece (called on a Dask worker)."""
    parquet = pq.ParquetFile(piece.file, read_dictionary=coded)
    present = set(parquet.schema_arrow.names)
    missing = [c for c in columns if c not in present]
    if missing:
        raise SchemaError(f"{piece.file}: columns missing in this file: {', '.join(missing)}")
    return parquet.read_row_groups(list(piece.row_groups), columns=columns)
