"""What every command loads once: settings, the warning library, the customer schema, the store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from fanzha.campaigns.errors import CampaignFileError, Problem
from fanzha.campaigns.loader import LoadContext, load_campaign
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.spec import Campaign

if TYPE_CHECKING:
    import pandas as pd
    from fanzha.campaigns.settings import Keys
    from fanzha.content import ContentConfig, Library
    from fanzha.segments import CustomerSchema
    from sqlalchemy.engine import Engine

CampaignSource = str | PathLike[str] | Campaign


@dataclass
class Workspace:
    """Settings plus the lazily loaded library, schema and store engine."""

    settings: Settings

    @cached_property
    def content_config(self) -> ContentConfig:
        """The bank's terms as the content package wants them (unset ones left out)."""
        from fanzha.campaigns.render_inputs import content_config

        return content_config(self.settings)

    @cached_property
    def library(self) -> Library:
        """The warning library (bundled, or FANZHA_CONTENT paths)."""
        from fanzha.content import load_library

        return load_library(list(self.settings.content_paths) or None)

    @cached_property
    def schema(self) -> CustomerSchema:
        """The customer schema (FANZHA_SCHEMA or the generator's)."""
        from fanzha.campaigns.customers import customer_schema

        return customer_schema(self.settings.schema_path)

    @cached_property
    def engine(self) -> Engine:
        """The store; ``StoreNotReady`` when it lacks the current tables (never migrates)."""
        from fanzha.campaigns.store import open_store

        return open_store(self.settings)

    def has_store(self) -> bool:
        """Whether the store has fanzha's tables (checking never creates one)."""
        from fanzha.campaigns.store import store_exists

        return "engine" in self.__dict__ or store_exists(self.settings)

    def keys(self) -> Keys:
        """The three keys the services need; ``SettingsError`` names each missing or weak one."""
        return self.settings.keys()

    def rule_problems(
        self, rule: str, customers: pd.DataFrame | None = None
    ) -> list[tuple[int, str]]:
        """Problems of one rule against the schema (and ``customers``), as (column, message)."""
        return rule_problems(self.schema, rule, customers)

    def rule_columns(self, rule: str) -> set[str]:
        """The customer columns a (valid) rule reads."""
        return rule_columns(self.schema, rule)

    def campaign(
        self,
        source: CampaignSource,
        customer_columns: set[str] | None = None,
        customers: pd.DataFrame | None = None,
        *,
        with_content: bool = True,
    ) -> Campaign:
        """Load and check a campaign file against the library, schema and customer columns.

        ``customers`` (a loaded customer frame) also flags rule values no customer has. A
        ``Campaign`` already loaded is returned as it is. ``with_content=False`` leaves the
        warning library unread (its ids unchecked): for work on rules alone, like segmenting.
        """
        if isinstance(source, Campaign):
            return source
        known = frozenset(self.library.ids()) if with_content else None
        ctx = campaign_context(self.schema, customer_columns, customers, known_warnings=known)
        campaign = load_campaign(Path(source), ctx)
        return _with_content_fingerprint(campaign, self) if with_content else campaign

    def content_problems(self, campaign: Campaign, today: date) -> list[Problem]:
        """Lint problems and unapproved/expired warnings among what the campaign sends."""
        from fanzha.content import lint_paths

        files = self.files_for(campaign.warning_ids())
        return [
            Problem(p.file, p.line, p.column, p.message)
            for p in lint_paths(files, self.content_config, today=today)
        ]

    def files_for(self, warning_ids: set[str]) -> list[Path]:
        """The library files (every locale) of these warnings."""
        return sorted(Path(doc.path) for doc in self.library if doc.model.id in warning_ids)

    def variants(self, warning_id: str, locale: str) -> list[str]:
        """Variant ids of a warning in a locale."""
        return list(self.library.get(warning_id, locale).variant_ids())

    def generic_ids(self, today: date) -> list[str]:
        """Approved, unexpired warnings that suit anyone (audience ``all``)."""
        # The cooling-off notice is a product notice for borrowers, not a generic warning.
        return sorted(
            {
                doc.model.id
                for doc in self.library
                if "all" in doc.model.audiences
                and doc.model.id != "loan-cooling-off"
                and doc.status(today) == "approved"
            }
        )

    def require_clean_content(self, campaign: Campaign, today: date) -> None:
        """Refuse to go on when the content a campaign uses has problems."""
        problems = self.content_problems(campaign, today)
        if problems:
            raise CampaignFileError(problems)


def rule_problems(
    schema: CustomerSchema, rule: str, customers: pd.DataFrame | None = None
) -> list[tuple[int, str]]:
    """Problems of one rule against ``schema`` (and ``customers``), as (column, message)."""
    from fanzha.segments import literal_problems, parse_rule
    from fanzha.segments.errors import RuleError

    try:
        parsed = parse_rule(rule, schema)
    except RuleError as exc:
        message = exc.message + (f"; {exc.hint}" if exc.hint else "")
        return [(exc.column, message)]
    return [(p.column, p.message) for p in literal_problems(parsed, schema, customers)]


def rule_columns(schema: CustomerSchema, rule: str) -> set[str]:
    """The customer columns a (valid) rule reads."""
    from fanzha.segments import parse_rule

    return set(parse_rule(rule, schema).columns)


def campaign_context(
    schema: CustomerSchema,
    customer_columns: set[str] | None = None,
    customers: pd.DataFrame | None = None,
    *,
    known_warnings: frozenset[str] | None = None,
) -> LoadContext:
    """What a campaign file is checked against: the schema, the customers' columns (and rows),
    and the library's warning ids (None: left unchecked)."""
    from functools import partial

    from fanzha.campaigns.risk_rules import risk_rule_problems

    return LoadContext(
        known_warnings=known_warnings,
        rule_checker=partial(rule_problems, schema, customers=customers),
        customer_columns=frozenset(customer_columns) if customer_columns is not None else None,
        rule_columns=partial(rule_columns, schema),
        risk_rule_checker=partial(risk_rule_problems, schema),
    )


def _with_content_fingerprint(campaign: Campaign, ws: Workspace) -> Campaign:
    digest = hashlib.sha256()
    for path in ws.files_for(campaign.warning_ids()):
        digest.update(Path(path).read_bytes())
    return replace(campaign, content_fingerprint=digest.hexdigest())
