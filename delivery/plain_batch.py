"""The usual claimed batch, read straight from the claim's rows: no frame unless a rule applies.

Most batches are pushes to customers with no stored preference or suppression, no quiet
hours and no frequency cap: no send-time rule can touch them, so the dispatcher sends them
from the claim's rows and records the delivery, and builds a DataFrame only for a batch a rule
may apply to, or for the rows of an answer that was not "all accepted" (``Recorder.sent``).
A frame of the claim's 22 columns cost more CPU per message than the JSON of the POST.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from fanzha.delivery import sqlbits
from fanzha.delivery.adapters import PushPayload
from fanzha.delivery.clock import from_db
from fanzha.delivery.models import PUSH

CLAIMED = [*sqlbits.COLUMNS, sqlbits.SCREEN, sqlbits.TID]  # the claim's columns, in order
_ID, _CUSTOMER, _CHANNEL, _TITLE, _BODY, _IMAGE, _LINK, _TID = (
    CLAIMED.index(name)
    for name in (
        "id",
        "customer_id",
        "channel",
        "title",
        "body",
        "image_key",
        "deep_link",
        sqlbits.TID,
    )
)
Rows = Sequence[Sequence[Any]]  # rows of the claim, columns as in CLAIMED


def frame_of(rows: Rows) -> pd.DataFrame:
    """The claim's rows as a frame of object columns (what the send-time rules read)."""
    # Column lists, not Row objects: pandas probes each Row for array protocols otherwise.
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(CLAIMED)
    frame = dict(zip(CLAIMED, columns, strict=True))
    frame["due_at"] = tuple(from_db(v) for v in frame["due_at"])  # aware UTC, as the rules read it
    return pd.DataFrame(frame, dtype=object)


def is_push(row: Sequence[Any]) -> bool:
    """Whether a claimed row is a push."""
    return bool(row[_CHANNEL] == PUSH)


def payloads(rows: Rows, media_base_url: str) -> list[PushPayload]:
    """The push payloads of ``rows``, as the frame path builds them."""
    base = media_base_url
    return [
        PushPayload(
            r[_ID],
            r[_CUSTOMER],
            r[_TITLE],
            r[_BODY],
            base + r[_IMAGE] if r[_IMAGE] else "",
            r[_LINK],
        )
        for r in rows
    ]


def tids(rows: Rows) -> list[Any] | None:
    """Where the claim found ``rows`` (``sqlbits.TID``), or None if it did not say."""
    found = [r[_TID] for r in rows]
    return None if any(t is None for t in found) else found
