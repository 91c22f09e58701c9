"""fanzha (反诈): personalized anti-fraud education campaigns for banks.

The public API, loaded on first use (so ``import fanzha.segments`` stays light)::

    import fanzha

    settings = fanzha.Settings(db_url="sqlite:///fanzha.db")
    plan = fanzha.plan("spring.yaml", "customers.parquet", settings=settings)
    print(plan.render())

``load_campaign``, ``plan``, ``run``, ``preview``, ``report`` and ``recall`` take customers
as a ``.csv``/``.parquet`` path or a pandas DataFrame and return results with ``render()``
and ``to_dict()``. Every error fanzha raises on purpose is a ``FanzhaError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fanzha.errors import FanzhaError

if TYPE_CHECKING:
    from fanzha.campaigns.api import load_campaign, plan, preview, recall, report, run
    from fanzha.campaigns.errors import SettingsError
    from fanzha.campaigns.settings import Settings

__all__ = [
    "FanzhaError",
    "Settings",
    "SettingsError",
    "load_campaign",
    "plan",
    "preview",
    "recall",
    "report",
    "run",
]

# Where each lazily loaded name lives (fanzha.campaigns.report is a module, not the function).
_LAZY = {
    "Settings": "fanzha.campaigns.settings",
    "SettingsError": "fanzha.campaigns.errors",
    **dict.fromkeys(
        ("load_campaign", "plan", "preview", "recall", "report", "run"), "fanzha.campaigns.api"
    ),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # found once; later lookups skip this hook
        return value
    raise AttributeError(f"module 'fanzha' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
