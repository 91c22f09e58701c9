"""The store's state as commands see it: migrations run only on ``fanzha db upgrade``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from fanzha.campaigns.errors import StoreNotReady

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["open_store", "shown_url", "store_exists", "upgrade_store"]


class StoreSettings(Protocol):
    """What the store's state depends on in the settings (``Settings`` has it)."""

    @property
    def db_url(self) -> str:
        """FANZHA_DB (or ``--db``)."""


UPGRADE = "run `fanzha db upgrade` (with the same FANZHA_DB) to create or upgrade its tables"


def _sqlite_file(url: str) -> Path | None:
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            return Path(url.removeprefix(prefix).split("?")[0])
    return None


def shown_url(url: str) -> str:
    """The store URL as messages print it: never with its password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


def _revision(engine: Engine, url: str) -> str | None:
    from fanzha.delivery import current_revision
    from fanzha.delivery.errors import StoreError
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return current_revision(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StoreError(f"cannot read the store at {shown_url(url)}: {reason}") from None


def store_exists(settings: StoreSettings) -> bool:
    """Whether the store has fanzha's tables (reading never creates a SQLite file)."""
    path = _sqlite_file(settings.db_url)
    if path is not None and not path.exists():
        return False  # said before loading the store's models and SQLAlchemy
    from fanzha.delivery import open_engine

    engine = open_engine(settings.db_url)
    try:
        return _revision(engine, settings.db_url) is not None
    finally:
        engine.dispose()


def open_store(settings: StoreSettings) -> Engine:
    """An engine on a store at the newest schema; ``StoreNotReady`` otherwise."""
    from fanzha.delivery import open_engine
    from fanzha.delivery.migrate import head_revision

    url = settings.db_url
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        raise StoreNotReady(f"no store at {shown_url(url)}: {UPGRADE}")
    engine = open_engine(url)
    found, head = _revision(engine, url), head_revision()
    if found != head:
        engine.dispose()
        state = "has no fanzha tables" if found is None else f"is at revision {found}, not {head}"
        raise StoreNotReady(f"the store at {shown_url(url)} {state}: {UPGRADE}")
    return engine


def upgrade_store(settings: StoreSettings) -> str:
    """Create or upgrade the store's tables to the newest schema."""
    from fanzha.delivery import open_engine, upgrade

    engine = open_engine(settings.db_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return f"store at {shown_url(settings.db_url)} is up to date"
