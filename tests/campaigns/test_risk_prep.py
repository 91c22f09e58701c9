"""What `fanzha run` writes for risk checks: one profile per customer, control members marked."""

from __future__ import annotations

import pandas as pd
from fanzha.campaigns.audience import Audience
from fanzha.campaigns.control import withheld_from_risk_prompts
from fanzha.campaigns.demo import example_campaign
from fanzha.campaigns.risk_prep import risk_profiles
from fanzha.campaigns.settings import Settings
from fanzha.campaigns.workspace import Workspace


def audience() -> Audience:
    ids = [f"C{i:09d}" for i in range(2000)]
    customers = pd.DataFrame(
        {"customer_id": ids, "locale": "zh-CN", "large_text": False, "age": 60}
    )
    assignments = pd.DataFrame(
        {"customer_id": ids, "segment": "elderly", "holdout": False, "eligible": True}
    )
    return Audience(customers, assignments, pd.DataFrame(), frozenset({ids[0]}))


def test_profiles_mark_control_members_only_when_prompts_skip_them() -> None:
    campaign = Workspace(Settings.from_env()).campaign(example_campaign())
    day = campaign.starts
    for exempt, expect_some in ((True, False), (False, True)):
        settings = Settings.from_env().replace(control_pct=10.0, control_risk_prompts=exempt)
        frame = risk_profiles(
            campaign, audience(), [], lambda ids: withheld_from_risk_prompts(settings, ids, day)
        )
        assert bool(frame["withheld"].any()) is expect_some
    # large text from the elderly segment's style; who refused personalization has no
    # segment (PIPL art. 24), so neither its style
    refused = frame["customer_id"] == "C000000000"
    assert frame.loc[~refused, "large_text"].all()
    assert (frame.loc[refused, "segment"].item(), frame.loc[refused, "large_text"].item()) == (
        "",
        False,
    )
    assert 100 < frame["withheld"].sum() < 300  # about 10% of 2,000
