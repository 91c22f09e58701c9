"""A risk ruleset stored as `fanzha run` stores one, without running a campaign."""

from __future__ import annotations

import pandas as pd
from fanzha.delivery.risk_store import save_ruleset
from sqlalchemy.engine import Engine

from tests.delivery.feed_fixtures import T0

ACTIONS = [
    {"id": "cancel", "label": "不转了"},
    {"id": "call", "label": "打110问问", "phone": "110"},
    {"id": "continue", "label": "我已核实，继续"},
]


def prompt(warning: str, variant: str, large: bool, image_key: str) -> dict[str, object]:
    """One prepared prompt."""
    return {
        "warning_id": warning,
        "variant": variant,
        "locale": "zh-CN",
        "title": "警察不会在电话里办案",
        "body": "挂断电话，自己拨打110核实",
        "questions": ["对方是不是说过：“把钱转到安全账户”？"],
        "image_key": image_key,
        "alt_text": "漫画",
        "large_text": large,
    }


def seed_risk_ruleset(engine: Engine, image_key: str, campaign: str = "c1") -> None:
    """Two rules; customers C000000001 (elderly) and C000000002 (held out) have profiles."""
    w = "impersonating-authorities"
    save_ruleset(
        engine,
        campaign_id=campaign,
        version="v1",
        locale="zh-CN",
        holdout_pct=5.0,
        rules=[
            {"index": 1, "when": "screen_sharing", "warning": w, "pause_seconds": 20},
            {
                "index": 2,
                "when": 'kind == "transfer" and amount >= 5000',
                "warning": w,
                "pause_seconds": 30,
            },
        ],
        prompts={
            f"{w}|elderly|zh-CN|1": prompt(w, "a", True, image_key),
            f"{w}||zh-CN|0": prompt(w, "a", False, image_key),
        },
        labels={"zh-CN": {"transfer": ACTIONS, "": ACTIONS}},
        columns=[],
        profiles=pd.DataFrame(
            {
                "customer_id": ["C000000001", "C000000002"],
                "segment": ["elderly", "elderly"],
                "holdout": [False, True],
                "locale": ["zh-CN", "zh-CN"],
                "large_text": [True, True],
                "facts": ["", ""],
            }
        ),
        now=T0,
    )
