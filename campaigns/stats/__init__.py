"""Statistics for campaigns and experiments: every estimate with its interval and method name.

Modules, each holding one kind of question (see docs/STATISTICS.md):

- ``proportions``: two rates compared (Wilson, Newcombe difference, Katz ratio, z / Fisher test)
- ``uplift``: intention-to-treat effect per segment with Benjamini–Hochberg adjustment
- ``srm``: sample-ratio mismatch against the declared split
- ``power`` and ``planning``: sample size, MDE, holdout share needed, the small-holdout warning
- ``cuped``: pre-period covariate adjustment (CUPED, Lin's regression)
- ``multiplicity``: Benjamini–Hochberg
- ``weekly``: effect by week since the first send
- ``rare``: Poisson rates, exact conditional test, cost per prevented case
- ``sequential``: always-valid mixture-SPRT intervals for repeated looks
- ``plots``: the report's figures (imported on its own: it loads matplotlib)

Names load on first use, so a command that needs one figure does not import scipy.stats.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fanzha.campaigns.stats.cuped import AdjustedDifference, cuped, lin_adjusted
    from fanzha.campaigns.stats.multiplicity import Adjusted, benjamini_hochberg
    from fanzha.campaigns.stats.planning import PowerCheck, PowerPlan, plan_power, power_check
    from fanzha.campaigns.stats.power import (
        Mde,
        SampleSize,
        holdout_share_needed,
        minimum_detectable_effect,
        power_two_proportions,
        sample_size,
    )
    from fanzha.campaigns.stats.proportions import (
        ProportionComparison,
        Rate,
        compare_proportions,
        newcombe,
        relative_risk,
        wilson,
    )
    from fanzha.campaigns.stats.rare import Prevention, RateComparison, compare_rates, prevention
    from fanzha.campaigns.stats.results import Estimate, TestResult
    from fanzha.campaigns.stats.sequential import (
        SequentialLook,
        SequentialResult,
        always_valid_intervals,
        confidence_sequence,
        tau_for,
    )
    from fanzha.campaigns.stats.srm import SampleRatioCheck, sample_ratio_mismatch
    from fanzha.campaigns.stats.uplift import (
        SegmentEffect,
        SegmentEffects,
        segment_effects,
        uplift_table,
    )
    from fanzha.campaigns.stats.weekly import WeekEffect, WeeklyEffects, effect_by_week

_WHERE = {
    "cuped": ("AdjustedDifference", "cuped", "lin_adjusted"),
    "multiplicity": ("Adjusted", "benjamini_hochberg"),
    "planning": ("PowerCheck", "PowerPlan", "plan_power", "power_check"),
    "power": (
        "Mde",
        "SampleSize",
        "holdout_share_needed",
        "minimum_detectable_effect",
        "power_two_proportions",
        "sample_size",
    ),
    "proportions": (
        "ProportionComparison",
        "Rate",
        "compare_proportions",
        "newcombe",
        "relative_risk",
        "wilson",
    ),
    "rare": ("Prevention", "RateComparison", "compare_rates", "prevention"),
    "results": ("Estimate", "TestResult"),
    "sequential": (
        "SequentialLook",
        "SequentialResult",
        "always_valid_intervals",
        "confidence_sequence",
        "tau_for",
    ),
    "srm": ("SampleRatioCheck", "sample_ratio_mismatch"),
    "uplift": ("SegmentEffect", "SegmentEffects", "segment_effects", "uplift_table"),
    "weekly": ("WeekEffect", "WeeklyEffects", "effect_by_week"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """Import the module that holds ``name`` on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
