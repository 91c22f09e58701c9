"""The drawn comic cast and scenes: stay in their box, differ by expression, mirror, override."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from fanzha.renderer.characters import (
    EXPRESSIONS,
    ROLES,
    SCENES,
    UnknownArtName,
    character_head,
    character_head_radius,
    draw_character,
    draw_scene,
)
from fanzha.renderer.errors import RenderError
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SENTINEL = (255, 0, 255)  # a colour no drawing uses, so any change to it is visible
BOX = (40, 30, 300, 430)


def canvas(mode: str = "RGB", size: tuple[int, int] = (360, 480)) -> Image.Image:
    """A sentinel-filled image to draw on."""
    fill = SENTINEL if mode == "RGB" else (*SENTINEL, 255)
    return Image.new(mode, size, fill)


def outside_untouched(img: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """True when every pixel outside the box still has the sentinel colour."""
    px = np.asarray(img.convert("RGB"))
    mask = np.ones(px.shape[:2], dtype=bool)
    x0, y0, x1, y1 = box
    mask[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = False
    return bool((px[mask] == SENTINEL).all())


def changed_fraction(img: Image.Image, box: tuple[int, int, int, int]) -> float:
    """The share of pixels inside the box that no longer have the sentinel colour."""
    px = np.asarray(img.crop(box).convert("RGB"))
    return float((px != SENTINEL).any(axis=2).mean())


def render(role: str, expression: str, facing: str = "right", size=(260, 400)) -> np.ndarray:
    """A character drawn over the whole of a fresh image, as an array."""
    img = canvas(size=size)
    draw_character(img, role, expression, (0, 0, *size), facing)
    return np.asarray(img)


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
@pytest.mark.parametrize("role", ROLES)
def test_every_character_draws_inside_its_box_only(role: str, mode: str) -> None:
    for expression in EXPRESSIONS:
        for facing in ("right", "left"):
            img = canvas(mode)
            draw_character(img, role, expression, BOX, facing)
            assert outside_untouched(img, BOX), (role, expression, facing)
            # a real figure, not a speck: a good part of the box is covered
            assert changed_fraction(img, BOX) > 0.2, (role, expression, facing)


@pytest.mark.parametrize("scene", SCENES)
def test_every_scene_fills_its_box_and_nothing_else(scene: str) -> None:
    img = canvas()
    draw_scene(img, scene, BOX)
    assert outside_untouched(img, BOX)
    assert changed_fraction(img, BOX) == 1.0  # opaque: no sentinel shows through


def test_scenes_differ_from_each_other() -> None:
    renders = {}
    scenes = list(SCENES)
    for scene in scenes:
        img = canvas()
        draw_scene(img, scene, BOX)
        renders[scene] = np.asarray(img).astype(int)
    for a, b in combinations(scenes, 2):
        assert np.abs(renders[a] - renders[b]).sum(axis=2).astype(bool).mean() > 0.2, (a, b)


@pytest.mark.parametrize("role", ROLES)
def test_expressions_of_a_role_differ_in_the_face(role: str) -> None:
    # compare the head region only: the expression must show on the face, not just the arms
    heads = {e: render(role, e)[0:150].astype(int) for e in EXPRESSIONS}
    for a, b in combinations(EXPRESSIONS, 2):
        differing = np.abs(heads[a] - heads[b]).sum(axis=2) > 60
        assert differing.sum() > 150, (role, a, b, int(differing.sum()))


def test_roles_look_different_from_each_other() -> None:
    roles = list(ROLES)
    bodies = {role: render(role, "calm").astype(int) for role in roles}
    for a, b in combinations(roles, 2):
        assert (np.abs(bodies[a] - bodies[b]).sum(axis=2) > 60).mean() > 0.05, (a, b)


@pytest.mark.parametrize("role", ["elderly", "scammer_phone"])
def test_facing_left_mirrors_facing_right(role: str) -> None:
    right = render(role, "worried", "right")
    left = render(role, "worried", "left")
    assert not np.array_equal(right, left)  # the figure is not symmetric ...
    assert np.array_equal(right[:, ::-1], left)  # ... so the mirror shows


@pytest.mark.parametrize("height", [150, 1200])
def test_character_fills_small_and_poster_sized_boxes(height: int) -> None:
    width = round(height * 0.65)
    box = (10, 10, 10 + width, 10 + height)
    img = canvas(size=(width + 20, height + 20))
    draw_character(img, "young_worker", "calm", box)
    assert outside_untouched(img, box)
    rows = np.flatnonzero((np.asarray(img)[:, :, :] != SENTINEL).any(axis=2).any(axis=1))
    assert rows[0] - 10 < 0.12 * height  # the head reaches the top of the box ...
    assert 10 + height - rows[-1] < 0.03 * height  # ... and the feet its bottom
    _, head_y = character_head(box)
    assert head_y - 10 < 0.35 * height


def test_head_is_centred_and_high_in_a_portrait_box() -> None:
    box = (100, 50, 360, 450)
    x, y = character_head(box)
    assert abs(x - 230) <= 2
    assert 50 < y < 50 + 0.35 * 400
    # the reported head is where the drawing has its face: skin colour at the centre,
    # and the head's outline within the reported radius
    img = canvas(size=(400, 500))
    draw_character(img, "bank_staff", "calm", box)
    px = np.asarray(img)
    assert tuple(px[y + 8, x]) == (250, 214, 180)  # cheek/chin skin below the eyes
    r = character_head_radius(box)
    row = (px[y + 10] != SENTINEL).any(axis=1)  # through the lower face
    left_edge = int(np.flatnonzero(row)[0])
    assert x - r - 4 <= left_edge <= x - r * 0.8


@settings(max_examples=25, deadline=None)
@given(
    x0=st.integers(-80, 300),
    y0=st.integers(-80, 400),
    w=st.integers(1, 400),
    h=st.integers(1, 500),
    role=st.sampled_from(ROLES),
    scene=st.sampled_from(SCENES),
)
def test_any_box_even_over_the_edge_changes_only_its_pixels(x0, y0, w, h, role, scene) -> None:
    box = (x0, y0, x0 + w, y0 + h)
    img = canvas()
    draw_scene(img, scene, box)
    draw_character(img, role, "alarmed", box, "left")
    assert outside_untouched(img, box)


def _solid(path: Path, size: tuple[int, int], color: tuple[int, int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGBA", size, color).save(path)


def test_asset_folder_replaces_characters_and_scenes(tmp_path: Path) -> None:
    _solid(tmp_path / "characters" / "elderly-worried.png", (50, 100), (200, 10, 10, 255))
    _solid(tmp_path / "characters" / "bank_staff.png", (50, 100), (10, 10, 200, 255))
    _solid(tmp_path / "scenes" / "home.png", (40, 10), (10, 200, 10, 255))
    box = (0, 0, 200, 200)

    img = canvas(size=(200, 200))
    draw_character(img, "elderly", "worried", box, asset_dir=tmp_path)
    px = np.asarray(img)
    red = (px == (200, 10, 10)).all(axis=2)
    assert red.sum() == 100 * 200  # fitted keeping its 1:2 aspect: 100 × 200
    assert red[:, 50:150].all() and not red[:, :50].any()  # centred
    assert (px[:, :50] == SENTINEL).all()  # nothing drawn around the art

    img = canvas(size=(200, 200))
    draw_character(img, "elderly", "calm", box, asset_dir=tmp_path)  # no art for calm: drawn
    assert not (np.asarray(img) == (200, 10, 10)).all(axis=2).any()

    for expression in EXPRESSIONS:  # role-wide art serves every expression
        img = canvas(size=(200, 200))
        draw_character(img, "bank_staff", expression, box, asset_dir=tmp_path)
        assert (np.asarray(img) == (10, 10, 200)).all(axis=2).sum() == 100 * 200

    img = canvas(size=(200, 200))
    draw_scene(img, "home", box, asset_dir=tmp_path)
    assert (np.asarray(img) == (10, 200, 10)).all()  # covers the whole box
    img = canvas(size=(200, 200))
    draw_scene(img, "bank", box, asset_dir=tmp_path)  # no art for the bank: drawn
    assert not (np.asarray(img) == (10, 200, 10)).all(axis=2).any()


def test_asset_transparency_and_facing_are_respected(tmp_path: Path) -> None:
    art = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    art.paste((250, 200, 0, 255), (0, 0, 30, 100))  # an opaque stripe on the left only
    (tmp_path / "characters").mkdir()
    art.save(tmp_path / "characters" / "family.png")
    for facing, lit, dark in (
        ("right", slice(0, 30), slice(30, 100)),
        ("left", slice(70, 100), slice(0, 70)),
    ):
        img = canvas(size=(100, 100))
        draw_character(img, "family", "calm", (0, 0, 100, 100), facing, asset_dir=tmp_path)
        px = np.asarray(img)
        assert (px[:, lit] == (250, 200, 0)).all(), facing
        assert (px[:, dark] == SENTINEL).all(), facing


@pytest.mark.parametrize(
    ("call", "wrong", "suggestion"),
    [
        (lambda img: draw_character(img, "eldery", "calm", BOX), "eldery", "elderly"),
        (lambda img: draw_character(img, "bank_staff", "alarm", BOX), "alarm", "alarmed"),
        (lambda img: draw_character(img, "family", "calm", BOX, "rigth"), "rigth", "right"),
        (lambda img: draw_scene(img, "bnak", BOX), "bnak", "bank"),
        (lambda img: draw_scene(img, "phonecall", BOX), "phonecall", "phone_call"),
    ],
)
def test_unknown_names_raise_with_the_closest_valid_one(call, wrong, suggestion) -> None:
    img = canvas()
    with pytest.raises(UnknownArtName, match=f"did you mean '{suggestion}'") as caught:
        call(img)
    assert wrong in str(caught.value)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, RenderError)
    assert outside_untouched(img, (0, 0, 0, 0))  # nothing drawn before refusing


def test_empty_box_and_unsupported_image_mode_are_refused() -> None:
    with pytest.raises(ValueError, match="empty box"):
        draw_character(canvas(), "elderly", "calm", (10, 10, 10, 50))
    with pytest.raises(ValueError, match="RGB"):
        draw_scene(Image.new("L", (50, 50)), "home", (0, 0, 50, 50))


SHEET = """
import hashlib, sys
from PIL import Image
from fanzha.renderer.characters import draw_character, draw_scene, ROLES, EXPRESSIONS, SCENES
img = Image.new("RGB", (1400, 900), (255, 255, 255))
for i, scene in enumerate(SCENES):
    draw_scene(img, scene, (i * 150, 0, i * 150 + 150, 120))
for r, role in enumerate(ROLES):
    for e, expression in enumerate(EXPRESSIONS):
        x, y = e * 340 + r * 20, 130 + r * 100
        draw_character(img, role, expression, (x, y, x + 110, y + 170), "left" if r % 2 else "right")
sys.stdout.write(hashlib.sha256(img.tobytes()).hexdigest())
"""


@pytest.mark.slow
def test_renders_are_deterministic_across_processes() -> None:
    runs = [
        subprocess.run(
            [sys.executable, "-c", SHEET], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert len(runs[0]) == 64 and runs[0] == runs[1]


def test_repeated_draws_in_one_process_give_the_same_bytes() -> None:
    first, second = canvas(), canvas()
    for img in (first, second):
        draw_scene(img, "street", BOX)
        draw_character(img, "fake_officer", "relieved", BOX, "left")
    assert hashlib.sha256(first.tobytes()).digest() == hashlib.sha256(second.tobytes()).digest()


def test_every_look_is_drawn_and_differs_from_the_others_of_its_role() -> None:
    from fanzha.content.copy import LOOKS

    for role, looks in LOOKS.items():
        drawn = {}
        for look in looks:
            img = canvas(size=(260, 400))
            draw_character(img, role, "calm", (0, 0, 260, 400), look=look)
            drawn[look] = np.asarray(img).astype(int)
            assert changed_fraction(img, (0, 0, 260, 400)) > 0.2, (role, look)
        for a, b in combinations(looks, 2):
            assert (np.abs(drawn[a] - drawn[b]).sum(axis=2) > 60).mean() > 0.03, (role, a, b)
    with pytest.raises(UnknownArtName, match="did you mean"):
        draw_character(canvas(), "elderly", "calm", BOX, look="grandad")


def test_a_held_phone_is_where_character_prop_says() -> None:
    from fanzha.renderer.characters import character_prop

    for holding in ("ear", "hand"):
        for facing in ("right", "left"):
            plain, held = canvas(), canvas()
            draw_character(plain, "elderly", "calm", BOX, facing)
            draw_character(held, "elderly", "calm", BOX, facing, holding=holding)
            x0, y0, x1, y1 = character_prop(BOX, holding, facing)
            diff = np.abs(np.asarray(plain).astype(int) - np.asarray(held).astype(int)).sum(axis=2)
            assert diff[y0:y1, x0:x1].astype(bool).mean() > 0.5, (holding, facing)
