"""Allowed values of a column: its declared ``values`` and IANA time zones, with "did you mean"."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from fanzha.segments.schema import ColumnSpec, closest

if TYPE_CHECKING:  # the checks of rows need them; a campaign file's rule check does not
    import numpy as np
    import pandas as pd

_SHOWN = 40  # characters of a bad value quoted in its reason


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows (the tzdata package, or the system's)."""
    from zoneinfo import available_timezones

    return frozenset(available_timezones())


def did_you_mean(word: str, options: object) -> str:
    """`` (did you mean "x"?)`` or an empty string."""
    best = closest(word, options)
    return f' (did you mean "{best}"?)' if best else ""


def declared_values(
    spec: ColumnSpec, uniques: pd.Index, parsed: np.ndarray, ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray, str] | None:
    """Distinct values outside the declared ``values``: mask, reasons, summary key."""
    import numpy as np
    import pandas as pd

    if spec.values is None:
        return None
    allowed = pd.Index(spec.values)
    compared = pd.Index(parsed if spec.type == "integer" else uniques)
    outside = ok & ~np.asarray(compared.isin(allowed))
    if not outside.any():
        return None
    options = [str(v) for v in spec.values]
    reasons = np.full(len(uniques), "", dtype=object)
    for i in np.flatnonzero(outside):  # once per distinct bad value, not per row
        value = str(uniques[int(i)])[:_SHOWN]
        reasons[i] = (
            f'{spec.name}: "{value}" is not one of the declared values'
            f"{did_you_mean(value, options)}"
        )
    return outside, reasons, f"{spec.name}: not a declared value"


def time_zones(
    spec: ColumnSpec, uniques: pd.Index, ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray, str] | None:
    """Distinct values that are not IANA time zone names: mask, reasons, summary key."""
    import numpy as np

    if spec.format != "timezone":
        return None
    names = zone_names()
    outside = ok & ~np.asarray(uniques.isin(names))
    if not outside.any():
        return None
    reasons = np.full(len(uniques), "", dtype=object)
    for i in np.flatnonzero(outside):  # once per distinct bad value, not per row
        value = str(uniques[int(i)])[:_SHOWN]
        reasons[i] = f'{spec.name}: unknown time zone "{value}"{did_you_mean(value, names)}'
    return outside, reasons, f"{spec.name}: unknown time zone"
