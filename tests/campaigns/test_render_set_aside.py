"""A render the renderer refuses never stops a run: its messages go as text-only cards."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fanzha.campaigns import runner
from fanzha.campaigns.workspace import Workspace
from sqlalchemy import text

from tests.campaigns.conftest import START

pytestmark = pytest.mark.slow  # a whole run


def test_a_refused_render_is_set_aside_and_the_run_goes_on(
    ws: Workspace,
    campaign_file: Path,
    customers_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from fanzha.renderer import api as render_api
    from fanzha.renderer.errors import TextOverflowError

    real = render_api.render_card
    refused: list[str] = []

    def picky(copy, fmt, style, **kw):  # type: ignore[no-untyped-def]
        if copy.warning_id == "impersonating-authorities":
            refused.append(copy.warning_id)
            raise TextOverflowError("text box 'panel2' does not fit the strip format")
        return real(copy, fmt, style, **kw)

    monkeypatch.setattr(render_api, "render_card", picky)  # workers are forked after this
    # an empty media cache of its own: the tests' shared one may already hold these renders
    ws = Workspace(ws.settings.replace(media_dir=tmp_path / "media"))
    result = runner.run_campaign(ws, campaign_file, customers_file, START)
    assert refused and result.inserted == result.messages > 0
    assert result.renders_set_aside and all(
        line.startswith("impersonating-authorities/") and "does not fit the strip format" in line
        for line in result.renders_set_aside
    )
    assert "renders set aside (their messages go as text-only cards)" in result.render()
    with ws.engine.connect() as conn:
        sent = pd.read_sql(text("SELECT warning_id, image_key FROM messages"), conn)
    mine = sent["warning_id"] == "impersonating-authorities"
    assert mine.any() and (sent.loc[mine, "image_key"] == "").all()  # nothing lost: text-only
    assert (sent.loc[~mine, "image_key"] != "").all()  # every other warning has its comic
