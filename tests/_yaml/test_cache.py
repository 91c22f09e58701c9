"""A YAML file's data comes from the cache when its text is one read before."""

from __future__ import annotations

from pathlib import Path

import pytest

from fanzha._yaml import load as load_module
from fanzha._yaml import read_yaml


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files really parsed (a cache hit never parses)."""
    calls: list[str] = []
    real = load_module.load_yaml

    def spy(text, file, *, positions=False):  # type: ignore[no-untyped-def]
        calls.append(file)
        return real(text, file, positions=positions)

    monkeypatch.setattr(load_module, "load_yaml", spy)
    return calls


def test_the_same_text_is_parsed_once(tmp_path: Path, parsed: list[str]) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("id: a\nwhen: 09:30\non: yes\nn: 3\nx: 1.5\nnone:\nlist: [1, '2']\n")
    first = read_yaml(path)
    second = read_yaml(path)
    assert second.data == first.data and second.text == first.text and len(parsed) == 1
    path.write_text("id: b\n")
    assert read_yaml(path).data == {"id": "b"} and len(parsed) == 2


def test_data_json_would_change_is_never_cached(tmp_path: Path, parsed: list[str]) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("x: .nan\ny: [1, .inf]\n")
    for _ in range(2):
        data = read_yaml(path).data
        assert data["x"] != data["x"] and data["y"] == [1, float("inf")]  # NaN, infinity
    assert len(parsed) == 2


def test_positions_are_never_cached(tmp_path: Path, parsed: list[str]) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a:\n  b: 1\n")
    read_yaml(path)
    doc = read_yaml(path, positions=True)
    assert doc.positions is not None and doc.positions.value(("a", "b")) == (2, 6)
