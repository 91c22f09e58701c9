"""Send-time rules applied to a claimed batch: opt-outs, suppressions, quiet hours, caps.

They run when a message is about to go out (not only at enqueue), because a preference can
change, and retries, rate spreading and triggers can move a push into quiet hours.
Vectorized over the batch; lookups are one query per batch.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import sqlalchemy as sa
from fanzha.delivery import sqlbits
from fanzha.delivery.clock import to_db
from fanzha.delivery.errors import ScheduleError
from fanzha.delivery.models import (
    DELIVERED,
    PUSH,
    SENT,
    Message,
    Preference,
    Suppression,
    table_of,
)
from fanzha.delivery.schedule import QuietHours
from sqlalchemy.engine import Connection

_m = table_of(Message)
_prefs = table_of(Preference)
_supp = table_of(Suppression)
CAP_IN_FLIGHT_DEFER = timedelta(seconds=60)


def _decisions(ids: pd.Series, kind: str, reason: pd.Series | str) -> pd.DataFrame:
    return pd.DataFrame({"id": ids, "kind": kind, "reason": reason, "due_at": pd.NaT})


def opt_outs(conn: Connection, batch: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """Messages to cancel because the customer opted out or is suppressed."""
    customers = sorted(set(batch["customer_id"]))
    dialect = conn.dialect.name
    pref_rows = conn.execute(sqlbits.preferences(dialect), {"customers": customers}).all()
    supp_rows = conn.execute(
        sqlbits.suppressions(dialect), {"customers": customers, "now": to_db(now)}
    ).all()
    if not pref_rows and not supp_rows:  # the usual case: nobody in this batch opted out
        return _decisions(pd.Series(dtype=object), "", "")
    prefs = pd.DataFrame(
        pref_rows,
        columns=["customer_id", "push_opt_out", "all_opt_out", "personalization_opt_out"],
    )
    supp = pd.DataFrame(supp_rows, columns=["customer_id", "supp_reason"])
    rows = batch[["id", "customer_id", "channel", "segment"]].merge(prefs, "left", "customer_id")
    rows = rows.merge(supp, "left", "customer_id")
    is_push = rows["channel"] == PUSH
    # Broadest reason first, matching the feed API's cancellations.
    reason = np.select(
        [
            rows["supp_reason"].notna(),
            rows["all_opt_out"].fillna(False).astype(bool),
            rows["push_opt_out"].fillna(False).astype(bool) & is_push,
            rows["personalization_opt_out"].fillna(False).astype(bool) & (rows["segment"] != ""),
        ],
        [
            "suppressed:" + rows["supp_reason"].fillna("").astype(str),
            "opt_out_all",
            "opt_out_push",
            "opt_out_personalization",
        ],
        default="",
    )
    hit = reason != ""
    return _decisions(
        rows.loc[hit, "id"], "cancelled", pd.Series(reason[hit], index=rows.index[hit])
    )


def quiet_deferrals(pushes: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """Pushes whose customer is in quiet hours now, with the next allowed time (UTC).

    A message whose time zone or quiet hours cannot be read is dead-lettered with the reason
    (kind ``dead``): it can never be timed, and it must not hold up the rest of its batch.
    """
    out = []
    spec = pushes[pushes["quiet_hours"].fillna("") != ""]
    for (zone, quiet), group in spec.groupby(["timezone", "quiet_hours"], sort=False, dropna=False):
        try:
            allowed = QuietHours.parse(str(quiet)).next_allowed_instant(now, zone_named(zone))
        except (ScheduleError, ValueError) as exc:
            out.append(_decisions(group["id"], "dead", str(exc)))
            continue
        if allowed != now:
            frame = _decisions(group["id"], "deferred", "quiet_hours")
            frame["due_at"] = pd.Timestamp(allowed)
            out.append(frame)
    return pd.concat(out, ignore_index=True) if out else _decisions(pd.Series(dtype=str), "", "")


def zone_named(name: object) -> ZoneInfo:
    """The zone a message names; ValueError with a reason when there is none by that name."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValueError(f"unknown time zone {str(name)[:64]!r}") from None


def _push_counts(
    conn: Connection, customers: list[str], where: sa.ColumnElement[bool]
) -> pd.Series:
    rows = conn.execute(
        sa.select(_m.c.customer_id, sa.func.count())
        .where(_m.c.customer_id.in_(customers), _m.c.channel == PUSH, where)
        .group_by(_m.c.customer_id)
    ).all()
    return pd.Series({r[0]: int(r[1]) for r in rows}, dtype="int64")


def cap_decisions(
    conn: Connection, pushes: pd.DataFrame, now: datetime, worker: str
) -> pd.DataFrame:
    """Pushes over the customer's frequency cap (across campaigns): suppressed or deferred."""
    capped = pushes[pushes["cap_max"].notna() & pushes["cap_days"].notna()]
    if capped.empty:
        return _decisions(pd.Series(dtype=str), "", "")
    customers = sorted(capped["customer_id"].unique())
    # Leased to another worker (NULL != worker is not true: unleased rows are not counted).
    leased = sqlbits.pending_by_id(conn.dialect.name) & (_m.c.claimed_by != worker)
    in_flight = _push_counts(conn, customers, leased)
    out = []
    for days, group in capped.groupby("cap_days"):
        since = to_db(now - timedelta(days=int(days)))
        sent = _push_counts(
            conn, customers, _m.c.state.in_((SENT, DELIVERED)) & (_m.c.sent_at > since)
        )
        group = group.sort_values(["due_at", "id"])
        rank = group.groupby("customer_id").cumcount()
        done = group["customer_id"].map(sent).fillna(0).astype(int) + rank
        busy = done + group["customer_id"].map(in_flight).fillna(0).astype(int)
        over = done >= group["cap_max"].astype(int)
        wait = ~over & (busy >= group["cap_max"].astype(int))
        out.append(_decisions(group.loc[over, "id"], "suppressed", "frequency_cap"))
        deferred = _decisions(group.loc[wait, "id"], "deferred", "cap_in_flight")
        deferred["due_at"] = pd.Timestamp(now + CAP_IN_FLIGHT_DEFER)
        out.append(deferred)
    return pd.concat(out, ignore_index=True)
