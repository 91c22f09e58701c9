"""Designer art that replaces drawn characters or scenes, and pasting a layer into a box."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

Box = tuple[int, int, int, int]


def character_asset(asset_dir: Path | None, role: str, expression: str) -> Path | None:
    """The override file for a character: the expression's own art first, then the role's."""
    if asset_dir is None:
        return None
    folder = Path(asset_dir) / "characters"
    for name in (f"{role}-{expression}.png", f"{role}.png"):
        if (folder / name).is_file():
            return folder / name
    return None


def scene_asset(asset_dir: Path | None, scene: str) -> Path | None:
    """The override file for a scene, if the asset folder has one."""
    if asset_dir is None:
        return None
    path = Path(asset_dir) / "scenes" / f"{scene}.png"
    return path if path.is_file() else None


def _load(path: Path) -> Image.Image:
    with Image.open(path) as art:
        art.load()
        return art.convert("RGBA")


def fit_character(path: Path, size: tuple[int, int], facing: str) -> Image.Image:
    """Character art scaled to fit the box (aspect kept), feet on the bottom, centred."""
    art = _load(path)
    w, h = size
    scale = min(w / art.width, h / art.height)
    art = art.resize(
        (max(1, round(art.width * scale)), max(1, round(art.height * scale))),
        Image.Resampling.LANCZOS,
    )
    if facing == "left":  # designer art is drawn facing right, like the built-in cast
        art = ImageOps.mirror(art)
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    layer.paste(art, ((w - art.width) // 2, h - art.height))
    return layer


def fit_scene(path: Path, size: tuple[int, int]) -> Image.Image:
    """Scene art scaled to cover the whole box (aspect kept), cropped around its centre."""
    art = _load(path)
    return ImageOps.fit(art, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def composite(img: Image.Image, layer: Image.Image, box: Box) -> None:
    """Blend an RGBA layer into img at the box's corner; only pixels inside the box change."""
    x0, y0 = box[0], box[1]
    # clip to the image so a box hanging over an edge still works
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + layer.width, img.width), min(y0 + layer.height, img.height)
    if cx1 <= cx0 or cy1 <= cy0:
        return
    part = layer.crop((cx0 - x0, cy0 - y0, cx1 - x0, cy1 - y0))
    if part.mode == "RGB":  # an opaque layer (a drawn scene): a plain paste
        img.paste(part, (cx0, cy0))
    elif img.mode == "RGBA":
        img.alpha_composite(part, (cx0, cy0))
    else:
        img.paste(part, (cx0, cy0), part)
