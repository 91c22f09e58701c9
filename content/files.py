"""Where warning files are: the bundled library, the YAML files under given paths, and a
digest of their names and bytes.

Plain paths and bytes, apart from the library's model: a caller that only needs to know
which files a library reads (the renderer's domain dictionary, a cache key) does not load
pydantic, the YAML reader or Jinja2 with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fanzha import _cache

__all__ = ["BUNDLED", "files_digest", "library_files", "warning_files"]

BUNDLED = Path(__file__).resolve().parent / "library"


def warning_files(paths: Iterable[str | Path]) -> list[Path]:
    """YAML files named by `paths` (folders searched recursively), sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += [p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
        else:
            found.append(path)
    return sorted(set(found))


def library_files(paths: Iterable[str | Path] | None = None) -> list[Path]:
    """The files ``load_library(paths)`` reads (default: the bundled library's)."""
    return warning_files([BUNDLED] if paths is None else paths)


def files_digest(files: Iterable[Path]) -> str:
    """A digest of every file's path and bytes, in order: any edit, addition or removal
    changes it (OSError when one cannot be read)."""
    parts: list[str | bytes] = []
    for path in files:
        parts += [str(path), path.read_bytes()]
    return _cache.digest(*parts)
