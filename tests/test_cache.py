"""The derived-data cache: keyed by content and code, off on request, never in the way."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from fanzha import _cache


def test_a_stored_value_comes_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path))
    key = _cache.digest("a file's bytes", b"\x00\x01")
    assert _cache.load("kind", key) is None
    _cache.store("kind", key, {"words": ["安全", "账户"], "n": 2})
    assert _cache.load("kind", key) == {"words": ["安全", "账户"], "n": 2}


def test_off_means_nothing_is_read_or_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FANZHA_CACHE_DIR", "off")
    _cache.store("kind", "ab" * 32, [1])
    assert _cache.load("kind", "ab" * 32) is None
    assert _cache.folder() is None


def test_an_unreadable_entry_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path))
    key = "cd" * 32
    _cache.store("kind", key, [1])
    (entry,) = tmp_path.rglob(f"{key}.json")
    entry.write_text("{half a")
    assert _cache.load("kind", key) is None


def test_a_read_only_folder_costs_nothing_but_the_saving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path / "file"))
    (tmp_path / "file").write_text("not a folder")
    _cache.store("kind", "ef" * 32, [1])  # no error
    assert _cache.load("kind", "ef" * 32) is None


def test_parts_are_kept_apart_in_the_key() -> None:
    assert _cache.digest("ab", "c") != _cache.digest("a", "bc")


def test_the_code_stamp_changes_when_the_code_does(tmp_path: Path) -> None:
    module = tmp_path / "stamped_module_h13.py"
    module.write_text("X = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        before = _cache.code_stamp.__wrapped__("stamped_module_h13")
        module.write_text("X = 22\n")
        os.utime(module, ns=(1, 10**18))
        assert _cache.code_stamp.__wrapped__("stamped_module_h13") != before
    finally:
        sys.path.remove(str(tmp_path))


WRITE_BEHIND = """
import os, sys, threading
from fanzha import _cache
_cache.write_behind()
assert threading.active_count() == 1  # no thread until the first store (a fork may come)
for i in range(50):
    _cache.store("kind", f"{i:064x}", {"n": i})
assert all(_cache.load("kind", f"{i:064x}") == {"n": i} for i in range(50))  # at once
pid = os.fork()
if pid == 0:  # a forked child writes as it stores
    _cache.store("kind", "c" * 64, {"child": True})
    os._exit(0 if os.path.exists(os.path.join(sys.argv[1], "kind", "c" * 64 + ".json")) else 1)
_, status = os.waitpid(pid, 0)
print("CHILD", os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a child")
def test_entries_written_behind_are_all_on_disk_when_the_process_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    env = {**os.environ, "FANZHA_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", WRITE_BEHIND, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "CHILD 0" in done.stdout
    written = sorted(p.name for p in (tmp_path / "kind").glob("*.json"))
    assert len(written) == 51 and not list((tmp_path / "kind").glob(".tmp-*"))
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path))
    assert _cache.load("kind", f"{49:064x}") == {"n": 49}
