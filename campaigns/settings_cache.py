"""The two settings ``fanzha segment`` reads, as ``Settings`` read them, cached by the environment.

``Settings`` (pydantic-settings) validates every ``FANZHA_*`` variable; importing it costs
more than a quick command's whole check of a campaign. Its answer is a pure function of
those variables, so the values ``segment`` needs (the store URL and the schema file) are
kept in the derived-data cache (``fanzha._cache``) under a hash of every ``FANZHA_*``
variable and of the settings code. A first run with an environment, and every run where a
variable changed, builds ``Settings`` as before, so a bad variable is still reported each
time (nothing is stored for it). The secret keys are left out of the hash: any text is a
valid value for them here, and they do not shape the two values. A store URL that carries
credentials is never stored: such a run reads the settings every time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fanzha.campaigns.variables import KEY_VARIABLES

from fanzha import _cache

__all__ = ["StoreAndSchema", "StoreAndSchemaSettings", "environment_key", "store_and_schema"]

# Secrets are any text to Settings (SecretStr); KeyRing checks them where they are used.
_SECRETS = frozenset({*KEY_VARIABLES, "FANZHA_JPUSH_SECRET"})
_CODE = ("fanzha.campaigns.settings", "fanzha.campaigns.variables", "pydantic_settings")


class StoreAndSchemaSettings(Protocol):
    """What reads only the store URL and the customer schema file needs of the settings."""

    @property
    def db_url(self) -> str:
        """FANZHA_DB (or ``--db``)."""

    @property
    def schema_path(self) -> Path | None:
        """FANZHA_SCHEMA."""


@dataclass(frozen=True)
class StoreAndSchema:
    """The store URL and the customer schema file, as ``Settings`` read them."""

    db_url: str
    schema_path: Path | None


def environment_key(db: str | None) -> str:
    """A hash of every non-secret ``FANZHA_*`` variable, ``--db`` and the settings code: what
    ``Settings`` read from this environment is a function of it."""
    # pydantic-settings matches variable names without regard to case, and of two spellings
    # (fanzha_db, FANZHA_DB) the later in the environment wins: so each name goes into the
    # key as it is, in the environment's order, never sorted (the same variables in another
    # order may read otherwise, and then they miss)
    variables = [
        (name, value)
        for name, value in os.environ.items()
        if name.upper().startswith("FANZHA_") and name.upper() not in _SECRETS
    ]
    parts = [f"{name}={value}" for name, value in variables]
    return _cache.digest(*parts, f"--db={db}" if db else "", _cache.code_stamp(*_CODE))


def store_and_schema(db: str | None = None) -> StoreAndSchema:
    """FANZHA_DB (``db`` wins, like ``--db``) and FANZHA_SCHEMA, validated by ``Settings``.

    Served from the cache when this environment was read before; otherwise ``Settings``
    reads it (a ``SettingsError`` for any bad variable, as every command reports).
    """
    key = environment_key(db)
    hit = _cache.load("settings", key)
    if isinstance(hit, dict) and isinstance(hit.get("db_url"), str):
        schema = hit.get("schema_path")
        return StoreAndSchema(hit["db_url"], Path(schema) if isinstance(schema, str) else None)
    from fanzha.campaigns.settings import Settings

    settings = Settings.from_env()
    if db:
        settings = settings.replace(db_url=db)
    schema_path = str(settings.schema_path) if settings.schema_path is not None else None
    if _without_credentials(settings.db_url):  # a password never goes to the cache folder
        _cache.store("settings", key, {"db_url": settings.db_url, "schema_path": schema_path})
    return StoreAndSchema(settings.db_url, settings.schema_path)


def _without_credentials(url: str) -> bool:
    """No user, password or secret parameter in the URL (a SQLite file's usually)."""
    return "@" not in url and not any(w in url.lower() for w in ("password", "secret", "token"))
