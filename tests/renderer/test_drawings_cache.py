"""Characters and scenes read back from the derived-data cache are the drawings, pixel for
pixel; an entry that cannot be read is drawn again."""

from __future__ import annotations

from pathlib import Path

import pytest
from fanzha.renderer import characters
from fanzha.renderer.characters import _stored
from PIL import Image

CALLS = [
    ("character", ("elderly", "worried", 330, 550, "ear", 0, "grandpa")),
    ("character", ("bank_staff", "calm", 712, 1186, None, 640, None)),  # top rows only
    ("scene", ("bank", 1080, 901)),
]


def draw(what: str, args: tuple) -> Image.Image:
    """The drawing itself, never the cache."""
    return (
        characters._draw_character(*args) if what == "character" else characters._draw_scene(*args)
    )


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path))
    return tmp_path / _stored.KIND


@pytest.mark.parametrize(("what", "args"), CALLS)
def test_a_cached_drawing_is_the_drawing(what: str, args: tuple, cache: Path) -> None:
    drawn = _stored.stored(what, args, lambda: draw(what, args))
    _stored.wait()
    assert len(list(cache.iterdir())) == 1
    read = _stored.stored(what, args, lambda: pytest.fail("drawn again, not read"))
    assert (read.mode, read.size) == (drawn.mode, drawn.size)
    assert read.tobytes() == drawn.tobytes() == draw(what, args).tobytes()


@pytest.mark.parametrize("damage", [b"", b"RGBA 2 2\n", b"RGB 1080 901\nnot zlib", b"CMYK 1 1\nx"])
def test_an_entry_that_cannot_be_read_is_drawn_again(damage: bytes, cache: Path) -> None:
    what, args = CALLS[2]
    _stored.stored(what, args, lambda: draw(what, args))
    _stored.wait()
    (entry,) = cache.iterdir()
    entry.write_bytes(damage)
    redrawn = []
    img = _stored.stored(what, args, lambda: redrawn.append(1) or draw(what, args))
    assert redrawn and img.tobytes() == draw(what, args).tobytes()


def test_no_cache_folder_draws_every_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FANZHA_CACHE_DIR", "off")
    what, args = CALLS[0]
    drawn = []
    for _ in range(2):
        _stored.stored(what, args, lambda: drawn.append(1) or draw(what, args))
    _stored.wait()
    assert len(drawn) == 2
