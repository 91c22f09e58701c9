"""JPush v3 push adapter: aliases, at most 1000 per push, error codes mapped to retry/reject."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import requests
from fanzha.delivery.adapters import (
    DEFAULT_TIMEOUT,
    PushPayload,
    SendResult,
    Timeout,
    parse_retry_after,
    pooled_session,
    post,
)
from fanzha.delivery.errors import RetryableGatewayError

JPUSH_URL = "https://api.jpush.cn/v3/push"
MAX_ALIASES = 1000  # JPush's limit of aliases in one push
# JPush business error codes (docs.jiguang.cn, "Push API v3" error codes).
RETRY_CODES = frozenset({1000, 1030, 2002, 2008})  # internal error, internal timeout, rate limits
CONFIG_CODES = frozenset({1004, 1008, 2003, 2004})  # auth / app key / permission: fix, then retry
# Anything else (1002 missing param, 1003 bad value, 1005 too big, 1011 no such alias, …) is
# about the push itself: retrying will not help.


class JPushAdapter:
    """Sends pushes through JPush v3 to aliases (customer ids by default)."""

    def __init__(
        self,
        app_key: str,
        master_secret: str,
        *,
        url: str = JPUSH_URL,
        apns_production: bool = True,
        time_to_live_s: int = 86_400,
        alias_of: Callable[[str], str] = str,
        max_batch: int = MAX_ALIASES,
        timeout: Timeout = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.url = url
        self.auth = (app_key, master_secret)
        self.apns_production = apns_production
        self.time_to_live_s = time_to_live_s
        self.alias_of = alias_of
        self.max_batch = max_batch
        self.timeout = timeout
        self.session = session or pooled_session()

    def request_body(self, group: Sequence[PushPayload]) -> dict[str, object]:
        """The v3 push body for payloads that share one notification."""
        first = group[0]
        extras = {"deep_link": first.deep_link, "image_url": first.image_url}
        return {
            "platform": "all",
            "audience": {"alias": [self.alias_of(p.customer_id) for p in group]},
            "notification": {
                "alert": first.body,
                "android": {"alert": first.body, "title": first.title, "extras": extras},
                "ios": {"alert": {"title": first.title, "body": first.body}, "extras": extras},
            },
            "options": {
                "apns_production": self.apns_production,
                "time_to_live": self.time_to_live_s,
            },
        }

    def send(self, batch: Sequence[PushPayload], idempotency_key: str) -> SendResult:
        """One push per distinct notification and per 1000 aliases; outcomes per message."""
        del idempotency_key  # JPush has no caller-chosen idempotency key (see module notes)
        groups: dict[tuple[str, str, str, str], list[PushPayload]] = defaultdict(list)
        for payload in batch:
            groups[(payload.title, payload.body, payload.image_url, payload.deep_link)].append(
                payload
            )
        accepted: list[str] = []
        rejected: dict[str, str] = {}
        deferred: dict[str, str] = {}
        retry_after: float | None = None
        for members in groups.values():
            for start in range(0, len(members), MAX_ALIASES):
                chunk = members[start : start + MAX_ALIASES]
                ids = [p.id for p in chunk]
                try:
                    outcome, reason, after = self._push(chunk)
                except RetryableGatewayError as exc:
                    outcome, reason, after = "retry", str(exc), exc.retry_after
                if outcome == "ok":
                    accepted.extend(ids)
                elif outcome == "reject":
                    rejected.update(dict.fromkeys(ids, reason))
                else:
                    deferred.update(dict.fromkeys(ids, reason))
                    if after is not None:
                        retry_after = max(retry_after or 0.0, after)
        return SendResult(tuple(accepted), rejected, deferred, retry_after)

    def _push(self, chunk: Sequence[PushPayload]) -> tuple[str, str, float | None]:
        response = post(
            self.session,
            self.url,
            self.timeout,
            check=False,
            json=self.request_body(chunk),
            auth=self.auth,
        )
        status = response.status_code
        if status == 200:
            return "ok", "", None
        try:
            error = response.json().get("error", {})
            code = int(error.get("code", 0))
        except (ValueError, AttributeError, TypeError):
            code = 0
        reason = f"jpush {code or status}"
        after = parse_retry_after(
            response.headers.get("Retry-After") or response.headers.get("X-Rate-Limit-Reset")
        )
        if status == 429 or status >= 500 or code in RETRY_CODES or code in CONFIG_CODES:
            return "retry", reason, after
        return "reject", reason, None

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()
