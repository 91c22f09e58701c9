"""Results that render themselves: ``render()`` for people, ``to_dict()`` for programs."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

__all__ = ["Result", "plain"]


def plain(value: Any) -> Any:
    """``value`` JSON-ready: dataclasses, paths, times, sets and numpy scalars; NaN as None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()  # a numpy scalar (numpy itself is not imported for this)
    if isinstance(value, float) and math.isnan(value):
        return None  # JSON has no NaN
    return value


class Result:
    """Base of the public API's results (dataclasses): text for a terminal, a dict for JSON."""

    def render(self) -> str:
        """What the command line prints."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready."""
        fields = dataclasses.fields(cast(Any, self))  # every Result is a dataclass
        return {f.name: plain(getattr(self, f.name)) for f in fields}

    def __str__(self) -> str:
        return self.render()
