"""A small first-come-first-served pool of async database connections, one per event loop.

``asyncio.Queue`` is not fair: a request arriving just as a connection comes back takes it
before the requests already waiting, which then queue again behind newcomers; under load a few
requests starved for tens of milliseconds. Here a returned connection goes straight to the
longest waiter.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Conn = TypeVar("Conn")


class FairPool(Generic[Conn]):
    """Up to ``size`` connections opened on demand by ``opener``, handed out in arrival order."""

    def __init__(self, opener: Callable[[], Awaitable[Conn]], size: int) -> None:
        self._opener = opener
        self._size = size
        self._idle: list[Conn] = []
        self._waiters: deque[asyncio.Future[Conn]] = deque()
        self._opened = 0
        self._loop: asyncio.AbstractEventLoop | None = None

    def _bind(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # Connections belong to the loop that opened them; a new loop starts afresh.
            self._idle, self._waiters, self._opened, self._loop = [], deque(), 0, loop

    async def acquire(self) -> Conn:
        """An idle connection, a new one while under ``size``, else the next one released."""
        self._bind()
        while True:
            if self._idle:
                return self._idle.pop()
            if self._opened < self._size:
                self._opened += 1
                try:
                    return await self._opener()
                except BaseException:
                    self._opened -= 1
                    raise
            waiter: asyncio.Future[Conn] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                return await waiter
            except _Reopen:
                continue  # a broken connection's slot came free: open one
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                    self.release(waiter.result())  # handed over just as we were cancelled
                raise

    def release(self, conn: Conn) -> None:
        """Give ``conn`` to the longest waiter, or keep it idle."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        self._idle.append(conn)

    def discard(self) -> None:
        """Forget a broken connection (already closed by the caller) and free its slot."""
        self._opened -= 1
        # A waiter would otherwise wait for a release that never comes: let it open one.
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(_Reopen())
                return

    def take_idle(self) -> list[Conn]:
        """Remove and return every idle connection of the current loop (to close them)."""
        if self._loop is not asyncio.get_running_loop():
            return []
        idle, self._idle = self._idle, []
        self._opened -= len(idle)
        return idle


class _Reopen(Exception):
    """Internal: a slot was freed while waiting; the waiter should try to open a connection."""
