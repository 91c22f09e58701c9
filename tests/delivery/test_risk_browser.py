"""The risk interstitial in headless Chromium at 412 px: comic, questions, pause, buttons."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fanzha.content import ContentConfig, CopyContext, load_library, risk_questions
from fanzha.delivery.models import RiskCheck
from fanzha.delivery.risk_live import LiveRiskIndex
from fanzha.delivery.risk_store import save_ruleset
from fanzha.renderer import RenderCache, RenderJob, Style, render_batch

from tests.chromium import launch
from tests.delivery.feed_fixtures import BACKEND_KEY, T0, Env, live_server, make_env
from tests.delivery.risk_fixtures import ACTIONS

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
W = "impersonating-authorities"
ELDER, YOUNG = "C000000001", "C000000003"


def _holdout(_campaign: str, _customer: str, _pct: float) -> bool:
    return False


def _index(engine: sa.Engine) -> LiveRiskIndex:
    def compile(text: str):  # type: ignore[no-untyped-def]
        return lambda record, _as_of: bool(record.get("kind") == "transfer")

    return LiveRiskIndex(engine, compile, _holdout)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    url = f"sqlite:///{tmp_path / 'fanzha.db'}"
    yield from make_env(url, tmp_path, risk_index=_index(sa.create_engine(url)))


def _prompts(media: Path) -> dict[str, dict[str, object]]:
    """The story written for each segment, rendered in each text mode (as `fanzha run` does)."""
    library = load_library()
    config = ContentConfig(bank_name={"zh-CN": "示例银行", "en": "Demo Bank"}, bank_phone="00000")
    out = {}
    for segment, variant, large in (("elderly", "a", True), ("young_workers", "b", False)):
        copy = library.resolve(W, variant, "zh-CN", CopyContext.for_locale(config, "zh-CN"))
        [manifest] = render_batch(
            [RenderJob(copy, "strip", Style(large_text=large))], RenderCache(media), processes=1
        )
        out[f"{W}|{segment}|zh-CN|{int(large)}"] = {
            "warning_id": W,
            "variant": variant,
            "locale": "zh-CN",
            "title": copy.title,
            "body": copy.action,
            "questions": risk_questions(copy),
            "image_key": manifest.image_key,
            "alt_text": manifest.alt_text,
            "large_text": large,
        }
    return out


def _seed(env: Env) -> None:
    import pandas as pd

    prompts = _prompts(env.media_dir)
    save_ruleset(
        env.engine,
        campaign_id="c1",
        version="v1",
        locale="zh-CN",
        holdout_pct=0.0,
        rules=[{"index": 1, "when": "x", "warning": W, "pause_seconds": 3}],
        prompts={**prompts, f"{W}||zh-CN|0": next(iter(prompts.values()))},
        labels={"zh-CN": {"transfer": ACTIONS, "": ACTIONS}},
        columns=[],
        profiles=pd.DataFrame(
            {
                "customer_id": [ELDER, YOUNG],
                "segment": ["elderly", "young_workers"],
                "holdout": [False, False],
                "locale": ["zh-CN", "zh-CN"],
                "large_text": [True, False],
                "withheld": [False] * 2,
                "facts": ["", ""],
            }
        ),
        now=T0,
    )
    assert env.app.state.fanzha.risk.refresh() is True  # what the refresh task does after a run


def _prompt_id(env: Env, check_id: str, customer: str) -> str:
    body = {"check_id": check_id, "customer_id": customer, "kind": "transfer", "amount": 50000}
    answer = env.client.post("/v1/risk-check", json=body, headers={"X-Backend-Key": BACKEND_KEY})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["prompt"]["prompt_id"])


def _action(env: Env, check_id: str) -> str | None:
    t = RiskCheck.__table__
    with env.engine.connect() as conn:
        return conn.execute(sa.select(t.c.action).where(t.c.check_id == check_id)).scalar()


def _until(page, expression: str, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        time.sleep(0.05)


def test_the_interstitial_pauses_continue_and_posts_the_button_pressed(env: Env) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    _seed(env)
    old, young = _prompt_id(env, "b-1", ELDER), _prompt_id(env, "b-2", YOUNG)
    env.auth(ELDER), env.auth(YOUNG)
    with live_server(env.app) as base, sync_api.sync_playwright() as pw:
        browser = launch(pw)
        try:
            for who, pid, check_id, shot in (
                (ELDER, old, "b-1", "risk-large.png"),
                (YOUNG, young, "b-2", "risk.png"),
            ):
                ctx = browser.new_context(viewport={"width": 412, "height": 915})
                page = ctx.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"{base}/app/risk/{pid}?token={env.tokens[who]}")
                assert page.url == f"{base}/app/risk/{pid}"  # the token left the address bar
                _until(page, "document.images[0].complete && document.images[0].naturalWidth > 0")
                # the whole strip, its panel images stacked: title, every panel, action
                srcs = page.locator(".comic img").evaluate_all(
                    "l => l.map(i => i.getAttribute('src'))"
                )
                assert len(srcs) >= 5 and len(set(srcs)) == len(srcs), srcs
                large = page.evaluate("document.body.classList.contains('large')")
                assert large is (who == ELDER)
                assert page.locator(".questions li").count() == 3
                assert page.locator(".act-continue").is_disabled()
                assert page.locator(".act-cancel").is_enabled()
                assert page.locator(".act-call").is_enabled()
                assert page.locator(".phone").bounding_box()["width"] <= 412
                page.screenshot(path=str(SHOTS / shot))
                if who == ELDER:  # cancel works during the pause
                    page.locator(".act-cancel").click()
                    _until(page, "document.body.getAttribute('data-sent') === 'cancel'")
                    assert _action(env, check_id) == "cancelled"
                else:  # continue works once the pause is over
                    _until(page, "!document.querySelector('.act-continue').disabled", 10)
                    page.locator(".act-continue").click()
                    _until(page, "document.body.getAttribute('data-sent') === 'continue'")
                    assert _action(env, check_id) == "continued"
                assert errors == []
                ctx.close()
            # Someone else's prompt is not found, even with a valid cookie.
            ctx = browser.new_context()
            page = ctx.new_page()
            page.goto(f"{base}/app/risk/{old}?token={env.tokens[YOUNG]}")
            assert "警察" not in page.content()
            ctx.close()
        finally:
            browser.close()
