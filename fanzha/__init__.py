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
    from fanzha.campaigns import (
        Settings,
        SettingsError,
        load_campaign,
        plan,
        preview,
        recall,
        report,
        run,
    )

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

_LAZY = frozenset(__all__) - {"FanzhaError"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import fanzha.campaigns

        return getattr(fanzha.campaigns, name)
    raise AttributeError(f"module 'fanzha' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
