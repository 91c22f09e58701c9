"""Where assignments go, the same for every engine: one file, or a Parquet dataset directory.

``X.csv`` is one CSV file, ``X.parquet`` one Parquet file, and ``X/`` (a trailing slash,
or an existing directory without those suffixes) a dataset directory of ``part-NNNNN.parquet`` files. The new
output is written beside the old one under a temporary name and replaces it only when
complete, so a failed run leaves the previous output as it was.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fanzha.segments.errors import SchemaError

OUTPUT_SUFFIXES = (".csv", ".parquet")
PART = "part-{:05d}.parquet"


@dataclass(frozen=True)
class Output:
    """An output path and what it is: one CSV file, one Parquet file or a dataset directory."""

    path: Path
    kind: Literal["csv", "parquet", "dataset"]

    @property
    def rejected_path(self) -> Path:
        """Rejected rows go beside the output: ``X.rejected.csv`` for ``X.csv`` or ``X/``."""
        return self.path.with_name(self.path.stem + ".rejected.csv")


def output_target(out: str | Path | Output) -> Output:
    """Read an ``--out`` value: by its suffix, or a directory by a trailing slash."""
    if isinstance(out, Output):
        return out
    text = os.fspath(out)
    path = Path(text)
    suffix = path.suffix.lower()
    if text.endswith(("/", os.sep)) or (suffix not in OUTPUT_SUFFIXES and path.is_dir()):
        return Output(path, "dataset")
    if suffix not in OUTPUT_SUFFIXES:
        raise SchemaError(
            f"{path}: assignments are written as .csv or .parquet (one file), "
            f"or into a dataset directory given with a trailing slash ({path}/), not {suffix!r}"
        )
    return Output(path, "csv" if suffix == ".csv" else "parquet")


def check_replaceable(target: Output) -> None:
    """Refuse early an existing directory that is not an earlier dataset output."""
    path = target.path
    if not path.is_dir():
        return
    if target.kind != "dataset":
        raise SchemaError(
            f"{path}: a directory is there; {path.suffix} output is one file "
            f"(remove the directory, or write a dataset directory with --out {path}/)"
        )
    foreign = [p.name for p in path.iterdir() if not (p.name.startswith("part-") and p.is_file())]
    if foreign:
        raise SchemaError(
            f"{path}: not replaced, it holds {foreign[0]!r}, which a dataset output never writes"
        )


@contextmanager
def replacing(target: Output) -> Iterator[Path]:
    """A temporary path beside ``target`` to write; it replaces the target on success."""
    check_replaceable(target)
    path = target.path
    path.parent.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    temp = path.with_name(
        f".{path.name}.{tag}.tmp{path.suffix if target.kind != 'dataset' else ''}"
    )
    if target.kind == "dataset":
        temp.mkdir()
    try:
        yield temp
    except BaseException:
        _remove(temp)
        raise
    if target.kind == "dataset":
        old = path.with_name(f".{path.name}.{tag}.old")
        if path.exists():
            path.rename(old)  # two renames: the new dataset appears whole, never half-written
        temp.rename(path)
        _remove(old)
    else:
        os.replace(temp, path)  # atomic on one filesystem


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
