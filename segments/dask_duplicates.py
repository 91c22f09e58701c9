"""Duplicate ids across Dask partitions, found without a shuffle.

Pass 1 hashes each partition's unique values to 64 bits and merges the sorted hash
arrays up a tree: a hash seen in two places is a suspect (equal values have equal
hashes; the merge moves 8 bytes per distinct value, never the rows). Only when there
are suspects, pass 2 reads the rows whose hash is a suspect (exact values and row
numbers) and keeps those whose value really repeats. The first row of a value is kept
and every later one rejected — the rule ``load_customers`` applies to a whole file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from fanzha.segments.coerce import coerce_column
from fanzha.segments.dataset import Piece, read_piece
from fanzha.segments.holdout import id_hashes
from fanzha.segments.schema import CustomerSchema

Hashes = dict[str, tuple[np.ndarray, np.ndarray]]  # column -> (sorted unique, repeated)


def unique_columns(schema: CustomerSchema, present: Sequence[str]) -> list[str]:
    """The columns whose values must not repeat (the id and any declared unique)."""
    return [
        s.name
        for s in schema.columns
        if (s.unique or s.name == schema.id_column) and s.name in present
    ]


def _typed(piece: Piece, schema: CustomerSchema, columns: list[str]) -> dict[str, pd.Series]:
    """The columns as ``check_rows`` types them (so equal means equal there too)."""
    raw = read_piece(piece, columns, []).to_pandas()
    return {c: coerce_column(raw[c], schema[c])[0] for c in columns}


def _hashes(values: pd.Series) -> np.ndarray:
    present = values[values.notna()]
    return id_hashes(pa.array(present.astype("str"), type=pa.string()))


def _split(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A sorted array's distinct values, and the values that repeat (each once, sorted)."""
    # by sorting, not np.unique: its hash table is ~10x slower on millions of uint64
    if len(ordered) < 2:
        return ordered, ordered[:0]
    same = ordered[1:] == ordered[:-1]
    first = np.concatenate([[True], ~same])
    repeated = ordered[1:][same]
    if len(repeated) > 1:
        repeated = repeated[np.concatenate([[True], repeated[1:] != repeated[:-1]])]
    return ordered[first], repeated


def piece_hashes(piece: Piece, schema: CustomerSchema, columns: list[str]) -> Hashes:
    """Pass 1, one partition: sorted unique hashes, and those repeated inside it."""
    return {
        name: _split(np.sort(_hashes(values)))
        for name, values in _typed(piece, schema, columns).items()
    }


def merge_hashes(a: Hashes, b: Hashes) -> Hashes:
    """Two partitions' (or subtrees') hashes as one; hashes in both become suspects."""
    out: Hashes = {}
    for name in a:
        (ua, ra), (ub, rb) = a[name], b[name]
        # two sorted runs: the stable sort (timsort) merges them in linear time
        union, both = _split(np.sort(np.concatenate([ua, ub]), kind="stable"))
        suspects = np.sort(np.concatenate([ra, rb, both]))
        out[name] = (union, _split(suspects)[0])
    return out


def suspects_only(hashes: Hashes) -> dict[str, np.ndarray]:
    """The root of the tree keeps only the suspect hashes (small, sent to pass 2)."""
    return {name: repeated for name, (_, repeated) in hashes.items()}


def piece_suspects(
    piece: Piece, schema: CustomerSchema, suspects: dict[str, np.ndarray]
) -> dict[str, pd.DataFrame]:
    """Pass 2, one partition: value and dataset row of each row whose hash is a suspect."""
    out = {}
    for name, values in _typed(piece, schema, list(suspects)).items():
        keep = np.zeros(len(values), dtype=bool)
        notna = values.notna().to_numpy()
        keep[notna] = np.isin(_hashes(values), suspects[name])
        rows = np.flatnonzero(keep) + piece.first_row + 1
        out[name] = pd.DataFrame({"value": values[keep].astype("str").to_numpy(), "row": rows})
    return out


def repeated_rows(found: Sequence[dict[str, pd.DataFrame]]) -> dict[str, np.ndarray]:
    """Dataset rows (1-based, sorted) that repeat a value of an earlier row, per column."""
    out = {}
    for name in found[0] if found else {}:
        rows = pd.concat([f[name] for f in found], ignore_index=True).sort_values("row")
        later = rows.duplicated("value", keep="first").to_numpy()
        out[name] = np.sort(rows["row"].to_numpy()[later])
    return out


def rows_in_piece(repeated: dict[str, np.ndarray], piece: Piece) -> dict[str, np.ndarray]:
    """The repeated rows of one partition as masks over its rows."""
    masks = {}
    for name, rows in repeated.items():
        local = rows[(rows > piece.first_row) & (rows <= piece.first_row + piece.rows)]
        mask = np.zeros(piece.rows, dtype=bool)
        mask[local - piece.first_row - 1] = True
        masks[name] = mask
    return masks


def find_repeated(
    parts: Sequence[Piece], schema: CustomerSchema, columns: list[str], compute: Any
) -> dict[str, np.ndarray]:
    """Both passes on Dask (``compute``: ``dask.compute`` or a client's equivalent)."""
    from dask import delayed

    if not columns or not parts:
        return {}
    level = [delayed(piece_hashes)(p, schema, columns) for p in parts]
    while len(level) > 1:  # a binary tree of merges: no node sees more than two inputs
        pairs = [level[i : i + 2] for i in range(0, len(level), 2)]
        level = [delayed(merge_hashes)(*pair) if len(pair) == 2 else pair[0] for pair in pairs]
    (suspects,) = compute(delayed(suspects_only)(level[0]))
    if not any(len(v) for v in suspects.values()):
        return {name: np.zeros(0, dtype=np.int64) for name in columns}
    found = compute(*[delayed(piece_suspects)(p, schema, suspects) for p in parts])
    return repeated_rows(list(found))
