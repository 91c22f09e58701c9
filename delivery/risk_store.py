"""The risk prompts' tables: rulesets and profiles (written when a campaign runs), checks.

Only this module touches ``risk_rulesets``, ``risk_profiles`` and ``risk_checks``. A check is
stored once (``check_id`` is the idempotency key, ON CONFLICT DO NOTHING is atomic); its
outcome fields are each overwritten by the latest report of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from fanzha.delivery.clock import to_db
from fanzha.delivery.models import Preference, RiskCheck, RiskProfile, RiskRuleset, table_of
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

_rulesets = table_of(RiskRuleset)
_profiles = table_of(RiskProfile)
_checks = table_of(RiskCheck)
_prefs = table_of(Preference)

OUTCOME_FIELDS = {"action": "action_at", "transfer": "transfer_at", "fraud_reported": "fraud_at"}


@dataclass(frozen=True)
class RulesetRow:
    """One active campaign's risk rules and prepared prompts, as stored."""

    campaign_id: str
    version: str
    locale: str
    holdout_pct: float
    rules: list[dict[str, Any]]
    prompts: dict[str, dict[str, Any]]
    labels: dict[str, dict[str, list[dict[str, str]]]]
    columns: list[dict[str, str]]  # name and type of each customer column the rules read


def save_ruleset(
    engine: Engine,
    *,
    campaign_id: str,
    version: str,
    locale: str,
    holdout_pct: float,
    rules: list[dict[str, Any]],
    prompts: dict[str, dict[str, Any]],
    labels: dict[str, Any],
    columns: list[dict[str, str]],
    profiles: pd.DataFrame | Iterable[pd.DataFrame],
    now: datetime,
) -> None:
    """Replace a campaign's ruleset and profiles in one transaction (readers see old or new).

    ``profiles`` may come in pieces (disjoint customers), read once; COPY on PostgreSQL.
    """
    values = {
        "campaign_id": campaign_id,
        "version": version,
        "locale": locale,
        "holdout_pct": float(holdout_pct),
        "rules": json.dumps(rules, ensure_ascii=False),
        "prompts": json.dumps(prompts, ensure_ascii=False),
        "labels": json.dumps(labels, ensure_ascii=False),
        "columns": json.dumps(columns),
        "active": True,
        "created_at": to_db(now),
    }
    pieces = [profiles] if isinstance(profiles, pd.DataFrame) else profiles
    with engine.begin() as conn:
        conn.execute(sa.delete(_profiles).where(_profiles.c.campaign_id == campaign_id))
        conn.execute(sa.delete(_rulesets).where(_rulesets.c.campaign_id == campaign_id))
        conn.execute(sa.insert(_rulesets).values(values))
        for piece in pieces:
            _add_profiles(conn, piece.assign(campaign_id=campaign_id))


def _add_profiles(conn: Connection, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    if conn.dialect.name == "postgresql":
        from fanzha.delivery.pg_copy import copy_into

        copy_into(conn, _profiles.name, frame, lambda f: f, times=[], null_columns=[])
        return
    frame.to_sql(
        "risk_profiles", conn, if_exists="append", index=False, method="multi", chunksize=3000
    )


def deactivate_ruleset(engine: Engine, campaign_id: str) -> None:
    """Stop serving a campaign's risk prompts (its checks and outcomes stay)."""
    with engine.begin() as conn:
        conn.execute(
            sa.update(_rulesets).where(_rulesets.c.campaign_id == campaign_id).values(active=False)
        )


def active_stamp(engine: Engine) -> tuple[tuple[str, str], ...]:
    """(campaign, version) of every active ruleset: what the index reloads when it changes."""
    query = (
        sa.select(_rulesets.c.campaign_id, _rulesets.c.version)
        .where(_rulesets.c.active.is_(True))
        .order_by(_rulesets.c.campaign_id)
    )
    with engine.connect() as conn:
        return tuple((r.campaign_id, r.version) for r in conn.execute(query))


def active_rulesets(engine: Engine) -> list[RulesetRow]:
    """The active rulesets, by campaign id."""
    query = (
        sa.select(_rulesets).where(_rulesets.c.active.is_(True)).order_by(_rulesets.c.campaign_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        RulesetRow(
            r.campaign_id,
            r.version,
            r.locale,
            r.holdout_pct,
            json.loads(r.rules),
            json.loads(r.prompts),
            json.loads(r.labels),
            json.loads(r.columns),
        )
        for r in rows
    ]


def load_profiles(
    engine: Engine, campaign_id: str, customer_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """A campaign's profiles (all, or only ``customer_ids``), sorted by customer id."""
    query = sa.select(
        _profiles.c.customer_id,
        _profiles.c.segment,
        _profiles.c.holdout,
        _profiles.c.locale,
        _profiles.c.large_text,
        _profiles.c.withheld,
        _profiles.c.facts,
    ).where(_profiles.c.campaign_id == campaign_id)
    if customer_ids is not None:
        query = query.where(_profiles.c.customer_id.in_(list(customer_ids)))
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True).execute(query)
        frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    return frame.sort_values("customer_id", kind="stable", ignore_index=True)


def risk_prompts_off(conn: Connection, customer_id: str) -> bool:
    """Whether the customer turned risk prompts off (default: on)."""
    query = sa.select(_prefs.c.risk_prompts_off).where(_prefs.c.customer_id == customer_id)
    return bool(conn.execute(query).scalar())


def record_check(conn: Connection, values: dict[str, Any]) -> str | None:
    """Store a check; None when it is new, else the response stored for that ``check_id``."""
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    # ON CONFLICT DO NOTHING is atomic under concurrency, unlike select-then-insert.
    stmt = module.insert(_checks).values(values).on_conflict_do_nothing()
    if conn.execute(stmt.returning(_checks.c.check_id)).first() is not None:
        return None
    query = sa.select(_checks.c.response).where(_checks.c.check_id == values["check_id"])
    return str(conn.execute(query).scalar_one())


def record_outcome(
    engine: Engine, check_id: str, fields: dict[str, Any], at: datetime, now: datetime
) -> dict[str, Any] | None:
    """Overwrite the given outcome fields (each with its time); the check's row, or None."""
    values: dict[str, Any] = {"updated_at": to_db(now)}
    for name, value in fields.items():
        values[name] = value
        values[OUTCOME_FIELDS[name]] = to_db(at)
    with engine.begin() as conn:
        conn.execute(sa.update(_checks).where(_checks.c.check_id == check_id).values(values))
        row = conn.execute(sa.select(_checks).where(_checks.c.check_id == check_id)).first()
    return None if row is None else dict(row._mapping)


def check_by_prompt(engine: Engine, prompt_id: str) -> dict[str, Any] | None:
    """The check that showed ``prompt_id``, or None."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(_checks).where(_checks.c.prompt_id == prompt_id)).first()
    return None if row is None else dict(row._mapping)


def risk_checks_frame(engine: Engine, campaign_id: str) -> pd.DataFrame:
    """Every check a campaign decided, with its outcome so far (for the report)."""
    cols = [
        "check_id",
        "customer_id",
        "kind",
        "reason",
        "rule_index",
        "rule",
        "warning_id",
        "variant",
        "segment",
        "holdout",
        "action",
        "transfer",
        "fraud_reported",
    ]
    query = sa.select(*[_checks.c[c] for c in cols]).where(_checks.c.campaign_id == campaign_id)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=cols)


__all__ = [
    "OUTCOME_FIELDS",
    "RulesetRow",
    "active_rulesets",
    "active_stamp",
    "check_by_prompt",
    "deactivate_ruleset",
    "load_profiles",
    "record_check",
    "record_outcome",
    "risk_checks_frame",
    "risk_prompts_off",
    "save_ruleset",
]
