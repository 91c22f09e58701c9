"""Deterministic holdout: a vectorized 64-bit hash of (campaign id, customer id) in numpy.

The definition, identical on every engine because it never uses a database hash:

    fold(b)   = h := S; for each 8-byte little-endian word w of b (last one zero-padded):
                    h := mix(h ^ w);   then mix(h ^ len(b))
    mix(z)    = the splitmix64 finalizer of (z + 0x9E3779B97F4A7C15), modulo 2**64
    h         = mix(fold(utf8(customer_id)) ^ fold(utf8(campaign_id)))
    score     = (h >> 11) / 2**53          in [0, 1)
    held out  <=>  score < holdout_pct / 100
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

_S = np.uint64(0x6A09E667F3BCC908)
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)

Ids: TypeAlias = pd.Series | pa.Array | pa.ChunkedArray | np.ndarray | list[str]


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer (wrapping uint64 arithmetic), in place after the first add."""
    z = h + _GAMMA
    z ^= z >> np.uint64(30)
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


def _as_arrow(ids: Ids) -> pa.Array:
    """Customer ids as one Arrow string array (nulls hash like the empty string)."""
    array = (
        pa.array(ids, type=pa.string(), from_pandas=True)
        if isinstance(ids, pd.Series | np.ndarray | list)
        else ids
    )
    if isinstance(array, pa.ChunkedArray):  # also what an Arrow-backed Series converts to
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type) or not (
        pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    ):
        array = array.cast(pa.string())
    return array.fill_null("") if array.null_count else array


def _buffers(ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (int64, n+1) and the UTF-8 bytes of an Arrow string array."""
    n = len(ids)
    offset_type = np.int64 if pa.types.is_large_string(ids.type) else np.int32
    _, offsets_buf, data_buf = ids.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=offset_type)[ids.offset : ids.offset + n + 1]
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )
    return offsets, data


def _word(block: np.ndarray) -> np.ndarray:
    """An (n, <=8) byte block as one little-endian uint64 per row (zero-padded)."""
    if block.shape[1] == 8:
        return np.ascontiguousarray(block).view("<u8")[:, 0]
    padded = np.zeros((block.shape[0], 8), dtype=np.uint8)
    padded[:, : block.shape[1]] = block
    return padded.view("<u8")[:, 0]


def _fold_uniform(data: np.ndarray, n: int, size: int) -> np.ndarray:
    """fold() when every id has the same byte length: slice words straight from the bytes."""
    rows = data[: n * size].reshape(n, size)
    h = np.full(n, _S, dtype=np.uint64)
    for k in range(0, max(size, 1), 8):
        h = _mix(h ^ _word(rows[:, k : k + 8]))
    return _mix(h ^ np.uint64(size))


def _fold_ragged(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    """fold() for ids of different lengths: a zero-padded matrix, words past an id skipped."""
    n = len(offsets) - 1
    lengths = np.diff(offsets).astype(np.int64)
    width = max(8, int(-(-lengths.max() // 8) * 8))
    matrix = np.zeros((n, width), dtype=np.uint8)
    rows = np.repeat(np.arange(n), lengths)
    cols = np.arange(offsets[-1] - offsets[0]) - np.repeat(offsets[:-1] - offsets[0], lengths)
    matrix[rows, cols] = data[offsets[0] : offsets[-1]]
    words = matrix.view("<u8")
    h = np.full(n, _S, dtype=np.uint64)
    for k in range(words.shape[1]):
        h = np.where(lengths > 8 * k, _mix(h ^ words[:, k]), h) if k else _mix(h ^ words[:, k])
    return _mix(h ^ lengths.astype(np.uint64))


def id_hashes(ids: Ids) -> np.ndarray:
    """fold() of each id: a 64-bit hash per id (equal ids, equal hashes)."""
    array = _as_arrow(ids)
    if not len(array):
        return np.zeros(0, dtype=np.uint64)
    offsets, data = _buffers(array)
    size = int(offsets[1] - offsets[0])
    if int(offsets[-1] - offsets[0]) == size * len(array) and (np.diff(offsets) == size).all():
        return _fold_uniform(data[offsets[0] :], len(array), size)
    return _fold_ragged(offsets, data)


def keyed_scores(key: str, hashes: np.ndarray, domain: int | None = None) -> np.ndarray:
    """Scores in [0, 1) of ``mix(hash ^ fold(key))``, mixed once more with ``domain`` if given.

    ``hashes`` are :func:`id_hashes` of the customer ids, so one pass over the ids serves the
    holdout, experiment arms and the global control group alike.
    """
    h = _mix(hashes ^ id_hashes([key])[0])
    if domain is not None:
        h = _mix(h ^ np.uint64(domain))
    return (h >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)


def holdout_scores(campaign_id: str, ids: Ids) -> np.ndarray:
    """Each customer's score in [0, 1) for this campaign (the same on every run and engine)."""
    return keyed_scores(campaign_id, id_hashes(ids))


def in_holdout(campaign_id: str, ids: Ids, pct: float) -> np.ndarray:
    """Boolean mask: which customers the campaign holds out (``pct`` is a percentage, 0–100)."""
    if not 0 <= pct <= 100:
        raise ValueError(f"holdout must be between 0 and 100 percent, not {pct}")
    return holdout_scores(campaign_id, ids) < pct / 100.0
