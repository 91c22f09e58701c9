"""Every ``FANZHA_*`` variable the settings read, and what it holds.

A plain table, apart from the settings model: command help names the variables a command
reads without loading pydantic-settings (``Settings`` fields take their descriptions from here).
"""

from __future__ import annotations

__all__ = ["KEY_FIELDS", "KEY_VARIABLES", "VARIABLES"]

# The three keys and their fields, in the order `fanzha keys generate --env` prints them.
KEY_FIELDS = {
    "FANZHA_SECRET": "secret",  # feed tokens
    "FANZHA_BACKEND_KEY": "backend_key",  # the bank's backend calling the API
    "FANZHA_WEBHOOK_SECRET": "webhook_secret",  # push gateway signatures
}
KEY_VARIABLES = tuple(KEY_FIELDS)

VARIABLES: dict[str, str] = {
    "FANZHA_DB": "store URL: sqlite:///FILE (default sqlite:///fanzha.db) or postgresql://USER@HOST/DB",
    "FANZHA_SECRET": "feed-token signing keys: KEY or ID:KEY,ID:KEY (first signs); no default",
    "FANZHA_BACKEND_KEY": "keys the bank's backend presents to the API (same format); no default",
    "FANZHA_WEBHOOK_SECRET": "keys that sign webhook pushes to the gateway (same format); no default",
    "FANZHA_GATEWAY_URL": "push gateway URL (webhook or JPush endpoint)",
    "FANZHA_GATEWAY_KIND": "push gateway protocol: webhook (default) or jpush",
    "FANZHA_GATEWAY_BATCH": "messages per gateway request, 1-1000 (default 500)",
    "FANZHA_JPUSH_APP_KEY": "JPush app key (FANZHA_GATEWAY_KIND=jpush)",
    "FANZHA_JPUSH_SECRET": "JPush master secret (FANZHA_GATEWAY_KIND=jpush)",
    "FANZHA_MEDIA_DIR": "folder of rendered card images the feed serves (default fanzha-media)",
    "FANZHA_SCHEMA": "customer schema file (default: the schema of `fanzha customers generate`)",
    "FANZHA_CONTENT": "warning library folders, separated by ':' (default: the bundled library)",
    "FANZHA_BANK_NAME": "the bank's name in Chinese copy; no default",
    "FANZHA_BANK_NAME_EN": "the bank's name in English copy; no default",
    "FANZHA_BANK_PHONE": "the bank's official service number copy may print; no default",
    "FANZHA_COOLING_OFF_DAYS": "loan cooling-off period in days, 1-365 (default 7)",
    "FANZHA_COOLING_OFF_WAIVED": "what is waived when a loan is returned within it (Chinese copy)",
    "FANZHA_COOLING_OFF_WAIVED_EN": "the same in English copy",
    "FANZHA_FEED_TTL_DAYS": "days a feed item stays in the feed, 1-3650 (default 60)",
    "FANZHA_HORIZON_DAYS": "days ahead `run` enqueues, 1-366 (default 7)",
    "FANZHA_RENDER_PROCESSES": "processes that render cards, 1-64 (default 2)",
    "FANZHA_PUBLIC_URL": "the API's public base URL, for image links in pushes and poster QR codes",
    "FANZHA_CONTROL_PCT": "percent of all customers in the global control group, 0-20 (default 0: none)",
    "FANZHA_CONTROL_EPOCH_MONTHS": "months between reshuffles of the global control group (default 3: quarterly)",
    "FANZHA_CONTROL_ANCHOR": "first day of the first control epoch, a first of a month (default 2000-01-01)",
    "FANZHA_CONTROL_RISK_PROMPTS": "whether risk prompts still reach the global control group (default true)",
}
