"""Python's cyclic garbage collector around a command that loads the data libraries.

Importing pandas, NumPy and PyArrow creates a few hundred thousand long-lived objects, and
every full collection walks all of them: during the imports, during the run, and once
more when the interpreter exits. None of that finds garbage (modules and their functions
live as long as the process). ``libraries_loaded`` turns collection off while they import
and then moves everything they made into the permanent generation (``gc.freeze``), so
later collections walk only the command's own objects and still collect its cycles;
``before_exit`` freezes what is left, so the exit skips its collection of objects that die
with the process anyway (Python does not promise to finalize them at exit).

Both act only in the ``fanzha`` console script's own process (``own_process``, called by
``main``): a program that runs a command inside itself (a test's ``CliRunner``, a bank's
wrapper) keeps its collector as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["before_exit", "libraries_loaded", "own_process"]

_OWN = {"process": False}


def own_process() -> None:
    """Say that this process is the console script's and ends with the command."""
    _OWN["process"] = True


@contextmanager
def libraries_loaded() -> Iterator[None]:
    """Import inside the block without collections; what it made is frozen afterwards."""
    if not _OWN["process"]:
        yield
        return
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()


def before_exit() -> None:
    """Call when the command's work is done and written: the exit needs no collection."""
    if _OWN["process"]:
        gc.freeze()
