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

scipy.stats (about 0.6 s to import) loads only inside the functions that need it.
"""

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

__all__ = [
    "Adjusted",
    "AdjustedDifference",
    "Estimate",
    "Mde",
    "PowerCheck",
    "PowerPlan",
    "Prevention",
    "ProportionComparison",
    "Rate",
    "RateComparison",
    "SampleRatioCheck",
    "SampleSize",
    "SegmentEffect",
    "SegmentEffects",
    "SequentialLook",
    "SequentialResult",
    "TestResult",
    "WeekEffect",
    "WeeklyEffects",
    "always_valid_intervals",
    "benjamini_hochberg",
    "compare_proportions",
    "compare_rates",
    "confidence_sequence",
    "cuped",
    "effect_by_week",
    "holdout_share_needed",
    "lin_adjusted",
    "minimum_detectable_effect",
    "newcombe",
    "plan_power",
    "power_check",
    "power_two_proportions",
    "prevention",
    "relative_risk",
    "sample_ratio_mismatch",
    "sample_size",
    "segment_effects",
    "tau_for",
    "uplift_table",
    "wilson",
]
