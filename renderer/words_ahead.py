"""rjieba's dictionary built in a forked child while a first render starts up.

Building the dictionary is most of what a first render does beyond a later one, and rjieba
builds it without releasing the GIL, so a thread cannot overlap it; a child process can, on
another core, while the parent imports, reads the library and lays out. The child answers
the texts the parent sends (length-prefixed UTF-8 in, a JSON list of words out) and exits
when the parent closes the pipe. Only on Linux (fork), only before any thread is started,
only while no words are cached (a first run); anything amiss and the parent segments itself.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import struct
import sys
from typing import BinaryIO

__all__ = ["cut", "start", "stop"]

_child: tuple[int, BinaryIO, BinaryIO] | None = None


def start() -> bool:
    """Fork the child when it can help (a first run on Linux); whether it was started."""
    global _child
    import threading

    if _child is not None or not sys.platform.startswith("linux"):
        return False
    if threading.active_count() > 1:  # forking a process with threads can deadlock the child
        return False
    from fanzha import _cache

    base = _cache.folder()
    if base is not None and (base / "words").is_dir():
        return False  # words were cached before: most renders need no segmenter at all
    down_r, down_w = os.pipe()
    up_r, up_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        code = 1
        try:
            os.close(down_w)
            os.close(up_r)
            _serve(os.fdopen(down_r, "rb"), os.fdopen(up_w, "wb"))
            code = 0
        finally:
            os._exit(code)
    os.close(down_r)
    os.close(up_w)
    _child = (pid, os.fdopen(down_w, "wb"), os.fdopen(up_r, "rb"))
    atexit.register(stop)
    return True


def _serve(inbox: BinaryIO, outbox: BinaryIO) -> None:
    from fanzha.renderer.segmenter import segmenter as build

    segmenter = build()
    while (text := _read(inbox)) is not None:
        words = segmenter.cut(text.decode("utf-8", "surrogatepass"), True)
        _write(outbox, json.dumps(words).encode("ascii"))


def cut(text: str) -> list[str] | None:
    """The child's words for text, as ``rjieba.Jieba.cut`` (None: no child, or it failed)."""
    if _child is None:
        return None
    _, down, up = _child
    try:
        _write(down, text.encode("utf-8", "surrogatepass"))
        answer = _read(up)
    except OSError:
        answer = None
    if answer is None:
        stop()
        return None
    words = json.loads(answer)
    return words if isinstance(words, list) else None


def stop() -> None:
    """Close the pipes and reap the child (killed if it is still building)."""
    global _child
    if _child is None:
        return
    pid, down, up = _child
    _child = None
    for pipe in (down, up):
        pipe.close()
    try:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _write(pipe: BinaryIO, data: bytes) -> None:
    pipe.write(struct.pack("<I", len(data)) + data)
    pipe.flush()


def _read(pipe: BinaryIO) -> bytes | None:
    head = pipe.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack("<I", head)
    data = pipe.read(size)
    return data if len(data) == size else None
