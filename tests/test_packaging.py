"""fanzha installs under one import name, and the package list in pyproject is complete."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("campaigns", "segments", "content", "renderer", "delivery")


def declared() -> tuple[list[str], dict[str, str]]:
    """The packages and package-dir mapping pyproject declares."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tool = config["tool"]["setuptools"]
    return tool["packages"], tool["package-dir"]


DATA_FOLDERS = {
    "fanzha.campaigns.examples",
    "fanzha.content.library",
    "fanzha.content.library.en",
    "fanzha.delivery.api.static",
    "fanzha.renderer.icc",
}


def test_every_folder_with_an_init_is_installed_under_fanzha() -> None:
    packages, mapping = declared()
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "fanzha").rglob("__init__.py")
    }
    for folder in FOLDERS:
        assert mapping[f"fanzha.{folder}"] == folder
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT).parts
            found.add(".".join(("fanzha", *parts)))
    data = {p for p in packages if p not in found}  # folders of data files, listed to ship them
    assert data == DATA_FOLDERS
    assert sorted(set(packages) - data) == sorted(found)


def test_no_module_imports_a_folder_by_its_bare_name() -> None:
    # From the repository root a bare `import segments` would work in tests and fail installed.
    bad = []
    for path in [*ROOT.glob("*/**/*.py")]:
        if ".venv" in path.parts or "build" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            bad += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in FOLDERS]
    assert bad == []
