"""Deterministic holdout: a vectorized 64-bit hash of (campaign id, customer id) in numpy.

The definition, identical on every engine because it never uses a database hash:

    seed  = fold(S, utf8(campaign_id))
    h     = fold(seed, utf8(customer_id))
    fold(h, b): for each 8-byte little-endian word w of b (last one zero-padded):
                    h = mix(h ^ w);   then h = mix(h ^ len(b))
    mix   = the splitmix64 finalizer of (h + 0x9E3779B97F4A7C15), modulo 2**64
    score = (h >> 11) / 2**53          in [0, 1)
    held out  <=>  score < holdout_pct / 100
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

_S = np.uint64(0x6A09E667F3BCC908)
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer (wrapping uint64 arithmetic), in place where possible."""
    z = h + _GAMMA
    z ^= z >> np.uint64(30)
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


def _byte_matrix(ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Id bytes as an (n, 8k) zero-padded uint8 matrix, and each id's byte length."""
    ids = ids.cast(pa.large_string()) if pa.types.is_large_string(ids.type) else ids
    if not pa.types.is_large_string(ids.type):
        ids = ids.cast(pa.string())
    n = len(ids)
    offset_type = np.int64 if pa.types.is_large_string(ids.type) else np.int32
    buffers = ids.buffers()
    offsets = np.frombuffer(buffers[1], dtype=offset_type)[ids.offset : ids.offset + n + 1]
    offsets = offsets.astype(np.int64)
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)
        if buffers[2] is not None
        else np.zeros(0, np.uint8)
    )
    lengths = np.diff(offsets)
    width = max(8, int(-(-lengths.max() // 8) * 8)) if n else 8
    matrix = np.zeros((n, width), dtype=np.uint8)
    if n and (lengths == lengths[0]).all():
        size = int(lengths[0])
        matrix[:, :size] = data[offsets[0] : offsets[0] + n * size].reshape(n, size)
    elif n:
        rows = np.repeat(np.arange(n), lengths)
        cols = np.arange(offsets[-1] - offsets[0]) - np.repeat(offsets[:-1] - offsets[0], lengths)
        matrix[rows, cols] = data[offsets[0] : offsets[-1]]
    return matrix, lengths


def _fold(h: np.ndarray, matrix: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Fold each row's bytes into its running hash (words past a row's length are skipped)."""
    if not len(lengths):
        return h
    words = np.ascontiguousarray(matrix).view("<u8")
    uniform = bool((lengths == lengths[0]).all())
    for k in range(words.shape[1]):
        mixed = _mix(h ^ words[:, k])
        h = mixed if uniform and lengths[0] > 8 * k else np.where(lengths > 8 * k, mixed, h)
    return _mix(h ^ lengths.astype(np.uint64))


def _as_arrow(ids: pd.Series | pa.Array | np.ndarray | list[str]) -> pa.Array:
    """Customer ids as one Arrow string array (nulls hash like the empty string)."""
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    if not isinstance(ids, pa.Array):
        ids = pa.array(ids, type=pa.string(), from_pandas=True)
        if isinstance(ids, pa.ChunkedArray):
            ids = ids.combine_chunks()
    if ids.null_count:
        ids = ids.fill_null("")
    return ids


def id_hashes(ids: pd.Series | pa.Array | np.ndarray | list[str]) -> np.ndarray:
    """A 64-bit hash per id (equal ids, equal hashes) — a fast first pass for duplicates."""
    matrix, lengths = _byte_matrix(_as_arrow(ids))
    return _fold(np.full(len(lengths), _S, dtype=np.uint64), matrix, lengths)


def holdout_scores(
    campaign_id: str, ids: pd.Series | pa.Array | np.ndarray | list[str]
) -> np.ndarray:
    """Each customer's score in [0, 1) for this campaign (the same on every run and engine)."""
    seed_matrix, seed_len = _byte_matrix(pa.array([campaign_id], type=pa.string()))
    seed = _fold(np.array([_S], dtype=np.uint64), seed_matrix, seed_len)
    matrix, lengths = _byte_matrix(_as_arrow(ids))
    h = _fold(np.full(len(lengths), seed[0], dtype=np.uint64), matrix, lengths)
    return (h >> np.uint64(11)).astype(np.float64) / float(2**53)


def in_holdout(
    campaign_id: str, ids: pd.Series | pa.Array | np.ndarray | list[str], pct: float
) -> np.ndarray:
    """Boolean mask: which customers the campaign holds out (``pct`` is a percentage, 0–100)."""
    if not 0 <= pct <= 100:
        raise ValueError(f"holdout must be between 0 and 100 percent, not {pct}")
    return holdout_scores(campaign_id, ids) < pct / 100.0
