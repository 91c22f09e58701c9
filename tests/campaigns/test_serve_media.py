"""``fanzha serve`` reads the media folder ``run`` writes to, and says so when it is empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fanzha.campaigns import services
from fanzha.campaigns.cli import cli

from tests.campaigns.conftest import make_settings
from tests.conftest import TEST_KEYS


def test_serve_and_run_use_one_media_folder_by_default() -> None:
    settings = make_settings()
    assert settings.media_dir == Path("fanzha-media")  # run renders here; serve reads here


@pytest.mark.parametrize(
    ("files", "says"),
    [(None, "does not exist"), ([], "has no card images"), (["a.webp.json"], "has no card images")],
)
def test_a_missing_or_empty_media_folder_is_a_warning(
    tmp_path: Path, files: list[str] | None, says: str
) -> None:
    media = tmp_path / "media"
    if files is not None:
        media.mkdir()
        for name in files:
            (media / name).write_text("{}")
    warning = services.media_warning(make_settings(media_dir=media))
    assert warning is not None
    assert str(media) in warning and says in warning and "FANZHA_MEDIA_DIR" in warning


def test_a_media_folder_with_images_is_fine(tmp_path: Path) -> None:
    (tmp_path / "k.webp").write_bytes(b"RIFF")
    assert services.media_warning(make_settings(media_dir=tmp_path)) is None


def test_serve_warns_at_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = []
    monkeypatch.setattr(services, "serve", lambda settings, host, port: served.append(port))
    env = {**TEST_KEYS, "FANZHA_MEDIA_DIR": str(tmp_path / "nowhere")}
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"], env=env)
    assert result.exit_code == 0, result.output
    assert served == [8123]
    assert "every card image will answer 404" in result.stderr
