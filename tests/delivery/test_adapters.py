"""Webhook and JPush adapters, and the fake gateway they talk to."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from email.utils import format_datetime

import pytest
import requests
from fanzha.delivery import (
    FakeGateway,
    FaultSpec,
    JPushAdapter,
    PushPayload,
    WebhookAdapter,
    batch_key,
    sign,
    signature_valid,
)
from fanzha.delivery.adapters import parse_retry_after
from fanzha.delivery.clock import utcnow
from fanzha.delivery.errors import PermanentGatewayError, RetryableGatewayError
from fanzha.delivery.gateway_fake import gateway_ids, gateway_stats
from fanzha.delivery.keys import KeyRing, generate_key
from requests.adapters import BaseAdapter


def payloads(n: int, title: str = "t", body: str = "b") -> list[PushPayload]:
    return [PushPayload(f"m{i}", f"C{i:09d}", title, body, "", "app://feed") for i in range(n)]


NEW, OLD, RETIRED = generate_key(), generate_key(), generate_key()


def _ring(*pairs: tuple[str, str]) -> KeyRing:
    return KeyRing("FANZHA_WEBHOOK_SECRET", pairs)


ANY = _ring(("w1", generate_key()))  # a gateway that checks nothing needs no key; adapters do


def test_webhook_batches_are_signed_and_accepted_once() -> None:
    keys = _ring(("w1", NEW))
    with FakeGateway(keys=keys) as gw:
        adapter = WebhookAdapter(gw.url, keys)
        batch = payloads(5)
        result = adapter.send(batch, batch_key(p.id for p in batch))
        assert result.accepted == tuple(p.id for p in batch) and not result.deferred
        adapter.send(batch, batch_key(p.id for p in batch))  # a redelivery after a lost answer
        assert gw.accepted_ids() == [p.id for p in batch]
        assert gateway_ids(gw.url) == gw.accepted_ids()
        assert gateway_stats(gw.url)["duplicates"] == 5
        with pytest.raises(PermanentGatewayError, match="401"):
            WebhookAdapter(gw.url, _ring(("w1", OLD))).send(batch, "k")


def test_a_rotated_gateway_accepts_the_old_key_until_it_is_removed() -> None:
    batch = payloads(2)
    # Mid-rotation: the gateway holds the new key and the old; fanzha still signs with the old.
    with FakeGateway(keys=_ring(("w2", NEW), ("w1", OLD))) as gw:
        assert WebhookAdapter(gw.url, _ring(("w1", OLD))).send(batch, "k").accepted
        assert WebhookAdapter(gw.url, _ring(("w2", NEW), ("w1", OLD))).send(batch, "k").accepted
    # Rotation done: the old key was removed from the gateway's ring.
    with FakeGateway(keys=_ring(("w2", NEW))) as gw:
        assert WebhookAdapter(gw.url, _ring(("w2", NEW), ("w1", OLD))).send(batch, "k").accepted
        with pytest.raises(PermanentGatewayError, match="401"):
            WebhookAdapter(gw.url, _ring(("w1", OLD))).send(batch, "k")
        with pytest.raises(PermanentGatewayError, match="401"):
            WebhookAdapter(gw.url, _ring(("w0", RETIRED))).send(batch, "k")
        assert gw.accepted_ids() == [p.id for p in batch]


def test_the_adapter_signs_with_the_current_key_only() -> None:
    keys = _ring(("w2", NEW), ("w1", OLD))
    body = b'{"messages":[]}'
    assert signature_valid(_ring(("w2", NEW)), body, sign(keys.current, body))
    assert not signature_valid(_ring(("w1", OLD)), body, sign(keys.current, body))
    assert not signature_valid(keys, body, None)
    with pytest.raises(TypeError):
        WebhookAdapter("http://127.0.0.1:9/", NEW)  # type: ignore[arg-type]


def test_signature_is_the_hmac_of_the_exact_body() -> None:
    body = json.dumps({"messages": []}).encode()
    assert sign(b"k", body) == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert batch_key(["b", "a"]) == batch_key(["a", "b"]) != batch_key(["a", "c"])


@pytest.mark.parametrize(
    ("faults", "match", "after"),
    [
        (FaultSpec(rate_429=1.0, retry_after=2.5), "429", 2.5),
        (FaultSpec(error_rate=1.0), "http 50", None),
        (FaultSpec(drop_rate=1.0), "connection", None),
    ],
)
def test_gateway_faults_become_retryable_errors(
    faults: FaultSpec, match: str, after: float | None
) -> None:
    with FakeGateway(faults) as gw:
        with pytest.raises(RetryableGatewayError, match=match) as err:
            WebhookAdapter(gw.url, ANY).send(payloads(2), "k")
        if after is not None:
            assert err.value.retry_after == after


def test_a_slow_gateway_times_out_as_retryable() -> None:
    with FakeGateway(FaultSpec(latency_ms=400)) as gw:
        with pytest.raises(RetryableGatewayError, match="timeout"):
            WebhookAdapter(gw.url, ANY, timeout=(1.0, 0.1)).send(payloads(1), "k")


def test_rejections_are_per_message_and_stable() -> None:
    with FakeGateway(FaultSpec(reject_rate=1.0)) as gw:
        adapter = WebhookAdapter(gw.url, ANY)
        first = adapter.send(payloads(3), "k")
        again = adapter.send(payloads(3), "k")
        assert first.rejected == again.rejected == {f"m{i}": "unknown_device" for i in range(3)}
        assert gw.accepted_ids() == []


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("7") == 7.0
    later = format_datetime(utcnow() + timedelta(seconds=60), usegmt=True)
    assert 55 <= (parse_retry_after(later) or 0) <= 61
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


class Scripted(BaseAdapter):
    """A requests transport that answers from a script and keeps the requests."""

    def __init__(self, answers: list[tuple[int, dict[str, object], dict[str, str]]]) -> None:
        super().__init__()
        self.answers = answers
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        status, body, headers = self.answers.pop(0) if self.answers else (200, {"msg_id": "1"}, {})
        response = requests.Response()
        response.status_code, response.request = status, request
        response._content = json.dumps(body).encode()
        response.headers.update(headers)
        return response

    def close(self) -> None:
        pass


def jpush(
    answers: list[tuple[int, dict[str, object], dict[str, str]]],
) -> tuple[JPushAdapter, Scripted]:
    transport = Scripted(answers)
    session = requests.Session()
    session.mount("https://", transport)
    return JPushAdapter("appkey", "master", session=session), transport


def test_jpush_groups_identical_notifications_and_caps_aliases_at_1000() -> None:
    adapter, transport = jpush([])
    batch = payloads(2300) + payloads(3, title="other")
    result = adapter.send(batch, "ignored")
    assert len(result.accepted) == 2303
    aliases = [len(json.loads(r.body)["audience"]["alias"]) for r in transport.requests]
    assert sorted(aliases) == [3, 300, 1000, 1000]
    first = transport.requests[0]
    assert first.headers["Authorization"] == "Basic " + base64.b64encode(b"appkey:master").decode()
    sent = json.loads(first.body)
    assert sent["notification"]["ios"]["alert"] == {"title": "t", "body": "b"}
    assert sent["notification"]["android"]["extras"]["deep_link"] == "app://feed"


def test_jpush_error_codes_map_to_retry_or_reject() -> None:
    adapter, _ = jpush(
        [
            (400, {"error": {"code": 1011, "message": "cannot find user by this audience"}}, {}),
            (500, {"error": {"code": 1000, "message": "internal"}}, {}),
            (
                429,
                {"error": {"code": 2002, "message": "rate limited"}},
                {"X-Rate-Limit-Reset": "12"},
            ),
            (400, {"error": {"code": 1003, "message": "bad value"}}, {}),
        ]
    )
    groups = [payloads(1, title=t) for t in ("a", "b", "c", "d")]
    batch = [g[0].__class__(f"id-{t}", "C1", t, "b") for t, g in zip("abcd", groups)]
    result = adapter.send(batch, "k")
    assert result.rejected == {"id-a": "jpush 1011", "id-d": "jpush 1003"}
    assert result.deferred == {"id-b": "jpush 1000", "id-c": "jpush 2002"}
    assert result.retry_after == 12.0 and result.accepted == ()


def test_the_webhook_body_is_the_bytes_json_would_write() -> None:
    """The body is signed: orjson must write exactly what json.dumps wrote before it."""
    texts = [
        "",
        "plain",
        '引号"和\\反斜杠',
        "\x00\x1f\x7f\t\n",
        "\u2028\u2029😀\ufeff",
        "a/b</script>",
    ]
    batch = [PushPayload(f"m{i}", t, t, t[::-1], t, t) for i, t in enumerate(texts)]
    seen: list[bytes] = []

    class Capture(BaseAdapter):
        def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(request.body)
            response = requests.Response()
            response.status_code, response._content = 200, b'{"accepted":[]}'
            return response

        def close(self) -> None:
            pass

    adapter = WebhookAdapter("http://gateway.invalid/", ANY)
    adapter.session.mount("http://", Capture())
    adapter.send(batch, "k")
    expected = json.dumps(
        {"messages": [p.to_json() for p in batch]}, ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert seen == [expected]


def test_the_webhook_reads_proxies_from_the_environment_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.bank.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "push.internal")
    via_proxy = WebhookAdapter("https://gateway.example/", ANY)
    direct = WebhookAdapter("https://push.internal/", ANY)
    monkeypatch.delenv("HTTPS_PROXY")  # read at start: a later change is not seen
    assert via_proxy.settings["proxies"]["https"] == "http://proxy.bank.invalid:3128"
    assert "https" not in direct.settings["proxies"]
    assert not via_proxy.session.trust_env  # requests no longer reads it on every POST
    shared = requests.Session()
    assert WebhookAdapter("https://gateway.example/", ANY, session=shared).settings == {}
    assert shared.trust_env  # a session the caller passed in is left as it was
