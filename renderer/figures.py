"""Characters and scenes for comic panels, and where a character's head is (for balloon tails)."""

from __future__ import annotations

from pathlib import Path

from fanzha.renderer import characters
from PIL import Image

Box = tuple[int, int, int, int]


def head_point(box: Box) -> tuple[int, int]:
    """Centre of the character's head in its box, exactly as drawn (where balloon tails aim)."""
    return characters.character_head(box)


def head_radius(box: Box) -> int:
    """Radius of the drawn head, so tails stop at its edge instead of on the face."""
    return characters.character_head_radius(box)


def draw_scene(img: Image.Image, scene: str, box: Box, asset_dir: Path | None = None) -> None:
    """Paint a scene background into box."""
    characters.draw_scene(img, scene, box, asset_dir=asset_dir)


def draw_character(
    img: Image.Image,
    role: str,
    expression: str,
    box: Box,
    facing: str = "right",
    asset_dir: Path | None = None,
    *,
    holding: str | None = None,
    clip_bottom: int | None = None,
    look: str | None = None,
) -> None:
    """Draw a cast member in box, looking towards `facing` (see characters.draw_character)."""
    characters.draw_character(
        img,
        role,
        expression,
        box,
        facing=facing,
        asset_dir=asset_dir,
        holding=holding,
        clip_bottom=clip_bottom,
        look=look,
    )
