"""The layers hold: `lint-imports` checks pyproject's contracts, and they catch what they must."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("campaigns", "segments", "content", "renderer", "delivery")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def contract_names() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def test_the_repository_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contract_names())} kept, 0 broken." in result.stdout


# A small fanzha tree that breaks each contract once: (file, source).
BROKEN_TREE = {
    "fanzha/__init__.py": "",
    "fanzha/__main__.py": "import fanzha.campaigns.cli\n",
    "fanzha/errors.py": "",
    "fanzha/campaigns/__init__.py": "",
    "fanzha/campaigns/api.py": "",
    "fanzha/campaigns/runner.py": "from fanzha.campaigns.cli import main\n",  # cli
    "fanzha/campaigns/planner.py": "from fanzha.campaigns import api\n",  # api
    "fanzha/campaigns/cli/__init__.py": "from fanzha.campaigns import api\n",
    "fanzha/segments/__init__.py": "",
    "fanzha/segments/bad.py": "from fanzha.delivery import outbox\n",  # packages
    "fanzha/segments/one.py": "from fanzha.segments import two\n",  # acyclic
    "fanzha/segments/two.py": "from fanzha.segments import one\n",
    "fanzha/content/__init__.py": "",
    "fanzha/renderer/__init__.py": "",
    "fanzha/renderer/draw.py": "import fanzha.content\nimport fanzha.segments\n",  # renderer
    "fanzha/delivery/__init__.py": "",
    "fanzha/delivery/outbox.py": "from fanzha.delivery.api import app\n",  # delivery-api
    "fanzha/delivery/api/__init__.py": "",
    "fanzha/delivery/api/app.py": "",
}


def test_each_contract_catches_a_broken_import(tmp_path: Path) -> None:
    for name, source in BROKEN_TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source, encoding="utf-8")
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = lint_imports(tmp_path, pythonpath=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    names = contract_names()
    for contract_id, name in names.items():
        assert f"{name} BROKEN" in result.stdout, (contract_id, result.stdout)
    assert f"Contracts: 0 kept, {len(names)} broken." in result.stdout
    for link in (
        "fanzha.segments.bad -> fanzha.delivery.outbox",
        "fanzha.renderer.draw -> fanzha.segments",
        "fanzha.campaigns.runner -> fanzha.campaigns.cli",
        "fanzha.campaigns.planner -> fanzha.campaigns.api",
        "fanzha.delivery.outbox -> fanzha.delivery.api.app",
    ):
        assert link in result.stdout


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_declares_its_api(package: str) -> None:
    source = (ROOT / package / "__init__.py").read_text(encoding="utf-8")
    assert "__all__" in source
    assert (ROOT / package / "errors.py").exists()


BASE_ERRORS = {
    "campaigns": "CampaignsError",
    "segments": "SegmentsError",
    "content": "ContentError",
    "renderer": "RenderError",
    "delivery": "DeliveryError",
}


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_base_error_is_a_fanzha_error(package: str) -> None:
    import importlib

    from fanzha.errors import FanzhaError

    errors = importlib.import_module(f"fanzha.{package}.errors")
    assert issubclass(getattr(errors, BASE_ERRORS[package]), FanzhaError)
