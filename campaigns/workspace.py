"""What every command loads once: settings, the warning library, the customer schema."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fanzha.campaigns.errors import CampaignFileError, Problem
from fanzha.campaigns.loader import LoadContext, load_campaign
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.spec import Campaign


@dataclass
class Workspace:
    """Settings plus the lazily loaded library, schema and store engine."""

    settings: Settings

    @cached_property
    def content_config(self):  # type: ignore[no-untyped-def]
        """The bank's terms as the content package wants them."""
        from fanzha.content import ContentConfig

        s = self.settings
        return ContentConfig(
            bank_name={"zh-CN": s.bank_name, "en": s.bank_name_en},
            bank_phone=s.bank_phone,
            cooling_off_days=s.cooling_off_days,
            cooling_off_waived={"zh-CN": s.cooling_off_waived, "en": s.cooling_off_waived_en},
        )

    @cached_property
    def library(self):  # type: ignore[no-untyped-def]
        """The warning library (bundled, or FANZHA_CONTENT paths)."""
        from fanzha.content import load_library

        return load_library(list(self.settings.content_paths) or None)

    @cached_property
    def schema(self):  # type: ignore[no-untyped-def]
        """The customer schema (FANZHA_SCHEMA or the generator's)."""
        from fanzha.segments import default_schema, load_schema

        path = self.settings.schema_path
        return load_schema(path) if path else default_schema()

    @cached_property
    def engine(self):  # type: ignore[no-untyped-def]
        """The store, with its tables created or upgraded."""
        from fanzha.delivery import open_engine, upgrade

        engine = open_engine(self.settings.db_url)
        upgrade(engine)
        return engine

    def rule_problems(self, rule: str, customers=None) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
        """Problems of one rule against the schema (and ``customers``), as (column, message)."""
        from fanzha.segments import literal_problems, parse_rule
        from fanzha.segments.errors import RuleError

        try:
            parsed = parse_rule(rule, self.schema)
        except RuleError as exc:
            message = exc.message + (f"; {exc.hint}" if exc.hint else "")
            return [(exc.column, message)]
        return [(p.column, p.message) for p in literal_problems(parsed, self.schema, customers)]

    def rule_columns(self, rule: str) -> set[str]:
        """The customer columns a (valid) rule reads."""
        from fanzha.segments import parse_rule

        return set(parse_rule(rule, self.schema).columns)

    def campaign(
        self,
        path: Path,
        customer_columns: set[str] | None = None,
        customers=None,  # type: ignore[no-untyped-def]
    ) -> Campaign:
        """Load and check a campaign file against the library, schema and customer file.

        ``customers`` (a loaded customer frame) also flags rule values no customer has.
        """
        from functools import partial

        ctx = LoadContext(
            known_warnings=frozenset(self.library.ids()),
            rule_checker=partial(self.rule_problems, customers=customers),
            customer_columns=frozenset(customer_columns) if customer_columns is not None else None,
            rule_columns=self.rule_columns,
        )
        campaign = load_campaign(path, ctx)
        return _with_content_fingerprint(campaign, self)

    def content_problems(self, campaign: Campaign, today) -> list[Problem]:  # type: ignore[no-untyped-def]
        """Lint problems and unapproved/expired warnings among what the campaign sends."""
        from fanzha.content import lint_paths

        files = self.files_for(campaign.warning_ids())
        problems = [
            Problem(p.file, p.line, p.column, p.message)
            for p in lint_paths(files, self.content_config, today=today)
        ]
        return problems

    def files_for(self, warning_ids: set[str]) -> list[Path]:
        """The library files (every locale) of these warnings."""
        return sorted(Path(doc.path) for doc in self.library if doc.model.id in warning_ids)

    def variants(self, warning_id: str, locale: str) -> list[str]:
        """Variant ids of a warning in a locale."""
        return self.library.get(warning_id, locale).variant_ids()

    def generic_ids(self, today) -> list[str]:  # type: ignore[no-untyped-def]
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

    def require_clean_content(self, campaign: Campaign, today) -> None:  # type: ignore[no-untyped-def]
        """Refuse to go on when the content a campaign uses has problems."""
        problems = self.content_problems(campaign, today)
        if problems:
            raise CampaignFileError(problems)


def _with_content_fingerprint(campaign: Campaign, ws: Workspace) -> Campaign:
    from dataclasses import replace

    digest = hashlib.sha256()
    for path in ws.files_for(campaign.warning_ids()):
        digest.update(Path(path).read_bytes())
    return replace(campaign, content_fingerprint=digest.hexdigest())
