"""A customer's delivery preferences, applied at once to the messages still waiting to go out.

* ``push_opt_out``: pending pushes are cancelled (reason ``opt_out_push``); the feed stays.
* ``personalization_opt_out``: pending segment-specific messages (``segment`` not empty) are
  cancelled with reason ``opt_out_personalization``; campaigns enqueues generic warnings for
  these customers on its next wave (PIPL art. 24: no automated personalization on request).
* ``all_opt_out``: every pending message is cancelled (reason ``opt_out_all``).
* ``risk_prompts``: ``off`` stops the warnings shown before a risky payment (risk checks
  answer no prompt, reason ``opted_out``). They are not marketing, so the opt-outs above do
  not cover them; this choice does (PIPL art. 24). Default ``on``.

The preference row and the cancellations are one transaction: no dispatcher can see one
without the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from fanzha.delivery.api._sql import upsert
from fanzha.delivery.api.cancel import cancel_messages
from fanzha.delivery.clock import from_db, to_db
from fanzha.delivery.models import PUSH, Message, Preference
from sqlalchemy.engine import Engine

_prefs = Preference.__table__
_messages = Message.__table__


@dataclass(frozen=True)
class Preferences:
    """What a customer chose (all False when they never said anything)."""

    customer_id: str
    push_opt_out: bool = False
    personalization_opt_out: bool = False
    all_opt_out: bool = False
    updated_at: datetime | None = None
    risk_prompts: str = "on"


@dataclass(frozen=True)
class PreferenceResult:
    """The preferences now in force and how many pending messages they cancelled, by reason."""

    preferences: Preferences
    cancelled: dict[str, int] = field(default_factory=dict)


def get_preferences(engine: Engine, customer_id: str) -> Preferences:
    """The customer's preferences (defaults when none were stored)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(_prefs).where(_prefs.c.customer_id == customer_id)).first()
    if row is None:
        return Preferences(customer_id=customer_id)
    return Preferences(
        customer_id=customer_id,
        push_opt_out=row.push_opt_out,
        personalization_opt_out=row.personalization_opt_out,
        all_opt_out=row.all_opt_out,
        updated_at=from_db(row.updated_at),
        risk_prompts="off" if row.risk_prompts_off else "on",
    )


def set_preferences(
    engine: Engine,
    customer_id: str,
    *,
    push_opt_out: bool,
    personalization_opt_out: bool,
    all_opt_out: bool,
    now: datetime,
    risk_prompts: str = "on",
) -> PreferenceResult:
    """Store the customer's preferences and cancel the pending messages they rule out."""
    if risk_prompts not in ("on", "off"):
        raise ValueError(f"risk_prompts is on or off, not {risk_prompts!r}")
    prefs = Preferences(
        customer_id, push_opt_out, personalization_opt_out, all_opt_out, now, risk_prompts
    )
    mine = _messages.c.customer_id == customer_id
    cancelled: dict[str, int] = {}
    with engine.begin() as conn:
        upsert(
            conn,
            _prefs,
            {
                "customer_id": customer_id,
                "push_opt_out": push_opt_out,
                "personalization_opt_out": personalization_opt_out,
                "all_opt_out": all_opt_out,
                "risk_prompts_off": risk_prompts == "off",
                "updated_at": to_db(now),
            },
            key="customer_id",
        )
        # Broadest first, so each message carries the reason that matters most.
        plan: list[tuple[bool, str, list[sa.ColumnElement[bool]]]] = [
            (all_opt_out, "opt_out_all", [mine]),
            (push_opt_out, "opt_out_push", [mine, _messages.c.channel == PUSH]),
            (personalization_opt_out, "opt_out_personalization", [mine, _messages.c.segment != ""]),
        ]
        for wanted, reason, conditions in plan:
            if wanted:
                counts = cancel_messages(conn, conditions, reason, now)
                cancelled[reason] = sum(counts.values())
    return PreferenceResult(preferences=prefs, cancelled=cancelled)
