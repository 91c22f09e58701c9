"""What the feed server logs: request lines and start-up notes, never a token or an address.

``redacting_log_config`` is uvicorn's logging set-up with one filter on every handler: it
replaces the value of any ``token`` query parameter, and anything shaped like a feed token,
with ``[redacted]``, and drops the client's address (personal data under PIPL; the bank's
proxy keeps its own logs).
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

REDACTED = "[redacted]"
# ?token=…, &access_token=…: the value up to the next separator.
_QUERY_SECRET = re.compile(r"(?i)((?:^|[?&;])(?:access_)?token=)[^&;#\s\"]*")
# A feed token: base64url claims, a dot, a base64url HMAC (43 characters for SHA-256).
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{40,}")


def redact(text: str) -> str:
    """``text`` with token values and token-shaped strings replaced."""
    return _TOKEN_SHAPE.sub(REDACTED, _QUERY_SECRET.sub(rf"\g<1>{REDACTED}", text))


class RedactTokens(logging.Filter):
    """Scrub tokens out of a record's message and arguments; blank the client address."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record, scrubbed."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
            if record.name == "uvicorn.access" and len(args) == 5:
                args = ("-", *args[1:])  # client address
            record.args = args
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


def redacting_log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's logging config with ``RedactTokens`` on every handler, and fanzha's own logger."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_tokens": {"()": RedactTokens}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_tokens"]
    config["formatters"]["access"]["fmt"] = '%(levelprefix)s "%(request_line)s" %(status_code)s'
    config["loggers"]["fanzha"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config
