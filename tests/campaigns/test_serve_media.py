"""``fanzha serve`` reads the media folder ``run`` writes to, and says so when it is empty."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fanzha.campaigns.services import feed_app
from fanzha.campaigns.store import upgrade_store
from fanzha.campaigns.workspace import Workspace
from starlette.testclient import TestClient

from tests.campaigns.conftest import make_settings


def test_serve_and_run_use_one_media_folder_by_default() -> None:
    settings = make_settings()
    assert settings.media_dir == Path("fanzha-media")  # run renders here; serve reads here


@pytest.mark.parametrize(
    ("files", "says"), [(None, "does not exist"), ([], "is empty"), (["k.webp"], None)]
)
def test_serve_warns_at_start_up_when_the_media_folder_is_missing_or_empty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, files: list[str] | None, says: str | None
) -> None:
    media = tmp_path / "media"
    if files is not None:
        media.mkdir()
        for name in files:
            (media / name).write_bytes(b"RIFF")
    settings = make_settings(db_url=f"sqlite:///{tmp_path / 's.db'}", media_dir=media)
    upgrade_store(settings)
    with caplog.at_level(logging.WARNING), TestClient(feed_app(Workspace(settings))):
        pass  # start-up (the lifespan) runs on entering
    warned = [r.getMessage() for r in caplog.records if "every card image" in r.getMessage()]
    if says is None:
        assert warned == []
    else:
        (line,) = warned
        assert f"media folder {media.resolve()} {says}" in line and "FANZHA_MEDIA_DIR" in line
