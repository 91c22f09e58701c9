"""Opt-outs and suppressions, applied at once to the messages still waiting to go out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fanzha.delivery.clock import to_db, utcnow
from fanzha.delivery.models import Message, Suppression, table_of
from sqlalchemy.engine import Engine

_supp = table_of(Suppression)
_m = table_of(Message)


def apply_preference(
    engine: Engine,
    customer_id: str,
    *,
    push_opt_out: bool = False,
    personalization_opt_out: bool = False,
    all_opt_out: bool = False,
    now: datetime | None = None,
) -> Any:
    """Store a customer's choices and cancel the pending messages they rule out (one transaction).

    The feed API's ``PUT /v1/preferences`` does the same through ``set_preferences``; this is
    that function, so both paths cancel with the same reasons (``opt_out_push``, ``opt_out_all``,
    ``opt_out_personalization``). The dispatcher re-checks preferences at send time.
    """
    from fanzha.delivery.api.preferences import set_preferences  # the feed API owns this logic

    return set_preferences(
        engine,
        customer_id,
        push_opt_out=push_opt_out,
        personalization_opt_out=personalization_opt_out,
        all_opt_out=all_opt_out,
        now=now or utcnow(),
    )


def suppress_customer(
    engine: Engine,
    customer_id: str,
    reason: str,
    *,
    until: datetime | None = None,
    now: datetime | None = None,
) -> int:
    """Stop all contact with a customer (until a time, or for good); returns messages cancelled."""
    from fanzha.delivery.api._sql import upsert
    from fanzha.delivery.api.cancel import cancel_messages

    now = now or utcnow()
    row = {
        "customer_id": customer_id,
        "reason": reason[:64],
        "until": to_db(until) if until else None,
        "created_at": to_db(now),
    }
    with engine.begin() as conn:
        upsert(conn, _supp, row, key="customer_id")
        counts = cancel_messages(
            conn, [_m.c.customer_id == customer_id], f"suppressed:{reason}"[:64], now
        )
    return sum(counts.values())


def lift_suppression(engine: Engine, customer_id: str) -> bool:
    """Allow contact again (messages already cancelled stay cancelled); True if one was lifted."""
    with engine.begin() as conn:
        gone = conn.execute(sa.delete(_supp).where(_supp.c.customer_id == customer_id))
    return bool(gone.rowcount)
