"""Load generators and CPU accounting for bench/feed.py.

Two generators send the same pre-built request list (path and token per request) over 32
keep-alive connections, each connection sending its next request as soon as the last answer
arrived: Debian's ``wrk`` (C, with a Lua script rotating the requests; far cheaper per request)
when it is installed, else a Python asyncio client. CPU is counted per process group from
/proc so a run says where the machine's time went: the server, PostgreSQL's backends serving
it, the generator, and everything else (kernel interrupts, other work on the machine).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

Request = tuple[str, str]  # (path with query, bearer token)

_TICK = os.sysconf("SC_CLK_TCK")

# done() prints the figures as JSON (latencies in microseconds; non-2xx/3xx answers count as
# status errors). Every wrk script here ends with it (bench/risk.py's too).
WRK_DONE = r"""
done = function(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "socket_errors": %d,'
      .. ' "p50_us": %d, "p99_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""

# Each wrk thread rotates through every request from its own starting point.
WRK_SCRIPT = (
    r"""
local requests, n, i = {}, 0, 0
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end
init = function(args)
  for line in io.lines(args[1]) do
    local path, token = line:match("^(%S+) (%S+)$")
    n = n + 1
    requests[n] = wrk.format("GET", path, {["Host"] = "bench", ["Authorization"] = "Bearer " .. token})
  end
  i = (offset or 0) % n
end
request = function()
  i = i % n + 1
  return requests[i]
end
"""
    + WRK_DONE
)


def wrk_available() -> bool:
    """True when the ``wrk`` binary is on PATH."""
    return shutil.which("wrk") is not None


def run_wrk(
    port: int,
    requests: list[Request],
    seconds: float,
    clients: int,
    *,
    script: str = WRK_SCRIPT,
    lines: list[str] | None = None,
    args: Sequence[str] = (),
) -> dict:
    """Drive the server with wrk for ``seconds``; figures as ``run_python`` returns them.

    By default the feed's GETs of ``requests``; another bench passes its own Lua ``script``
    (ending with ``WRK_DONE``), the ``lines`` its ``init`` reads (the file is its first
    argument) and further ``args``.
    """
    if lines is None:
        lines = [f"{path} {token}" for path, token in requests]
    with tempfile.TemporaryDirectory(prefix="fanzha-wrk-") as tmp:
        script_file, listing = Path(tmp, "load.lua"), Path(tmp, "requests.txt")
        script_file.write_text(script)
        listing.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        done = subprocess.run(
            [
                *("wrk", "-t2", f"-c{clients}", f"-d{seconds:g}s", "--latency"),
                *("-s", str(script_file), f"http://127.0.0.1:{port}", "--", str(listing)),
                *args,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    elapsed = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "errors": raw["errors"] + raw["socket_errors"],
        "rps": raw["requests"] / elapsed,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
        "seconds": elapsed,
    }


async def _client(port: int, requests: list[Request], start: int, deadline: float, out: dict):  # type: ignore[no-untyped-def]
    """One keep-alive connection sending requests back to back until ``deadline``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    encoded = [
        f"GET {p} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {t}\r\n\r\n".encode()
        for p, t in requests
    ]
    n = start
    try:
        while (now := time.perf_counter()) < deadline:
            writer.write(encoded[n % len(encoded)])
            n += 1
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            out["lat"].append(time.perf_counter() - now)
            out["ok" if status == 200 else "bad"] += 1
    finally:
        writer.close()


def run_python(port: int, requests: list[Request], seconds: float, clients: int) -> dict:
    """Drive the server from this process with asyncio clients for ``seconds``."""
    out: dict = {"lat": [], "ok": 0, "bad": 0}

    async def main() -> None:
        deadline = time.perf_counter() + seconds
        step = max(1, len(requests) // clients)
        await asyncio.gather(
            *(_client(port, requests, k * step, deadline, out) for k in range(clients))
        )

    start = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - start
    lat = sorted(out["lat"])
    return {
        "requests": len(lat),
        "errors": out["bad"],
        "rps": len(lat) / elapsed,
        "p50_ms": 1000 * lat[len(lat) // 2],
        "p99_ms": 1000 * lat[int(len(lat) * 0.99)],
        "mean_ms": 1000 * statistics.fmean(lat),
        "seconds": elapsed,
    }


def run_generator(
    generator: str, port: int, requests: list[Request], seconds: float, clients: int
) -> dict:
    """One run of ``generator`` ("wrk" or "python", the latter in a child process)."""
    if generator == "wrk":
        return run_wrk(port, requests, seconds, clients)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as listing:
        json.dump(requests, listing)
    try:
        done = subprocess.run(
            [sys.executable, __file__, str(port), listing.name, str(seconds), str(clients)],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(listing.name)
    return json.loads(done.stdout)


# ---------------------------------------------------------------- CPU accounting


def process_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by ``pids`` (vanished ones count 0)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / _TICK, sum(values[:8]) / _TICK


def children_cpu() -> float:
    """CPU seconds used by this process's finished children (the generators)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuSnapshot:
    """CPU counters at one moment: server tree, database backends, generators, machine."""

    server: float
    database: float
    generator: float
    busy: float
    total: float

    @classmethod
    def take(cls, server_pids: list[int], db_pids: list[int]) -> CpuSnapshot:
        """The counters now."""
        busy, total = machine_busy()
        return cls(
            process_cpu(server_pids),
            process_cpu(db_pids),
            children_cpu(),
            busy,
            total,
        )

    def per_request(self, later: CpuSnapshot, requests: int, seconds: float) -> dict:
        """Microseconds of CPU per request between this snapshot and ``later``."""
        share = {
            "server_cpu_us": later.server - self.server,
            "db_cpu_us": later.database - self.database,
            "gen_cpu_us": later.generator - self.generator,
            "machine_cpu_us": later.busy - self.busy,
        }
        out = {k: 1e6 * v / max(requests, 1) for k, v in share.items()}
        # The generator is a child of this process: python's children_cpu covers it, and so
        # does wrk's. Everything not accounted above: kernel softirq, other work, PostgreSQL's
        # own background processes.
        accounted = out["server_cpu_us"] + out["db_cpu_us"] + out["gen_cpu_us"]
        out["other_cpu_us"] = out["machine_cpu_us"] - accounted
        out["idle_pct"] = 100 * (1 - (later.busy - self.busy) / max(later.total - self.total, 1e-9))
        return out


if __name__ == "__main__":
    port_arg, listing_arg, seconds_arg, clients_arg = sys.argv[1:5]
    pairs = [tuple(r) for r in json.loads(Path(listing_arg).read_text())]
    print(json.dumps(run_python(int(port_arg), pairs, float(seconds_arg), int(clients_arg))))
