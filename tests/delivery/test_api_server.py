"""The feed server as a real process, as ``fanzha serve`` runs it: logs, banner, head limit.

Findings of issue 11: #4 (tokens in the access log), #16 (no header limit, the ``server``
banner). Each test starts ``delivery.api.serve`` in its own process and reads its output.
"""

from __future__ import annotations

import re
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from fanzha.delivery.api import mint_token
from fanzha.delivery.store import init_db, open_engine

from tests.delivery.api_process import served
from tests.delivery.feed_fixtures import T0, TOKEN_KEYS, add_feed_item, write_image

pytestmark = pytest.mark.slow

ME = "C000000001"


def _store(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'fanzha.db'}"
    engine = open_engine(url)
    init_db(engine)
    add_feed_item(engine, ME, 1, created_at=T0)
    engine.dispose()
    return url


def _log(path: Path) -> str:
    time.sleep(0.3)  # the access log line is written as the answer goes out
    return path.read_text(encoding="utf-8", errors="replace")


def test_the_access_log_never_holds_a_token(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    write_image(media, (10, 20, 30))
    token = mint_token(ME, TOKEN_KEYS, timedelta(days=1), now=T0)
    log = tmp_path / "server.log"
    with served(_store(tmp_path), media, log) as base:
        bearer = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{base}/v1/feed?limit=5", headers=bearer, timeout=10).ok
        # The token in the query, where the view's link carries it, and where it does not belong.
        view = requests.get(f"{base}/app?token={token}", timeout=10, allow_redirects=False)
        assert view.status_code == 303
        requests.get(f"{base}/v1/feed?token={token}&limit=2", headers=bearer, timeout=10)
        requests.get(f"{base}/v1/feed?access_token={token}", timeout=10)
        requests.get(f"{base}/app?x=1&token={token}#frag", timeout=10, allow_redirects=False)
        requests.get(f"{base}/v1/media/{token}.png", timeout=10)
        text = _log(log)
    payload, signature = token.split(".")
    assert token not in text and payload not in text and signature not in text
    assert "token=[redacted]" in text  # the lines are there, scrubbed
    assert '"GET /v1/feed?limit=5 HTTP/1.1" 200' in text
    assert not re.search(r'[0-9.]+:[0-9]+ - "', text)  # no client address either


def test_no_server_banner_and_the_security_headers_over_http(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    write_image(media, (10, 20, 30))
    with served(_store(tmp_path), media, tmp_path / "server.log") as base:
        for path in ("/healthz", "/v1/feed", "/openapi.json", "/nowhere"):
            answer = requests.get(base + path, timeout=10)
            assert "server" not in answer.headers, path
            assert answer.headers["x-content-type-options"] == "nosniff", path
            assert answer.headers["referrer-policy"] == "no-referrer", path


def _send_head(base: str, header_bytes: int) -> tuple[bytes, int]:
    """Send a GET with one header of ``header_bytes``; the answer and how much was sent."""
    host, port = base.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
        chunk = b"a" * 65_536
        try:
            while sent < header_bytes:
                part = chunk[: header_bytes - sent]
                sock.sendall(part)
                sent += len(part)
            sock.sendall(b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: what we want
        answer = b""
        try:
            while True:
                data = sock.recv(65_536)
                if not data:
                    break
                answer += data
                if b"\r\n\r\n" in answer and b"connection: close" not in answer.lower():
                    break
        except (ConnectionResetError, TimeoutError):
            pass
    return answer, sent


def test_an_oversized_request_head_is_refused_before_it_is_read(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    with served(_store(tmp_path), media, tmp_path / "server.log") as base:
        fine, _ = _send_head(base, 12_000)
        assert fine.startswith(b"HTTP/1.1 200"), fine[:100]
        # Just over 16 KB, in one piece: the app's limit answers.
        over, _ = _send_head(base, 17_000)
        assert over.startswith(b"HTTP/1.1 431"), over[:100]
        # 64 MB: the server answers 431 and closes long before it has read it all.
        huge, sent = _send_head(base, 64 * 1024 * 1024)
        assert huge.startswith(b"HTTP/1.1 431"), huge[:100]
        assert sent < 16 * 1024 * 1024
        assert requests.get(f"{base}/healthz", timeout=10).ok  # and it still serves


def test_serve_warns_at_start_up_when_the_media_folder_is_missing_or_empty(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no-media"
    log = tmp_path / "missing.log"
    with served(_store(tmp_path), missing, log):
        pass
    assert f"media folder {missing} does not exist" in log.read_text()
    empty = tmp_path / "empty-media"
    empty.mkdir()
    log = tmp_path / "empty.log"
    with served(_store(tmp_path / "second"), empty, log):
        pass
    assert f"media folder {empty} is empty" in log.read_text()
