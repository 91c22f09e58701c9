"""SQLModel tables of the store: outbox, feed items, events, preferences, assignments.

Datetimes are bound as aware UTC (SQLModel's UTCDateTime; SQLite stores them as naive UTC text);
convert at the edges with ``delivery.clock.to_db`` / ``from_db``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

# Message states. A message moves pending → sent/delivered, or ends in one of the terminal
# states; every change is one transaction. A dispatcher holds a pending message with a lease
# (``claimed_by``, ``lease_until``: no state of its own, so claiming touches no index).
PENDING = "pending"
SENT = "sent"
DELIVERED = "delivered"
REJECTED = "rejected"
DEAD = "dead"
SUPPRESSED = "suppressed"
CANCELLED = "cancelled"
SUPERSEDED = "superseded"
HELD = "held"
TERMINAL_STATES = frozenset({DELIVERED, REJECTED, DEAD, SUPPRESSED, CANCELLED, SUPERSEDED})
OPEN_STATES = frozenset({PENDING, HELD})

_LIVE = "state <> 'superseded'"

# Percent of a messages page filled by inserts; the rest takes claims' row versions.
MESSAGES_FILLFACTOR = 50

PUSH = "push"
FEED = "feed"
CHANNELS = (PUSH, FEED)


class MessageBase(SQLModel):
    """What a campaign asks to send to one customer on one channel in one wave."""

    campaign_id: str = Field(max_length=64)  # led by ix_messages_campaign
    version: str = Field(max_length=64)
    customer_id: str = Field(max_length=64)  # led by ix_messages_cap
    wave: str = Field(max_length=64)
    channel: str = Field(max_length=8)
    segment: str = Field(default="", max_length=64)
    warning_id: str = Field(index=True, max_length=64)
    variant: str = Field(default="a", max_length=16)
    locale: str = Field(default="zh-CN", max_length=16)
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=2000)
    image_key: str = Field(default="", max_length=128)
    alt_text: str = Field(default="", max_length=4000)
    deep_link: str = Field(default="", max_length=500)
    due_at: datetime = Field()  # ix_messages_state_due serves claims
    # Send rules travel with the message so the dispatcher can enforce them at send time
    # (retries, rate spreading and triggers can all land a push in quiet hours).
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    quiet_hours: str = Field(default="", max_length=16)
    cap_max: int | None = None
    cap_days: int | None = None
    # The experiment arm the message was sent under (empty: none), for the report's ITT.
    experiment_id: str = Field(default="", max_length=64)
    arm: str = Field(default="", max_length=64)


class MessageCreate(MessageBase):
    """A message to enqueue."""


class Message(MessageBase, table=True):
    """One outbox row. ``id`` is stable (a hash of the unique key) and is sent to gateways."""

    __tablename__ = "messages"
    __table_args__ = (
        # One message per key except superseded ones, which a newer version replaced
        # (migration 0003_a2_live_message_key).
        Index(
            "uq_messages_live_key",
            "campaign_id",
            "customer_id",
            "wave",
            "channel",
            unique=True,
            postgresql_where=text(_LIVE),
            sqlite_where=text(_LIVE),
        ),
        Index("ix_messages_campaign", "campaign_id", "state"),
        Index("ix_messages_state_due", "state", "due_at"),
        # The frequency cap counts a customer's recent pushes across all campaigns.
        Index("ix_messages_cap", "customer_id", "channel", "sent_at"),
        # Room on every page for a claim's row version: a HOT update (migration 0008).
        {"postgresql_with": {"fillfactor": MESSAGES_FILLFACTOR}},
    )

    id: str = Field(primary_key=True, max_length=40)
    state: str = Field(default=PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    # The lease of a pending message a dispatcher holds; in no index (a claim is a HOT update).
    lease_until: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=64)
    last_error: str | None = Field(default=None, max_length=500)
    reason: str | None = Field(default=None, max_length=64)
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None


class MessagePublic(MessageBase):
    """A message as shown to operators."""

    id: str
    state: str
    attempts: int
    reason: str | None


_UNREAD = "read_at IS NULL AND dismissed_at IS NULL AND recalled_at IS NULL"
# The feed page from the index alone (migration 0005_k_feed_covering; PostgreSQL only).
FEED_COVER_BYTES = 2000
_VISIBLE = "dismissed_at IS NULL AND recalled_at IS NULL"
FEED_ITEM_SIZE = "octet_length(title) + octet_length(body) + octet_length(alt_text)"
_PAGE_INCLUDE = ["expires_at", "read_at", "title", "body", "image_key", "alt_text", "warning_id"]


class FeedItem(SQLModel, table=True):
    """One card in a customer's in-app feed."""

    __tablename__ = "feed_items"
    __table_args__ = (
        Index("ix_feed_customer_created", "customer_id", "created_at", "id"),
        # The unread count alone (migration 0002_b_feed_indexes).
        Index(
            "ix_feed_unread_cover",
            "customer_id",
            "created_at",
            "expires_at",
            postgresql_where=text(_UNREAD),
            sqlite_where=text(_UNREAD),
        ),
        Index(
            "ix_feed_page_cover",
            "customer_id",
            "created_at",
            "id",
            postgresql_include=_PAGE_INCLUDE,
            postgresql_where=text(f"{_VISIBLE} AND {FEED_ITEM_SIZE} <= {FEED_COVER_BYTES}"),
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_feed_page_oversize",
            "customer_id",
            "created_at",
            "id",
            postgresql_where=text(f"{_VISIBLE} AND {FEED_ITEM_SIZE} > {FEED_COVER_BYTES}"),
        ).ddl_if(dialect="postgresql"),
    )

    id: str = Field(primary_key=True, max_length=40)
    message_id: str = Field(unique=True, max_length=40)
    customer_id: str = Field(max_length=64)
    campaign_id: str = Field(max_length=64)
    warning_id: str = Field(index=True, max_length=64)
    variant: str = Field(default="a", max_length=16)
    title: str = Field(max_length=200)
    body: str = Field(max_length=2000)
    image_key: str = Field(default="", max_length=128)
    alt_text: str = Field(default="", max_length=4000)
    created_at: datetime
    read_at: datetime | None = None
    dismissed_at: datetime | None = None
    expires_at: datetime | None = None
    recalled_at: datetime | None = None


class DeliveryEvent(SQLModel, table=True):
    """Something that happened to a message: enqueued, sent, delivered, read, suppressed, …"""

    __tablename__ = "delivery_events"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(index=True, max_length=40)
    campaign_id: str = Field(index=True, max_length=64)
    customer_id: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    at: datetime
    detail: str = Field(default="", max_length=500)


class Preference(SQLModel, table=True):
    """A customer's choices: no pushes, no personalization, or nothing at all."""

    __tablename__ = "preferences"

    customer_id: str = Field(primary_key=True, max_length=64)
    push_opt_out: bool = False
    personalization_opt_out: bool = False
    all_opt_out: bool = False
    # Risk prompts are not marketing, so the education opt-outs above do not cover them;
    # this one does (PIPL art. 24: the customer may refuse automated decisions about them).
    risk_prompts_off: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    updated_at: datetime


class Suppression(SQLModel, table=True):
    """A customer the bank must not contact (complaint, open fraud case, …) until a time."""

    __tablename__ = "suppressions"

    customer_id: str = Field(primary_key=True, max_length=64)
    reason: str = Field(max_length=64)
    until: datetime | None = None
    created_at: datetime


class AppEvent(SQLModel, table=True):
    """A moment of risk reported by the bank's app backend (first_loan, new_payee, …)."""

    __tablename__ = "app_events"

    event_id: str = Field(primary_key=True, max_length=128)
    customer_id: str = Field(index=True, max_length=64)
    kind: str = Field(max_length=32)
    occurred_at: datetime
    received_at: datetime
    processed_at: datetime | None = None
    failed_reason: str | None = Field(default=None, max_length=200)  # processed, no notice
    loan_id: str | None = Field(default=None, max_length=128)  # first_loan: the bank's loan id


class Assignment(SQLModel, table=True):
    """A customer's segment in one campaign version, kept for triggers and the report."""

    __tablename__ = "assignments"

    campaign_id: str = Field(primary_key=True, max_length=64)
    customer_id: str = Field(primary_key=True, max_length=64)
    version: str = Field(max_length=64)
    segment: str = Field(default="", max_length=64)
    holdout: bool = False
    eligible: bool = False
    reason: str = Field(default="", max_length=200)
    locale: str = Field(default="zh-CN", max_length=16)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)


class CampaignVersion(SQLModel, table=True):
    """A campaign file as run: its hash names the version."""

    __tablename__ = "campaign_versions"

    campaign_id: str = Field(primary_key=True, max_length=64)
    version: str = Field(primary_key=True, max_length=64)
    name: str = Field(default="", max_length=200)
    source: str = Field(default="")
    created_at: datetime
    active: bool = True


class Outcome(SQLModel, table=True):
    """One imported outcome: a customer's value of a metric on a date (``outcomes import``)."""

    __tablename__ = "outcomes"
    __table_args__ = (Index("ix_outcomes_metric_day", "metric", "day"),)

    customer_id: str = Field(primary_key=True, max_length=64)
    day: date = Field(primary_key=True)
    metric: str = Field(primary_key=True, max_length=64)
    value: float
    imported_at: datetime


class ExperimentEvent(SQLModel, table=True):
    """An experiment's event: a bandit re-weighting or stop, with its record as JSON."""

    __tablename__ = "experiment_events"
    __table_args__ = (Index("ix_experiment_events_key", "campaign_id", "experiment_id", "wave"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(max_length=64)
    experiment_id: str = Field(max_length=64)
    wave: int
    at: datetime
    kind: str = Field(max_length=32)
    payload: str = ""


class RiskRuleset(SQLModel, table=True):
    """A campaign's risk prompts as run: rules, prepared prompts (images rendered) and labels."""

    __tablename__ = "risk_rulesets"

    campaign_id: str = Field(primary_key=True, max_length=64)
    version: str = Field(max_length=64)
    locale: str = Field(default="zh-CN", max_length=16)
    holdout_pct: float = 0.0
    rules: str = Field(default="[]")  # JSON: [{index, when, warning, pause_seconds}]
    prompts: str = Field(default="{}")  # JSON: "warning|segment|locale|large" -> prompt
    labels: str = Field(default="{}")  # JSON: locale -> kind -> actions
    columns: str = Field(default="[]")  # JSON: the customer columns the rules read
    active: bool = True
    created_at: datetime


class RiskProfile(SQLModel, table=True):
    """What a risk check needs of one customer in one campaign, written when the campaign runs."""

    __tablename__ = "risk_profiles"

    campaign_id: str = Field(primary_key=True, max_length=64)
    customer_id: str = Field(primary_key=True, max_length=64)
    segment: str = Field(default="", max_length=64)
    holdout: bool = False
    locale: str = Field(default="zh-CN", max_length=16)
    large_text: bool = False
    withheld: bool = False  # in the bank's global control group, which risk prompts skip
    facts: str = Field(default="")  # JSON of the customer columns the rules read; "" for none


class RiskCheck(SQLModel, table=True):
    """One risk check (idempotent by ``check_id``), its decision and its outcome so far."""

    __tablename__ = "risk_checks"
    __table_args__ = (Index("ix_risk_checks_campaign", "campaign_id", "decided_at"),)

    check_id: str = Field(primary_key=True, max_length=128)
    customer_id: str = Field(index=True, max_length=64)
    campaign_id: str = Field(default="", max_length=64)
    version: str = Field(default="", max_length=64)
    kind: str = Field(max_length=32)
    amount: float | None = None
    occurred_at: datetime | None = None
    decided_at: datetime
    reason: str = Field(max_length=32)  # prompt, holdout, opted_out, global_control, no_match, …
    rule_index: int | None = None
    rule: str = Field(default="", max_length=2000)
    warning_id: str = Field(default="", max_length=64)
    variant: str = Field(default="", max_length=16)
    segment: str = Field(default="", max_length=64)
    holdout: bool = False
    prompt_id: str | None = Field(default=None, unique=True, max_length=40)
    response: str = Field(default="")  # the JSON answered, so a repeat answers the same
    would_be: str = Field(default="")  # the prompt as shown, or as it would have been
    action: str | None = Field(default=None, max_length=16)
    transfer: str | None = Field(default=None, max_length=16)
    fraud_reported: bool | None = None
    action_at: datetime | None = None
    transfer_at: datetime | None = None
    fraud_at: datetime | None = None
    updated_at: datetime


def table_of(model: type[SQLModel]) -> sa.Table:
    """A model's Table (SQLModel sets ``__table__`` when it makes the class; its stubs don't say)."""
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]
