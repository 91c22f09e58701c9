"""The bench server for bench/feed.py: uvicorn worker processes sharing a port by SO_REUSEPORT.

``uvicorn --workers N`` shares one listening socket, and whichever worker wakes first accepts:
with a generator opening its 32 connections at once, one worker often took all of them and the
other idled, so a run measured one core or two by chance (ceiling 11,000 or 20,000 req/s in
alternate rounds). Here each worker binds its own socket to the port with SO_REUSEPORT and the
kernel spreads connections over them by address hash, as a load balancer would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def reuseport_socket(port: int) -> socket.socket:
    """A listening TCP socket on 127.0.0.1:``port`` that other processes may bind too."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    return sock


def serve_worker(port: int, loop: str) -> None:
    """Run one uvicorn worker over the bench app on its own SO_REUSEPORT socket."""
    import uvicorn

    config = uvicorn.Config(
        "bench.feed:make_app",
        factory=True,
        loop=loop,
        http="httptools",
        access_log=False,
        log_level="warning",
    )
    uvicorn.Server(config).run(sockets=[reuseport_socket(port)])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: b\r\n\r\n")
            return b" 200 " in sock.recv(100)
    except OSError:
        return False


def start_server(port: int, workers: int, loop: str = "uvloop") -> list[subprocess.Popen]:
    """``workers`` uvicorn processes on ``port``; returns once the port answers."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, __file__, str(port), loop], env=env, cwd=ROOT)
        for _ in range(workers)
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break
        if _answers(port):
            time.sleep(2.0)  # the other workers start as fast; give them the same time
            return procs
        time.sleep(0.3)
    stop_server(procs)
    raise RuntimeError("server did not start")


def stop_server(procs: list[subprocess.Popen]) -> None:
    """Terminate the workers and wait for them."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)


if __name__ == "__main__":
    serve_worker(int(sys.argv[1]), sys.argv[2])
