"""``fanzha run`` in pieces of customers: checked chunks of the file, in bounded memory.

A single Parquet file whose ids do not repeat is read in batches of ``rows`` customers, each
checked on its own with its own row numbers: that rejects exactly what checking the whole
file rejects, since the only check across rows is the one on repeated ids. Anything else (a
CSV file, a dataset directory, a DataFrame, a file with repeated ids) is loaded whole, as
before, and then cut into pieces for the later stages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from fanzha.campaigns import customers as C

if TYPE_CHECKING:
    from fanzha.segments import CustomerSchema, LoadResult


class CustomerChunks:
    """Checked customers, ``rows`` at a time; the load's outcome once they are all read."""

    def __init__(
        self, source: C.CustomerSource, schema: CustomerSchema, rows: int, *, write_rejected: bool
    ) -> None:
        self.source, self.schema, self.rows = source, schema, max(1, rows)
        self.write_rejected = write_rejected
        self.loaded: LoadResult | None = None  # set when every chunk was read

    def __iter__(self) -> Iterator[pd.DataFrame]:
        path = self._streamable()
        if path is None:
            loaded = C.load(self.source, self.schema, write_rejected=self.write_rejected)
            self.loaded = replace(loaded, frame=loaded.frame.iloc[:0])
            for start in range(0, len(loaded.frame), self.rows):
                yield loaded.frame.iloc[start : start + self.rows].reset_index(drop=True)
            return
        yield from self._parquet(path)

    def note(self) -> str:
        """The load note (encoding, first rejected rows) as the whole-file load gives it."""
        assert self.loaded is not None, "read the chunks first"
        written = C.rejected_path_for(self.source) if self.write_rejected else None
        return self.loaded.describe(written if not self.loaded.rejected.empty else None)

    def _streamable(self) -> Path | None:
        """The Parquet file to read in batches, or None to load the source whole."""
        if isinstance(self.source, pd.DataFrame):
            return None
        path = Path(self.source)
        if path.suffix.lower() != ".parquet" or not path.is_file():
            return None
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        file = pq.ParquetFile(path)
        if file.metadata.num_rows == 0 or self.schema.id_column not in file.schema_arrow.names:
            return None  # the whole-file load says what is missing
        ids = file.read(columns=[self.schema.id_column]).column(0)
        ids = pc.utf8_trim_whitespace(ids.cast("string")).drop_null()
        # Repeated ids are rejected across the whole file: only then does a batch need others.
        return path if pc.count_distinct(ids).as_py() == len(ids) else None

    def _parquet(self, path: Path) -> Iterator[pd.DataFrame]:
        import pyarrow as pa
        import pyarrow.parquet as pq
        from fanzha.segments.load_summary import write_rejected
        from fanzha.segments.loader import check_rows

        names = pq.read_schema(path)
        wanted = [c for c in self.schema.names if c in names.names]
        coded = [  # as the whole-file reader keeps them (segments.reading)
            f.name
            for f in names
            if f.name in wanted
            and f.name != self.schema.id_column
            and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
        ]
        extra = tuple(c for c in names.names if c not in self.schema)
        file = pq.ParquetFile(path, read_dictionary=coded)
        first, results = 0, []
        for batch in file.iter_batches(batch_size=self.rows, columns=wanted):
            raw = pa.Table.from_batches([batch]).to_pandas(split_blocks=True, self_destruct=True)
            rows = np.arange(first + 1, first + len(raw) + 1)
            first += len(raw)
            loaded = check_rows(raw, self.schema, rows, str(path), extra=extra)
            results.append(replace(loaded, frame=loaded.frame.iloc[:0]))
            yield loaded.frame
        rejected = pd.concat([r.rejected for r in results], ignore_index=True)
        counts: Counter[str] = Counter()
        for r in results:
            counts.update(r.summary.by_reason)
        summary = replace(
            results[0].summary,
            rows_read=sum(r.summary.rows_read for r in results),
            rows_loaded=sum(r.summary.rows_loaded for r in results),
            rows_rejected=sum(r.summary.rows_rejected for r in results),
            by_reason=dict(counts),
        )
        self.loaded = replace(results[0], rejected=rejected, summary=summary)
        target = C.rejected_path_for(self.source) if self.write_rejected else None
        if target is not None:
            if rejected.empty:
                target.unlink(missing_ok=True)
            else:
                write_rejected(rejected, target)
