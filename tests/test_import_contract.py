"""The packages import each other only in the directions DESIGN.md allows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("campaigns", "segments", "content", "renderer", "delivery")
ALLOWED: dict[str, set[str]] = {
    "campaigns": {"segments", "content", "renderer", "delivery"},
    "renderer": {"content"},
    "segments": set(),
    "content": set(),
    "delivery": set(),
}


def imported_packages(path: Path) -> set[str]:
    """Top-level fanzha packages a module imports (absolute imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        parts = [n.split(".") for n in names]
        found |= {p[1] for p in parts if len(p) > 1 and p[0] == "fanzha" and p[1] in PACKAGES}
    return found


def violations(root: Path) -> list[str]:
    """Every import that crosses the allowed direction, as 'file: a -> b'."""
    bad = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            for target in imported_packages(path) - ALLOWED[package] - {package}:
                bad.append(f"{path.relative_to(root)}: {package} -> {target}")
    return sorted(bad)


def test_no_sideways_imports() -> None:
    assert violations(ROOT) == []


def test_checker_catches_a_sideways_import(tmp_path: Path) -> None:
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "segments" / "bad.py").write_text("from fanzha.delivery import models\n")
    (tmp_path / "delivery" / "worse.py").write_text("import fanzha.campaigns.cli\n")
    assert violations(tmp_path) == [
        "delivery/worse.py: delivery -> campaigns",
        "segments/bad.py: segments -> delivery",
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_declares_its_api(package: str) -> None:
    source = (ROOT / package / "__init__.py").read_text(encoding="utf-8")
    assert "__all__" in source
    assert (ROOT / package / "errors.py").exists()
