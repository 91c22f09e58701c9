"""Benchmark: drawing the comic cast and scenes in code vs pasting designer art of the same size.

Writes the `characters` section of bench/RESULTS.md. The reference is the asset-override path
(`asset_dir` with PNGs): what the renderer would pay if every character and scene were art
files, so "vs reference" says what drawing in code costs over shipping pictures.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import PIL
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `bench` and the packages import when run as a script

from fanzha.renderer import characters  # noqa: E402
from fanzha.renderer.characters import ROLES, SCENES, draw_character, draw_scene  # noqa: E402

from bench.results_md import write_section  # noqa: E402


def per_call_ms(runs: int, work: Callable[[int], object]) -> float:
    """Median CPU milliseconds of one call (CPU time: the machine is shared, wall time is noisy)."""
    times = []
    for i in range(runs):
        start = time.process_time()
        work(i)
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def make_assets(folder: Path, char_size: tuple[int, int], scene_size: tuple[int, int]) -> None:
    """PNG art of the same sizes as the drawn renders, made from the drawn renders."""
    (folder / "characters").mkdir(parents=True)
    (folder / "scenes").mkdir(parents=True)
    for role in ROLES:
        layer = Image.new("RGBA", char_size, (0, 0, 0, 0))
        draw_character(layer, role, "calm", (0, 0, *char_size))
        layer.save(folder / "characters" / f"{role}.png")
    for scene in SCENES:
        layer = Image.new("RGB", scene_size)
        draw_scene(layer, scene, (0, 0, *scene_size))
        layer.save(folder / "scenes" / f"{scene}.png")


def character_rows(runs: int, assets: Path) -> list[tuple[str, float]]:
    """Per-call times for characters at three sizes, uncached, cached and from art."""
    rows = []
    for w, h in ((98, 150), (260, 400), (780, 1200)):
        img = Image.new("RGB", (w, h), (250, 246, 238))
        box = (0, 0, w, h)

        def drawn(i: int, img: Image.Image = img, box=box) -> None:
            characters._render_character.cache_clear()  # measure the drawing itself
            draw_character(img, ROLES[i % len(ROLES)], "worried", box, "left")

        def cached(i: int, img: Image.Image = img, box=box) -> None:
            draw_character(img, ROLES[i % 2], "worried", box, "left")

        n = max(5, runs // 4) if h > 1000 else runs
        rows.append(
            (
                f"character {w}×{h}, drawn ({3 if h <= 600 else 2}× supersampled)",
                per_call_ms(n, drawn),
            )
        )
        rows.append((f"character {w}×{h}, repeated (cached)", per_call_ms(n, cached)))
        if (w, h) == (260, 400):
            rows.append(
                (
                    "reference: character 260×400 from a PNG asset",
                    per_call_ms(
                        runs,
                        lambda i, img=img, box=box: draw_character(
                            img, ROLES[i % len(ROLES)], "worried", box, asset_dir=assets
                        ),
                    ),
                )
            )
    return rows


def scene_rows(runs: int, assets: Path, size: tuple[int, int]) -> list[tuple[str, float]]:
    """Per-call times for a card-panel scene, uncached, cached and from art."""
    img = Image.new("RGB", size)
    box = (0, 0, *size)

    def drawn(i: int) -> None:
        characters._render_scene.cache_clear()
        draw_scene(img, SCENES[i % len(SCENES)], box)

    w, h = size
    return [
        (f"scene {w}×{h}, drawn (2× supersampled)", per_call_ms(runs, drawn)),
        (
            f"scene {w}×{h}, repeated (cached)",
            per_call_ms(runs, lambda i: draw_scene(img, SCENES[i % 2], box)),
        ),
        (
            f"reference: scene {w}×{h} from a PNG asset",
            per_call_ms(
                runs, lambda i: draw_scene(img, SCENES[i % len(SCENES)], box, asset_dir=assets)
            ),
        ),
    ]


def main() -> None:
    """Time the drawn cast and scenes against PNG art of the same size; record the result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=56)
    args = parser.parse_args()
    # "drawn" rows time the drawing: no derived-data cache answers for it (renders read
    # drawings back from FANZHA_CACHE_DIR; see fanzha/renderer/characters/_stored.py)
    os.environ["FANZHA_CACHE_DIR"] = "off"
    scene_size = (1000, 560)
    with tempfile.TemporaryDirectory() as tmp:
        assets = Path(tmp)
        make_assets(assets, (260, 400), scene_size)
        rows = character_rows(args.runs, assets) + scene_rows(args.runs // 2, assets, scene_size)
    ref_char = next(ms for name, ms in rows if name.startswith("reference: character"))
    ref_scene = next(ms for name, ms in rows if name.startswith("reference: scene"))
    lines = [
        "## renderer.characters: drawing the cast and scenes",
        "",
        f"`bench/characters.py`, median of {args.runs} calls (scenes {args.runs // 2}), "
        f"Python {platform.python_version()}, Pillow {PIL.__version__}, {platform.machine()}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores when run. "
        "Reference: the same call with an `asset_dir` of PNGs the same size "
        "(designer art instead of drawing).",
        "",
        "| work | CPU ms per call | vs reference |",
        "| --- | ---: | ---: |",
    ]
    for name, ms in rows:
        ref = ref_scene if name.startswith(("scene", "reference: scene")) else ref_char
        lines.append(f"| {name} | {ms:.2f} | {ms / ref:.1f}× |")
    write_section("characters", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
