"""The risk index: built once, rebuilt only when the active campaign versions change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from fanzha.delivery.risk_index import NO_CAMPAIGN, NO_MATCH, PROMPT, build_index
from fanzha.delivery.risk_live import LiveRiskIndex
from fanzha.delivery.risk_store import deactivate_ruleset, save_ruleset
from fanzha.delivery.store import init_db, open_engine

from tests.delivery.risk_fixtures import ACTIONS, prompt, seed_risk_ruleset

W = "impersonating-authorities"


def compile(text: str):  # type: ignore[no-untyped-def]
    """A stand-in for the rule language: 'old' matches customers born before 1960."""
    if text == "old":
        return lambda r, _as_of: r.get("born") is not None and r["born"] < dt.datetime(1960, 1, 1)
    return lambda r, _as_of: r.get("kind") == "transfer" and (r.get("amount") or 0) >= 5000


def test_the_index_reloads_only_when_a_campaign_version_changes(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'x.db'}")
    init_db(engine)
    held: list[str] = []
    live = LiveRiskIndex(engine, compile, lambda c, cid, pct: held.append(cid) or False)
    assert live.index.decide("a", "C1", {"kind": "transfer"}, False).reason == NO_CAMPAIGN
    seed_risk_ruleset(engine, "k.webp")
    assert (live.refresh(), live.refresh(), live.loads) == (True, False, 2)
    event = {"kind": "transfer", "amount": 9000}
    for n in range(50):  # requests never rebuild it
        assert live.index.decide(f"c{n}", "C000000001", event, False).reason == PROMPT
    assert live.loads == 2
    # A customer the run did not see: no segment, the campaign's holdout hash decides.
    stranger = live.index.decide("s", "C999999999", event, False)
    assert (stranger.reason, stranger.segment, held) == (PROMPT, "", ["C999999999"])
    assert (
        live.index.decide("n", "C000000001", {"kind": "transfer", "amount": 1}, False).reason
        == NO_MATCH
    )
    deactivate_ruleset(engine, "c1")
    assert live.refresh() is True and live.index.campaigns == ()


def test_customer_columns_reach_the_rules_with_their_types(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'x.db'}")
    init_db(engine)
    save_ruleset(
        engine,
        campaign_id="c2",
        version="v1",
        locale="zh-CN",
        holdout_pct=0.0,
        rules=[{"index": 1, "when": "old", "warning": W, "pause_seconds": 10}],
        prompts={f"{W}||zh-CN|0": prompt(W, "a", False, "k.webp")},
        labels={"zh-CN": {"": ACTIONS}},
        columns=[{"name": "born", "type": "date"}],
        profiles=pd.DataFrame(
            {
                "customer_id": ["C2", "C1"],  # unsorted on purpose: the index sorts
                "segment": ["", ""],
                "holdout": [False, False],
                "locale": ["zh-CN", "zh-CN"],
                "large_text": [False, False],
                "facts": ['{"born": "1950-05-01"}', '{"born": "1990-05-01"}'],
            }
        ),
        now=dt.datetime(2027, 3, 1, tzinfo=dt.UTC),
    )
    index = build_index(engine, compile, lambda *_: False)
    assert index.decide("a", "C2", {"kind": "payee_added"}, False).reason == PROMPT
    assert index.decide("b", "C1", {"kind": "payee_added"}, False).reason == NO_MATCH
    one = build_index(engine, compile, lambda *_: False, customer_ids=["C2"])
    assert len(one.campaigns[0].ids) == 1  # the CLI loads only the customer it checks
