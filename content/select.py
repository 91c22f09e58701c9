"""Picking a warning and variant per customer and send, vectorized over assignments.

For a customer in segment s with eligible warnings w_0..w_{k-1} (the segment's list,
in order, keeping those approved and unexpired in the fallback locale):

* start slot = (hash(customer_id) + wave_index) mod k, so waves rotate through the list
  and customers are spread over it;
* from the start slot, the first warning not sent to the customer within the repeat
  window is taken; when all were, the one sent longest ago;
* the story is chosen among the warning's variants written for the customer's segment
  (the variant's `segments` names it): variant = the ((hash >> 32) mod 2**16 + prior
  sends of that warning to the customer)-th of them, so a warning shown again tells a
  different story for the same reader. Where no variant is written for the segment, the
  ones marked `all` are used, else every variant, and `story_fallback` = True records it;
* locale = the customer's, when that translation of the chosen variant is sendable,
  else the fallback locale (`locale_fallback` = True).

hash(customer_id) is the first 8 bytes, read little-endian, of
blake2b(utf8(customer_id), digest_size=8, person=b"fanzha.select"): specified, so any
engine can reproduce a pick, and independent of row order and of pandas' internals.

Everything is numpy over arrays; the Python loops are over the k slots and the ids' hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from fanzha.content.errors import NoEligibleWarning
from fanzha.content.library import Library

_NEVER = np.iinfo(np.int64).min
_PERSON = b"fanzha.select"
ALL = "all"  # a story marked for every reader


def _utc_ns(values: pd.Series | datetime) -> np.ndarray | int:
    """Timestamps as int64 nanoseconds UTC (naive values are taken as UTC)."""
    if isinstance(values, datetime):
        stamp = pd.Timestamp(values)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        return int(stamp.as_unit("ns").value)
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.as_unit("ns").astype("int64").to_numpy()


def stable_hash(ids: Sequence[str] | pd.Series) -> np.ndarray:
    """blake2b-64 of each id's UTF-8 (see the module docstring), as uint64."""
    values = ids.astype(str).tolist() if isinstance(ids, pd.Series) else [str(i) for i in ids]
    base = hashlib.blake2b(digest_size=8, person=_PERSON)
    digests = []
    for value in values:  # copying a keyed state is about twice as fast as building one per id
        state = base.copy()
        state.update(value.encode("utf-8"))
        digests.append(state.digest())
    return np.frombuffer(b"".join(digests), dtype="<u8").astype(np.uint64)


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


def _contacted(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a segment that are neither held out nor ineligible."""
    segment = frame["segment"]
    mask = segment.notna() & (segment != "")
    for column, wanted in (("holdout", False), ("eligible", True)):
        if column in frame.columns:
            mask &= frame[column].fillna(not wanted).astype(bool) == wanted
    return frame.loc[mask.to_numpy(dtype=bool)]


def _slot_table(
    segments: pd.Index, eligible: dict[str, list[str]], warnings: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    """(k per segment, segments x slots matrix of warning codes)."""
    k_of = np.array([len(eligible[s]) for s in segments], dtype=np.int64)
    slots = np.zeros((len(segments), int(k_of.max(initial=1))), dtype=np.int64)
    for i, segment in enumerate(segments):
        slots[i, : k_of[i]] = warnings.get_indexer(eligible[segment])
    return k_of, slots


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
    sent_at. Returns customer_id, segment, warning_id, variant, locale (strings),
    locale_fallback and story_fallback (bool), one row per contacted customer;
    story_fallback marks a story not written for the customer's segment (none was).
    """
    now = now or datetime.now(UTC)
    frame = _contacted(assignments)
    seg, segments = pd.factorize(frame["segment"].astype(str), sort=True)
    sendable = library.sendable(now.date())
    eligible = _eligible(list(segments), segment_warnings, sendable, fallback_locale)
    warnings = pd.Index(sorted({w for ws in eligible.values() for w in ws}))
    k_of, slots = _slot_table(segments, eligible, warnings)

    ids = frame["customer_id"]
    if not pd.api.types.is_string_dtype(ids):
        ids = ids.astype(str)
    digest = stable_hash(ids)
    k = k_of[seg]
    start = ((digest + np.uint64(wave_index % (1 << 32))) % k.astype(np.uint64)).astype(np.int64)
    hist = _no_history()
    if history is not None and not history.empty:
        customers = pd.Index(ids)
        if not customers.is_unique:
            raise ValueError("assignments must have one row per customer_id")
        hist = _history_stats(history, customers, warnings)
    base_key = np.arange(len(frame), dtype=np.int64) * len(warnings)
    cutoff = int(_utc_ns(now - timedelta(days=window_days)))
    chosen, prior = _pick_slot(start, k, slots[seg], base_key, hist, cutoff)

    variant, variants, off_segment = _variants(
        chosen, prior, digest, seg, segments, warnings, sendable, fallback_locale
    )
    locale, locales, ok = _locales(
        frame, chosen, variant, warnings, variants, sendable, fallback_locale
    )
    return pd.DataFrame(
        {
            "customer_id": ids.reset_index(drop=True),
            "segment": _strings(seg, segments),
            "warning_id": _strings(chosen, warnings),
            "variant": _strings(variant, variants),
            "locale": _strings(locale, locales),
            "locale_fallback": ~ok,
            "story_fallback": off_segment,
        }
    )


def _strings(codes: np.ndarray, names: pd.Index) -> pd.Series:
    """Codes as a plain string column (cheap: one take over a handful of names)."""
    return pd.Series(names.to_numpy(dtype=object)[codes], dtype="str")


def _no_history() -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """History statistics of a customer base that was never sent anything."""
    empty = np.array([], dtype=np.int64)
    return pd.Index(empty), empty, empty


def stories_for(
    names: Sequence[str], fits: Sequence[Sequence[str]], segment: str
) -> tuple[list[str], bool]:
    """The stories (variant ids) for ``segment``: its own, else those for anyone, else all;
    and whether they are its own."""
    own = [n for n, f in zip(names, fits, strict=True) if segment in f]
    marked_all = [n for n, f in zip(names, fits, strict=True) if ALL in f] or list(names)
    return (own or marked_all), bool(own)


def _story_lists(
    warnings: pd.Index, segments: pd.Index, primary: pd.DataFrame, variants: pd.Index
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (warning, segment) key: the variant codes to rotate among, their count, and
    whether they are a fallback (none written for the segment)."""
    lists, fallback = [], []
    by_warning = {w: frame for w, frame in primary.groupby("warning_id", sort=False)}
    for w in warnings:
        frame = by_warning[w]
        names, fits = frame["variant"].tolist(), frame["segments"].tolist()
        for s in segments:
            fitting, own = stories_for(names, fits, s)
            lists.append(list(variants.get_indexer(fitting)))
            fallback.append(not own)
    n_fit = np.array([len(v) for v in lists] or [1], dtype=np.int64)
    width = int(n_fit.max())
    table = np.array([v + [v[0]] * (width - len(v)) for v in lists] or [[0]], dtype=np.int64)
    return table, n_fit, np.array(fallback or [False], dtype=bool)


def _variants(
    chosen: np.ndarray,
    prior: np.ndarray,
    digest: np.ndarray,
    seg: np.ndarray,
    segments: pd.Index,
    warnings: pd.Index,
    sendable: pd.DataFrame,
    fallback_locale: str,
) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """Variant code per row (rotating with prior sends of the warning among the stories for
    the row's segment), the variant names, and whether the story is a fallback."""
    primary = sendable[sendable["locale"] == fallback_locale].sort_values("position")
    variants = pd.Index(sorted(set(sendable["variant"])))
    table, n_fit, fallback = _story_lists(warnings, segments, primary, variants)
    key = chosen * max(len(segments), 1) + seg
    turn = ((digest >> np.uint64(32)) % np.uint64(1 << 16)).astype(np.int64) + prior
    variant = table[key, turn % n_fit[key]] if len(key) else key.astype(np.int64)
    return variant, variants, fallback[key] if len(key) else np.zeros(0, dtype=bool)


def _locales(
    frame: pd.DataFrame,
    chosen: np.ndarray,
    variant: np.ndarray,
    warnings: pd.Index,
    variants: pd.Index,
    sendable: pd.DataFrame,
    fallback_locale: str,
) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """Locale code per row, the locale names, and whether the customer's own locale was used."""
    wanted = frame["locale"].fillna(fallback_locale) if "locale" in frame.columns else None
    codes, uniques = (
        pd.factorize(wanted.astype(str), sort=True)
        if wanted is not None
        else (np.zeros(len(frame), dtype=np.int64), pd.Index([fallback_locale]))
    )
    locales = pd.Index(sorted({*uniques, *sendable["locale"], fallback_locale}))
    locale = locales.get_indexer(uniques)[codes] if len(codes) else codes.astype(np.int64)
    primary = locales.get_loc(fallback_locale)
    n_loc, n_var = len(locales), max(len(variants), 1)
    have = (
        warnings.get_indexer(sendable["warning_id"]) * n_loc
        + locales.get_indexer(sendable["locale"])
    ) * n_var + variants.get_indexer(sendable["variant"])
    keys = (chosen * n_loc + locale) * n_var + variant
    ok = np.isin(keys, have) | (locale == primary)
    return np.where(ok, locale, primary), locales, ok
