"""Drawn characters and scenes kept in the derived-data cache (``fanzha._cache``).

A character or a scene is a pure function of its arguments and of the drawing code (the
package promises the same bytes for the same arguments). Drawing one takes 10–60 ms, reading
it back 1–3 ms, so a later render, in this process or another, reads it from the cache.

An entry is the image's raw pixels, zlib-compressed at level 1 (PNG decodes two to three
times slower), behind a one-line header (mode, width, height); the key hashes the kind, the
arguments and a stamp of this package's code and Pillow's. Entries are written on a thread
of their own, so a first render does not wait for the compression; one that cannot be read
(or does not hold the pixels its header promises) is a miss.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from fanzha import _cache

__all__ = ["stored", "wait"]

KIND = "drawings"
_CODE = ("fanzha.renderer.characters", "PIL")
_BANDS = {"RGB": 3, "RGBA": 4}
_pool: tuple[int, ThreadPoolExecutor] | None = None


def _key(what: str, args: tuple[object, ...]) -> str:
    return _cache.digest(what, repr(args), _cache.code_stamp(*_CODE))


def _decoded(data: bytes) -> Image.Image | None:
    """The image an entry holds, or None when it is not one this module wrote."""
    header, sep, packed = data.partition(b"\n")
    fields = header.split()
    if not sep or len(fields) != 3 or fields[0].decode("ascii", "replace") not in _BANDS:
        return None
    mode = fields[0].decode("ascii")
    try:
        size = (int(fields[1]), int(fields[2]))
        raw = zlib.decompress(packed)
    except (ValueError, zlib.error):
        return None
    if len(raw) != size[0] * size[1] * _BANDS[mode]:
        return None
    return Image.frombytes(mode, size, raw)


def _write(key: str, img: Image.Image) -> None:
    header = f"{img.mode} {img.width} {img.height}\n".encode("ascii")
    _cache.store_bytes(KIND, key, header + zlib.compress(img.tobytes(), 1))


def _executor() -> ThreadPoolExecutor:
    """This process's writer thread (a forked render worker makes its own)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="drawings"))
    return _pool[1]


def stored(what: str, args: tuple[object, ...], draw: Callable[[], Image.Image]) -> Image.Image:
    """The drawing of ``what`` with ``args``: from the cache, else ``draw()`` (then cached).

    The image returned is shared by the callers' in-process caches: never modify it.
    """
    if _cache.folder() is None:  # caching off: nothing to read, nothing to write
        return draw()
    key = _key(what, args)
    data = _cache.load_bytes(KIND, key)
    hit = _decoded(data) if data is not None else None
    if hit is not None:
        return hit
    img = draw()
    if img.mode in _BANDS:
        _executor().submit(_write, key, img)
    return img


def wait() -> None:
    """Until every entry submitted so far is written (tests; the process exit waits too)."""
    if _pool is not None and _pool[0] == os.getpid():
        _pool[1].submit(lambda: None).result()
