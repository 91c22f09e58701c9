"""Picking a warning and variant per customer and send, vectorized over assignments.

For a customer in segment s with eligible warnings w_0..w_{k-1} (the segment's list,
in order, keeping those approved and unexpired in the fallback locale):

* start slot = (hash(customer_id) + wave_index) mod k, so waves rotate through the list
  and customers are spread over it;
* from the start slot, the first warning not sent to the customer within the repeat
  window is taken; when all were, the one sent longest ago;
* variant = (hash' + prior sends of that warning to the customer) mod n_variants, so a
  warning shown again tells a different story;
* locale = the customer's, when that translation of the chosen variant is sendable,
  else the fallback locale (`locale_fallback` = True).

Everything is numpy over arrays; the only Python loop is over the k slots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from content.errors import NoEligibleWarning
from content.library import Library

_NEVER = np.iinfo(np.int64).min


def _utc_ns(values: pd.Series | datetime) -> np.ndarray | int:
    """Timestamps as int64 nanoseconds UTC (naive values are taken as UTC)."""
    if isinstance(values, datetime):
        stamp = pd.Timestamp(values)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        return int(stamp.as_unit("ns").value)
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.as_unit("ns").astype("int64").to_numpy()


def _stable_hash(ids: pd.Series) -> np.ndarray:
    """A deterministic 64-bit hash per id (fixed key, independent of row order)."""
    return pd.util.hash_pandas_object(ids.astype(str), index=False).to_numpy(np.uint64)


def _eligible(
    segments: Sequence[str],
    segment_warnings: Mapping[str, Sequence[str]],
    sendable: pd.DataFrame,
    fallback_locale: str,
) -> dict[str, list[str]]:
    """Each segment's listed warnings that are sendable in the fallback locale."""
    ready = set(sendable.loc[sendable["locale"] == fallback_locale, "warning_id"])
    out = {}
    for segment in segments:
        listed = list(dict.fromkeys(segment_warnings.get(segment, ())))
        keep = [w for w in listed if w in ready]
        if not keep:
            shown = ", ".join(listed) or "none listed"
            raise NoEligibleWarning(
                f"segment {segment!r} has no approved, unexpired warning in "
                f"{fallback_locale} (listed: {shown})"
            )
        out[segment] = keep
    return out


def _history_stats(
    history: pd.DataFrame | None,
    customers: pd.Index,
    warnings: pd.Index,
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Per (customer, warning) key: the last send (ns) and the number of sends."""
    if history is None or history.empty:
        return (
            pd.Index(np.array([], dtype=np.int64)),
            np.array([], np.int64),
            np.array([], np.int64),
        )
    cust = customers.get_indexer(history["customer_id"].astype(str))
    warn = warnings.get_indexer(history["warning_id"].astype(str))
    keep = (cust >= 0) & (warn >= 0)
    keys = cust[keep].astype(np.int64) * len(warnings) + warn[keep]
    sent = _utc_ns(history.loc[keep, "sent_at"])
    frame = pd.DataFrame({"key": keys, "sent": sent})
    stats = frame.groupby("key", sort=True)["sent"].agg(["max", "size"])
    return pd.Index(stats.index.to_numpy()), stats["max"].to_numpy(), stats["size"].to_numpy()


def _pick_slot(
    start: np.ndarray,
    k: np.ndarray,
    slots: np.ndarray,
    base_key: np.ndarray,
    hist: tuple[pd.Index, np.ndarray, np.ndarray],
    cutoff: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The chosen warning code per row and its prior send count."""
    key_index, last_sent, counts = hist
    n, width = len(start), slots.shape[1]
    rows = np.arange(n)
    last = np.full((n, width), np.iinfo(np.int64).max, dtype=np.int64)  # invalid slot: worst
    code = np.zeros((n, width), dtype=np.int64)
    prior = np.zeros((n, width), dtype=np.int64)
    for offset in range(width):
        valid = offset < k
        slot = (start + offset) % k
        code[:, offset] = slots[rows, slot]
        if len(key_index):
            pos = key_index.get_indexer(base_key + code[:, offset])
            seen = pos >= 0
            last[:, offset] = np.where(
                valid, np.where(seen, last_sent[pos], _NEVER), last[:, offset]
            )
            prior[:, offset] = np.where(seen, counts[pos], 0)
        else:
            last[:, offset] = np.where(valid, _NEVER, last[:, offset])
    fresh = last < cutoff
    first_fresh = np.argmax(fresh, axis=1)
    oldest = np.argmin(last, axis=1)
    choice = np.where(fresh.any(axis=1), first_fresh, oldest)
    return code[rows, choice], prior[rows, choice]


def select_warnings(
    assignments: pd.DataFrame,
    segment_warnings: Mapping[str, Sequence[str]],
    library: Library,
    *,
    wave_index: int = 0,
    history: pd.DataFrame | None = None,
    now: datetime | None = None,
    window_days: int = 28,
    fallback_locale: str = "zh-CN",
) -> pd.DataFrame:
    """One warning, variant and locale per segmented customer (see the module docstring).

    `assignments` needs customer_id and segment (locale optional; rows with no segment,
    in the holdout or not eligible are skipped); `history` has customer_id, warning_id,
    sent_at. Returns customer_id, segment, warning_id, variant, locale, locale_fallback.
    """
    now = now or datetime.now(UTC)
    frame = assignments
    mask = frame["segment"].fillna("").astype(str) != ""
    for column, wanted in (("holdout", False), ("eligible", True)):
        if column in frame.columns:
            mask &= frame[column].fillna(not wanted).astype(bool) == wanted
    frame = frame.loc[mask]
    segment_cat = pd.Categorical(frame["segment"].astype(str))
    segments = list(segment_cat.categories)
    sendable = library.sendable(now.date())
    eligible = _eligible(segments, segment_warnings, sendable, fallback_locale)

    warnings = pd.Index(sorted({w for ws in eligible.values() for w in ws}))
    k_of = np.array([len(eligible[s]) for s in segments], dtype=np.int64)
    slots = np.zeros((len(segments), int(k_of.max(initial=1))), dtype=np.int64)
    for i, segment in enumerate(segments):
        slots[i, : k_of[i]] = warnings.get_indexer(eligible[segment])

    seg = segment_cat.codes.astype(np.int64)
    ids = frame["customer_id"].astype(str)
    customers = pd.Index(ids.to_numpy())
    if not customers.is_unique:
        raise ValueError("assignments must have one row per customer_id")
    digest = _stable_hash(ids)
    k = k_of[seg]
    start = ((digest + np.uint64(wave_index % (1 << 32))) % k.astype(np.uint64)).astype(np.int64)
    base_key = np.arange(len(frame), dtype=np.int64) * len(warnings)
    hist = _history_stats(history, customers, warnings)
    cutoff = _utc_ns(now - timedelta(days=window_days))
    chosen, prior = _pick_slot(start, k, slots[seg], base_key, hist, cutoff)

    fallback_table = sendable[sendable["locale"] == fallback_locale]
    variant_cat, locale_ok = _variants_and_locales(
        chosen, prior, digest, warnings, fallback_table, sendable, frame, fallback_locale
    )
    locale = frame["locale"].fillna(fallback_locale).astype(str) if "locale" in frame else None
    out_locale = (
        np.where(locale_ok, locale.to_numpy(), fallback_locale)
        if locale is not None
        else np.full(len(frame), fallback_locale)
    )
    return pd.DataFrame(
        {
            "customer_id": ids.to_numpy(),
            "segment": segment_cat.astype(str) if len(frame) else pd.Series([], dtype=str),
            "warning_id": np.asarray(warnings, dtype=object)[chosen] if len(frame) else [],
            "variant": variant_cat,
            "locale": out_locale,
            "locale_fallback": ~locale_ok if locale is not None else np.zeros(len(frame), bool),
        },
        index=frame.index,
    ).reset_index(drop=True)


def _variants_and_locales(
    chosen: np.ndarray,
    prior: np.ndarray,
    digest: np.ndarray,
    warnings: pd.Index,
    fallback_table: pd.DataFrame,
    sendable: pd.DataFrame,
    frame: pd.DataFrame,
    fallback_locale: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Variant per row (rotating with prior sends) and whether the customer's locale has it."""
    per_warning = fallback_table.sort_values("position").groupby("warning_id")["variant"].agg(list)
    lists = [per_warning[w] for w in warnings]
    n_var = np.array([len(v) for v in lists], dtype=np.int64)
    table = np.array([v + [v[0]] * (n_var.max() - len(v)) for v in lists], dtype=object)
    turn = ((digest >> np.uint64(32)) % np.uint64(1 << 16)).astype(np.int64) + prior
    variant = table[chosen, turn % n_var[chosen]] if len(chosen) else np.array([], dtype=object)
    if "locale" not in frame.columns:
        return variant, np.ones(len(frame), dtype=bool)
    locale = frame["locale"].fillna(fallback_locale).astype(str).to_numpy()
    wanted = pd.MultiIndex.from_arrays(
        [np.asarray(warnings, dtype=object)[chosen], locale, variant]
    )
    have = pd.MultiIndex.from_frame(sendable[["warning_id", "locale", "variant"]])
    ok = wanted.isin(have) | (locale == fallback_locale)
    return variant, np.asarray(ok)
