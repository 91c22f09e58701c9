"""The report's risk-prompt section: counts per rule/warning/story/segment, vs the holdout."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from fanzha.campaigns.report_risk import risk_table
from fanzha.campaigns.stats.power import sample_size
from fanzha.campaigns.stats.proportions import newcombe


def checks() -> pd.DataFrame:
    rows = []

    def add(n: int, reason: str, segment: str, action=None, transfer=None, fraud=None) -> None:  # type: ignore[no-untyped-def]
        for _ in range(n):
            rows.append(
                {
                    "reason": reason,
                    "rule": '#2 kind == "transfer"' if reason in ("prompt", "holdout") else "",
                    "warning_id": "impersonating-authorities",
                    "variant": "a" if segment == "elderly" else "b",
                    "segment": segment,
                    "action": action,
                    "transfer": transfer,
                    "fraud_reported": fraud,
                }
            )

    add(30, "prompt", "elderly", "cancelled", "abandoned")
    add(60, "prompt", "elderly", "continued", "completed")
    add(10, "prompt", "elderly", "continued", "completed", True)
    add(2, "holdout", "elderly", None, "abandoned")
    add(15, "holdout", "elderly", None, "completed")
    add(3, "holdout", "elderly", None, "completed", True)
    add(5, "prompt", "young_workers", "called", "abandoned")
    add(4, "opted_out", "elderly")  # in neither arm
    add(7, "no_match", "")
    frame = pd.DataFrame(rows)
    frame["story"] = frame["warning_id"] + "/" + frame["variant"]
    return frame


def test_counts_rates_and_intervals_per_segment_against_the_holdout() -> None:
    table = risk_table(checks()).set_index(["by", "value"])
    elderly = table.loc[("segment", "elderly")]
    assert (elderly["checks"], elderly["shown"], elderly["holdout"]) == (120, 100, 20)
    assert (elderly["cancelled_or_called"], elderly["abandoned"], elderly["fraud_reported"]) == (
        30,
        30,
        10,
    )
    assert elderly["abandoned_rate"] == pytest.approx(0.30)
    assert elderly["abandoned_rate_holdout"] == pytest.approx(0.10)
    assert (elderly["abandoned_ci_low"], elderly["abandoned_ci_high"]) == pytest.approx(
        newcombe(30, 100, 2, 20)
    )
    assert elderly["fraud_reported_difference"] == pytest.approx(0.10 - 0.15)
    share = 20 / 125  # the holdout's share of all matched checks
    assert elderly["abandoned_checks_needed"] == sample_size(0.10, 0.2, share).total
    young = table.loc[("segment", "young_workers")]
    assert (young["shown"], young["holdout"], young["cancelled_or_called"]) == (5, 0, 5)
    assert math.isnan(young["abandoned_rate_holdout"])  # no holdout: no comparison
    everyone = table.loc[("all", "all")]
    assert (everyone["checks"], everyone["shown"], everyone["holdout"]) == (125, 105, 20)
    assert set(table.index.get_level_values("by")) == {"rule", "warning", "story", "segment", "all"}
    assert table.loc[("story", "impersonating-authorities/b")]["shown"] == 5
