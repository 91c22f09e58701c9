"""Derived data cached by content hash in the user's cache folder, so commands start quickly.

What is cached is a pure function of its inputs: the key hashes every input (the file's
bytes, the settings that shape the result, the day when it matters) and a stamp of the code
that computes it, so an edit to any of them is a miss, never a stale answer. Entries are
JSON (``load``/``store``) or bytes (``load_bytes``/``store_bytes``: drawn images); one that
cannot be read is a miss. ``FANZHA_CACHE_DIR`` names the folder (default
``$XDG_CACHE_HOME/fanzha``, else ``~/.cache/fanzha``); ``FANZHA_CACHE_DIR=off`` turns caching
off. Writing is best effort: a read-only or full disk only costs the time saved.

Creating a file costs about half a millisecond here, and a first run stores dozens of
entries; the console script writes them on a thread of its own (``write_behind``), which
its exit waits for. Until an entry is written, ``load`` answers from memory.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import queue

__all__ = [
    "code_stamp",
    "digest",
    "flush",
    "folder",
    "load",
    "load_bytes",
    "store",
    "store_bytes",
    "write_behind",
]

VARIABLE = "FANZHA_CACHE_DIR"
_OFF = {"", "0", "off", "no", "false"}


def folder() -> Path | None:
    """The cache folder, or None when caching is off."""
    value = os.environ.get(VARIABLE)
    if value is not None:
        return None if value.strip().lower() in _OFF else Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fanzha"


def digest(*parts: str | bytes) -> str:
    """A SHA-256 of the parts, each length-prefixed (so no two part lists collide)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@functools.cache
def code_stamp(*modules: str) -> str:
    """A stamp of the files of these packages or modules (name, size, modified time).

    Part of every key, so that a code change (an upgrade, or an edit in a checkout) misses.
    A package counts the files beside its ``__init__`` (extension modules too), not below.
    """
    import importlib.util

    parts: list[str] = []
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        if origin is None:
            parts.append(f"{name}:?")
            continue
        package = origin.name == "__init__.py"
        files = sorted(f for f in origin.parent.iterdir() if f.is_file()) if package else [origin]
        for file in files:
            st = file.stat()
            parts.append(f"{file}:{st.st_size}:{st.st_mtime_ns}")
    return digest(*parts)


def _entry(kind: str, key: str, suffix: str = ".json") -> Path | None:
    base = folder()
    return None if base is None else base / kind / f"{key}{suffix}"


def load(kind: str, key: str) -> Any | None:
    """The value stored under ``key`` (None on a miss or an unreadable entry)."""
    data = load_bytes(kind, key, ".json")
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def load_bytes(kind: str, key: str, suffix: str = ".bin") -> bytes | None:
    """The bytes stored under ``key`` (None on a miss or an unreadable entry)."""
    path = _entry(kind, key, suffix)
    if path is None:
        return None
    with _writer.lock:
        pending = _writer.pending.get(path)
    if pending is not None:
        return pending
    try:
        return path.read_bytes()
    except OSError:
        return None


def store(kind: str, key: str, value: Any) -> None:
    """Store a JSON-ready value under ``key`` (atomically; failures are ignored)."""
    try:
        data = json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError):
        return
    store_bytes(kind, key, data, ".json")


def store_bytes(kind: str, key: str, data: bytes, suffix: str = ".bin") -> None:
    """Store bytes under ``key`` (atomically; failures are ignored)."""
    path = _entry(kind, key, suffix)
    if path is None:
        return
    if _writer.queue is not None:
        with _writer.lock:
            _writer.pending[path] = data
            if _writer.thread is None:  # started by the first store, not before: a
                # process with no thread yet may still fork (renderer.words_ahead)
                _writer.thread = threading.Thread(target=_writer.run, name="fanzha-cache")
                _writer.thread.daemon = True
                _writer.thread.start()
        _writer.queue.put(path)
        return
    _write(path, data)


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        return


class _Writer:
    """The write-behind thread's state: entries not yet written, and its queue of paths."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: dict[Path, bytes] = {}
        self.queue: queue.Queue[Path] | None = None
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        """Write each path the queue names, for as long as the process lives."""
        assert self.queue is not None
        while True:
            path = self.queue.get()
            try:
                # best effort, as ever: the exit must never wait on a write that failed
                with contextlib.suppress(Exception):
                    self.write(path)
            finally:
                self.queue.task_done()

    def write(self, path: Path) -> None:
        """Write one pending entry (unless a later store replaced it meanwhile: that one is
        written when its own turn comes)."""
        with self.lock:
            data = self.pending.get(path)
        if data is not None:
            _write(path, data)
            with self.lock:
                if self.pending.get(path) is data:
                    del self.pending[path]


_writer = _Writer()


def write_behind() -> None:
    """From now on, write entries on a thread (the console script's process, whose exit
    waits for them; a forked child writes its own entries as it stores them)."""
    import atexit
    import queue

    if _writer.queue is not None:
        return
    _writer.queue = queue.Queue()
    atexit.register(flush)


def flush() -> None:
    """Until every entry stored so far is written."""
    if _writer.queue is not None:
        _writer.queue.join()


def _forked() -> None:
    # the child has no writer thread, and the lock may have been held at the fork
    global _writer
    _writer = _Writer()


os.register_at_fork(after_in_child=_forked)
