"""A real local push gateway for demos and tests, with fault injection.

It speaks the webhook shape of DESIGN.md (``POST /``) and a JPush-like ``POST /v3/push``,
records every message id it accepts once (it honours message ids, as a real gateway must),
counts redeliveries, and can inject latency, 5xx, 429 with Retry-After, dropped connections
and per-message rejections. ``GET /_ids`` and ``GET /_stats`` let another process ask.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from fanzha.delivery.adapters import signature_valid
from fanzha.delivery.keys import KeyRing


@dataclass(frozen=True)
class FaultSpec:
    """Which faults to inject: each rate is the chance per request (rejections: per message)."""

    latency_ms: float = 0.0
    error_rate: float = 0.0  # 500/502/503 without Retry-After
    rate_429: float = 0.0
    retry_after: float = 1.0  # seconds, sent with every 429
    drop_rate: float = 0.0  # close the connection without an answer (before or after work)
    reject_rate: float = 0.0
    seed: int = 0


class GatewayState:
    """What the gateway has seen; shared by the handler threads under one lock."""

    def __init__(self, faults: FaultSpec, keys: KeyRing | None) -> None:
        self.faults = faults
        self.keys = keys
        self.lock = threading.Lock()
        self.rng = random.Random(faults.seed)
        self.accepted: list[str] = []
        self.accepted_set: set[str] = set()
        self.rejected: dict[str, str] = {}
        self.counts = {"requests": 0, "received": 0, "duplicates": 0, "dropped": 0}
        self.statuses: dict[str, int] = {}

    def roll(self) -> tuple[str, bool]:
        """The fault for one request (``ok``, ``5xx``, ``429`` or ``drop``) and drop timing."""
        f = self.faults
        with self.lock:
            self.counts["requests"] += 1
            x, late = self.rng.random(), self.rng.random() < 0.5
        for name, rate in (("drop", f.drop_rate), ("5xx", f.error_rate), ("429", f.rate_429)):
            if x < rate:
                return name, late
            x -= rate
        return "ok", late

    def take(self, ids: list[str]) -> tuple[list[str], list[dict[str, str]]]:
        """Accept or reject each id once; a redelivered id gets its first answer again."""
        accepted, rejected = [], []
        with self.lock:
            self.counts["received"] += len(ids)
            for i in ids:
                if i in self.accepted_set:
                    self.counts["duplicates"] += 1
                    accepted.append(i)
                elif i in self.rejected:
                    self.counts["duplicates"] += 1
                    rejected.append({"id": i, "reason": self.rejected[i]})
                elif self.rng.random() < self.faults.reject_rate:
                    self.rejected[i] = "unknown_device"
                    rejected.append({"id": i, "reason": "unknown_device"})
                else:
                    self.accepted_set.add(i)
                    self.accepted.append(i)
                    accepted.append(i)
        return accepted, rejected

    def snapshot(self) -> dict[str, Any]:
        """Counters and the fault spec, for ``GET /_stats``."""
        with self.lock:
            return {
                **self.counts,
                "accepted": len(self.accepted),
                "rejected": len(self.rejected),
                "statuses": dict(self.statuses),
                "faults": asdict(self.faults),
            }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can pool connections
    # An answer is two writes (head, then body); with Nagle's algorithm the body waited for
    # the client's delayed ACK of the head: 40 ms per request on Linux, whatever the work.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the counters tell the story."""

    def _answer(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        with self.server.state.lock:
            key = str(status)
            self.server.state.statuses[key] = self.server.state.statuses.get(key, 0) + 1

    def _drop(self) -> None:
        with self.server.state.lock:
            self.server.state.counts["dropped"] += 1
        self.close_connection = True
        self.connection.close()

    def do_GET(self) -> None:
        """``/_ids``: accepted ids in order; ``/_stats``: counters; ``/healthz``."""
        state = self.server.state
        if self.path == "/_ids":
            with state.lock:
                ids = list(state.accepted)
            self._answer(200, {"accepted": ids})
        elif self.path == "/_stats":
            self._answer(200, state.snapshot())
        elif self.path == "/healthz":
            self._answer(200, {"ok": True})
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:
        """A webhook batch (``/``) or a JPush v3 push (``/v3/push``)."""
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if state.keys is not None and self.path != "/v3/push":
            if not signature_valid(state.keys, body, self.headers.get("X-Fanzha-Signature")):
                self._answer(401, {"error": "bad signature"})
                return
        fault, late = state.roll()
        if state.faults.latency_ms:
            time.sleep(state.faults.latency_ms / 1000)
        if fault == "drop" and not late:
            self._drop()
            return
        if fault == "5xx":
            self._answer(state.rng.choice((500, 502, 503)), {"error": "injected"})
            return
        if fault == "429":
            self._answer(
                429, {"error": "slow down"}, {"Retry-After": f"{state.faults.retry_after:g}"}
            )
            return
        try:
            payload = json.loads(body)
        except ValueError:
            self._answer(400, {"error": "body is not JSON"})
            return
        if self.path == "/v3/push":
            aliases = payload.get("audience", {}).get("alias", [])
            state.take([f"jpush:{a}:{payload['notification']['alert']}" for a in aliases])
            answer: dict[str, Any] = {"sendno": "0", "msg_id": str(state.counts["requests"])}
        else:
            accepted, rejected = state.take([str(m["id"]) for m in payload.get("messages", [])])
            answer = {"accepted": accepted, "rejected": rejected}
        if fault == "drop":  # the work is done but the answer is lost: the nasty case
            self._drop()
            return
        self._answer(200, answer)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: GatewayState) -> None:
        super().__init__(address, _Handler)
        self.state = state


def make_server(
    host: str = "127.0.0.1",
    port: int = 0,
    faults: FaultSpec | None = None,
    keys: KeyRing | None = None,
) -> _Server:
    """A bound, not yet serving, fake gateway (port 0 picks a free port).

    With ``keys`` (FANZHA_WEBHOOK_SECRET) it refuses, 401, a webhook batch whose signature no
    key of the ring made; without, it checks none.
    """
    state = GatewayState(faults or FaultSpec(), keys)
    return _Server((host, port), state)


def run_fake_gateway(
    host: str = "127.0.0.1",
    port: int = 8088,
    faults: FaultSpec | None = None,
    keys: KeyRing | None = None,
) -> None:
    """Serve the fake gateway until interrupted (``fanzha gateway fake``)."""
    server = make_server(host, port, faults, keys)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def gateway_ids(url: str) -> list[str]:
    """The ids a running fake gateway (in any process) has accepted, in order."""
    return list(requests.get(url.rstrip("/") + "/_ids", timeout=10).json()["accepted"])


def gateway_stats(url: str) -> dict[str, Any]:
    """The counters of a running fake gateway."""
    return dict(requests.get(url.rstrip("/") + "/_stats", timeout=10).json())


class FakeGateway:
    """The fake gateway on a free port in a background thread: ``with FakeGateway() as gw:``."""

    def __init__(
        self,
        faults: FaultSpec | None = None,
        *,
        keys: KeyRing | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self._server = make_server(host, 0, faults, keys)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://{host}:{self._server.server_address[1]}/"

    def __enter__(self) -> FakeGateway:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def accepted_ids(self) -> list[str]:
        """Every accepted id, once each, in the order first accepted."""
        with self._server.state.lock:
            return list(self._server.state.accepted)

    def stats(self) -> dict[str, Any]:
        """Requests, received, duplicates, dropped, statuses."""
        return self._server.state.snapshot()
