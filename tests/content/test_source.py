"""Warning files are parsed fast; positions are worked out only for a file with a problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fanzha.content import lint_paths, load_library
from fanzha.content.library import BUNDLED

from fanzha._yaml import load as load_module
from tests.content.conftest import BAD, TODAY


@pytest.fixture
def position_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose positions were computed (a second, position-keeping parse)."""
    seen: list[str] = []
    real = load_module.load_yaml

    def load(text: str, file: str, *, positions: bool = False) -> Any:
        if positions:
            seen.append(Path(file).name)
        return real(text, file, positions=positions)

    monkeypatch.setattr(load_module, "load_yaml", load)
    monkeypatch.setattr("fanzha.content.source.load_yaml", load)
    return seen


def test_loading_the_library_computes_no_positions(position_reads: list[str]) -> None:
    library = load_library()
    assert len(library) == len(list(BUNDLED.rglob("*.yaml"))) >= 30
    assert position_reads == []


def test_linting_computes_positions_only_for_the_file_with_a_problem(
    position_reads: list[str], config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FANZHA_CACHE_DIR", "off")  # every file linted, none from the cache
    clean = sorted(BUNDLED.rglob("*.yaml"))[:3]
    bad = BAD / "unknown-scene"
    problems = lint_paths([*clean, bad], config, today=TODAY)
    assert len(problems) == 1 and position_reads == ["impersonating-authorities.yaml"]
