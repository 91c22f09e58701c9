"""Progress bars for steps that can take seconds: drawn on a terminal, silent otherwise.

Library code wraps a slow step in ``with progress("rendering cards", total=n) as bar:``
and calls ``bar.advance()``. The bar goes to stderr (stdout stays machine-readable) and
only when stderr is a terminal, so pipes, logs, CI and tests see nothing. rich is
imported only when a bar is drawn: a quick command on a pipe never pays for it.
A step started inside another (run's renders inside a demo step) adds a line to the
bar already on screen: a terminal shows one live display at a time.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

__all__ = ["Bar", "progress", "use_console"]


class Bar(Protocol):
    """What a step reports: units done (``advance``) or the position (``update``)."""

    def advance(self, n: float = 1) -> None:
        """``n`` more units are done."""

    def update(self, completed: float) -> None:
        """``completed`` units are done in all."""


class _Silent:
    """The bar when there is no terminal: does nothing."""

    def advance(self, n: float = 1) -> None:
        """Nothing to draw."""

    def update(self, completed: float) -> None:
        """Nothing to draw."""


class _Task:
    """One line of a rich progress display."""

    def __init__(self, display: Progress, task: TaskID) -> None:
        self._display, self._task = display, task

    def advance(self, n: float = 1) -> None:
        """Move the bar on by ``n``."""
        self._display.advance(self._task, n)

    def update(self, completed: float) -> None:
        """Set the bar's position."""
        self._display.update(self._task, completed=completed)


_console: Console | None = None  # set by use_console (tests, embedding applications)
_active: Progress | None = None  # the display on screen, which nested steps join


def use_console(console: Console | None) -> None:
    """Draw bars on this console (``None``: stderr when it is a terminal)."""
    global _console
    _console = console


def _target() -> Console | None:
    if _console is not None:
        return _console if _console.is_terminal else None
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def progress(description: str, total: float | None = None) -> Iterator[Bar]:
    """A bar for one step (``total=None``: a pulsing bar with the time elapsed)."""
    global _active
    if _active is not None:  # a step inside a step: one more line on the same display
        task = _active.add_task(description, total=total)
        try:
            yield _Task(_active, task)
        finally:
            _active.remove_task(task)
        return
    console = _target()
    if console is None:
        yield _Silent()
        return
    display = _display(console)
    with display:
        _active = display
        try:
            yield _Task(display, display.add_task(description, total=total))
        finally:
            _active = None


def _display(console: Console) -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns: list[Any] = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    return Progress(*columns, console=console, transient=True)
