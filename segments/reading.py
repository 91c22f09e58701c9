"""Raw customer rows from CSV (any supported encoding), Parquet or a SQL table, not yet checked."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from fanzha.segments.encoding import MAX_LINE_BYTES, UTF8, Encoding, clean_lines, sniff
from fanzha.segments.errors import SchemaError
from fanzha.segments.schema import CustomerSchema

SUFFIXES = (".csv", ".parquet")
_SHOWN = 200  # characters of a malformed line kept in the rejected rows


@dataclass
class RawRows:
    """Rows as read: ``rows`` numbers them (file lines for CSV), ``bad_lines`` never became rows."""

    frame: pd.DataFrame
    rows: np.ndarray
    bad_lines: list[dict[str, Any]] = field(default_factory=list)
    encoding: str = ""  # how a CSV file was read, e.g. "GB18030"; "" for Parquet and SQL
    extra: tuple[str, ...] = ()  # columns the schema does not declare
    unit: str = "row"  # "line" when ``rows`` are line numbers of a text file


def customer_path(source: str | Path) -> Path:
    """A customer file's path, refused early when it cannot be one."""
    path = Path(source)
    if path.is_dir():  # a Parquet dataset: its files are checked when read
        return path
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls"):
        raise SchemaError(
            f"{path}: customers are read from .csv or .parquet; in Excel choose "
            'File > Save As > "CSV UTF-8 (comma delimited)"'
        )
    if suffix not in SUFFIXES:
        raise SchemaError(f"{path}: customers are read from .csv or .parquet, not {suffix!r}")
    if not path.exists():
        raise SchemaError(f"{path}: no such customer file")
    return path


def _header(path: Path, encoding: Encoding) -> tuple[list[str], str]:
    """The CSV header's column names, decoded as the file is, and the field delimiter.

    Excel writes commas, semicolons in some locales, and tabs for "Unicode text".
    """
    codec = "utf-8-sig" if encoding.codec == "utf-8" else encoding.codec
    try:
        if codec.startswith("utf-16"):  # newlines are two bytes: let the codec find them
            with path.open(encoding=codec, newline="") as handle:
                first = handle.readline(MAX_LINE_BYTES)
        else:  # only the first line: a bad line further down is rejected, not fatal
            with path.open("rb") as handle:
                first = handle.readline(MAX_LINE_BYTES).decode(codec)
        delimiter = max(",\t;", key=first.count)  # ties (none at all): the comma
        header = next(csv.reader([first.rstrip("\r\n")], delimiter=delimiter), [])
    except UnicodeDecodeError:
        raise SchemaError(f"{path}: line 1 (the header) is not {encoding.label} text") from None
    except csv.Error as exc:
        raise SchemaError(f"{path}: line 1 (the header) is not a CSV line ({exc})") from None
    if not header:
        raise SchemaError(f"{path}: the file is empty (no header line)")
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise SchemaError(f"{path}: the header names {', '.join(map(repr, twice))} twice")
    return header, delimiter


def customer_columns(source: str | Path) -> set[str]:
    """Column names of a customer file (the CSV header in its encoding, or the Parquet schema).

    A directory is read as a Parquet dataset (what the Dask engine reads).
    """
    if Path(source).is_dir():
        import pyarrow.dataset as ds

        try:
            return set(ds.dataset(source, format="parquet").schema.names)
        except (pa.ArrowInvalid, OSError) as exc:
            raise SchemaError(f"{source}: not a Parquet dataset ({exc})") from None
    path = customer_path(source)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return set(pq.read_schema(path).names)
    return set(_header(path, sniff(path))[0])


def _parse(
    source: Any,
    codec: str,
    header: tuple[list[str], str],
    id_column: str,
    kept: np.ndarray | None,
) -> tuple[pd.DataFrame, np.ndarray, list[dict[str, Any]]]:
    """Every field as text (dictionary-coded but for the id) and each row's line number."""
    import pyarrow.csv as pacsv

    invalid: list[tuple[int, str, int, int]] = []  # record number, text, fields, expected

    def on_invalid(row: Any) -> str:
        invalid.append((row.number, row.text, row.actual_columns, row.expected_columns))
        return "skip"

    names, delimiter = header
    coded = pa.dictionary(pa.int32(), pa.string())
    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(
            use_threads=False,  # so skipped records carry their numbers
            encoding="utf8" if codec == "utf-8" else codec,
            block_size=MAX_LINE_BYTES,  # a longer line fails the fast path: see clean_lines
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            invalid_row_handler=on_invalid,
            newlines_in_values=True,  # a quoted cell may hold a line break (Excel allows it)
            ignore_empty_lines=False,  # blank lines keep their place: line numbers stay right
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() if n == id_column else coded for n in names},
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    breaks = _line_breaks(table)
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    lines, skipped_lines = _physical_lines(len(frame), invalid, breaks)
    if kept is not None:  # the careful path parsed a copy without the unreadable lines
        lines, skipped_lines = kept[lines - 1], kept[skipped_lines - 1]
    malformed = [
        {
            "row": int(line),
            "reason": f"malformed line: {fields} fields, expected {expected}",
            "line": text[:_SHOWN],
            "kind": "malformed line",
        }
        for (_, text, fields, expected), line in zip(invalid, skipped_lines, strict=True)
        if text.strip()  # a blank line is no customer: skipped, not rejected
    ]
    empty = frame[id_column].isna().to_numpy()
    if empty.any():  # lines of nothing but delimiters are blank lines too
        blank = empty & frame.isna().all(axis=1).to_numpy()
        frame, lines = frame[~blank].reset_index(drop=True), lines[~blank]
    return frame, lines, malformed


def _line_breaks(table: pa.Table) -> np.ndarray | None:
    """Line breaks inside each row's quoted cells (None when there are none, as usual)."""
    import pyarrow.compute as pc

    total = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        for chunk, start in zip(
            column.chunks, np.cumsum([0, *map(len, column.chunks)]), strict=False
        ):
            if pa.types.is_dictionary(chunk.type):  # count in the distinct values only
                per_value = pc.count_substring(chunk.dictionary, "\n").to_numpy(
                    zero_copy_only=False
                )
                if not per_value.any():
                    continue
                counts = np.append(per_value, 0)[chunk.indices.fill_null(-1).to_numpy()]
            elif _has_newline(chunk):
                counts = pc.count_substring(chunk, "\n").fill_null(0).to_numpy()
            else:
                continue
            total[start : start + len(chunk)] += counts
    return total if total.any() else None


def _has_newline(chunk: pa.Array) -> bool:
    """Whether a text array's bytes hold a line break (a scan of its buffer: no copies)."""
    data = chunk.buffers()[2]
    return data is not None and bool((np.frombuffer(data, np.uint8) == 10).any())


def _physical_lines(
    rows: int, invalid: list[tuple[int, str, int, int]], breaks: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """File line numbers of the parsed rows and of the skipped records.

    The parser numbers records (the header is 1); a record holding line breaks in quoted
    cells spans several lines, which pushes every later record further down.
    """
    records = np.arange(2, rows + len(invalid) + 2)
    skipped = np.isin(records, np.array([number for number, *_ in invalid], dtype=np.int64))
    if breaks is None and not any("\n" in text for _, text, *_ in invalid):
        return records[~skipped], records[skipped]
    extra = np.zeros(len(records), dtype=np.int64)
    extra[np.flatnonzero(~skipped)[:rows]] = 0 if breaks is None else breaks
    extra[skipped] = [text.count("\n") for _, text, *_ in invalid]
    lines = records + np.concatenate(([0], np.cumsum(extra)[:-1]))
    return lines[~skipped], lines[skipped]


def _read_csv(path: Path, schema: CustomerSchema) -> RawRows:
    """A CSV file in UTF-8, GB18030 or UTF-16; unreadable and malformed lines set aside."""
    encoding = sniff(path)
    header = _header(path, encoding)
    try:
        frame, lines, bad = _parse(path, encoding.codec, header, schema.id_column, None)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        # an unreadable or oversized line: find and set aside exactly those lines
        clean = clean_lines(path, encoding)
        try:
            frame, lines, bad = _parse(
                pa.BufferReader(clean.data), UTF8.codec, header, schema.id_column, clean.lines
            )
        except pa.ArrowInvalid as exc:
            raise SchemaError(f"{path}: cannot read it as CSV ({exc})") from None
        bad = sorted(bad + clean.bad_lines, key=lambda item: item["row"])
        encoding = clean.encoding
    extra = tuple(c for c in header[0] if c not in schema)
    return RawRows(frame, lines, bad, encoding.label, extra, unit="line")


def _read_parquet(path: Path, schema: CustomerSchema) -> RawRows:
    """The schema's columns of a Parquet file; low-cardinality text stays dictionary-coded."""
    from fanzha.segments.dataset import dataset_schema, read_dataset

    file_schema = dataset_schema(path)
    wanted = [c for c in schema.names if c in file_schema.names]
    # occupation, locale, … stay dictionary-coded: far less memory and time than one
    # string per row, and every value is checked once; the id stays plain text
    coded = [
        f.name
        for f in file_schema
        if f.name in wanted
        and f.name != schema.id_column
        and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
    ]
    table = read_dataset(path, wanted, coded)
    frame = table.to_pandas(split_blocks=True, self_destruct=True)  # no consolidation copy
    del table
    extra = tuple(c for c in file_schema.names if c not in schema)
    return RawRows(frame, np.arange(1, len(frame) + 1), extra=extra)


def _read_table(source: Any, table: str, schema: CustomerSchema) -> RawRows:
    """A table of a SQL database (``source``: URL or SQLAlchemy engine)."""
    import sqlalchemy as sa

    engine = sa.create_engine(source) if isinstance(source, str) else source
    try:
        frame = pd.read_sql_table(table, engine)
    finally:
        if isinstance(source, str):
            engine.dispose()
    extra = tuple(str(c) for c in frame.columns if c not in schema)
    frame = frame[[c for c in schema.names if c in frame.columns]]
    return RawRows(frame, np.arange(1, len(frame) + 1), extra=extra)


def read_customers(source: Any, schema: CustomerSchema, *, table: str | None = None) -> RawRows:
    """Raw rows of a .csv/.parquet path, or of ``table`` in a SQL database."""
    if table is not None:
        return _read_table(source, table, schema)
    path = customer_path(source)
    if path.is_dir() or path.suffix.lower() == ".parquet":
        return _read_parquet(path, schema)
    return _read_csv(path, schema)
