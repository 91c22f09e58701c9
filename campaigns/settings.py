"""Settings, read once at start-up from the environment (and overridden by CLI flags)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from fanzha.campaigns.errors import SettingsError
from fanzha.delivery.keys import KeyRing

DEV_SECRET = "fanzha-dev-secret-change-me"  # noqa: S105 - dev default; serve warns


@dataclass(frozen=True)
class Settings:
    """Everything fanzha reads from its environment."""

    db_url: str = "sqlite:///fanzha.db"
    secret: str = DEV_SECRET
    secret_id: str = "k1"  # noqa: S105 - a key id, not a secret
    old_secrets: Mapping[str, str] = field(default_factory=dict)
    backend_key: str = "fanzha-dev-backend-key"
    webhook_secret: str = ""
    gateway_url: str | None = None
    gateway_kind: str = "webhook"
    gateway_batch: int = 500
    jpush_app_key: str = ""
    jpush_secret: str = ""
    media_dir: Path = Path("fanzha-media")
    schema_path: Path | None = None
    content_paths: tuple[Path, ...] = ()
    bank_name: str = "新市民银行"
    bank_name_en: str = "Xinmin Bank"
    bank_phone: str = "95500"
    cooling_off_days: int = 7
    cooling_off_waived: str = "利息和手续费"
    cooling_off_waived_en: str = "interest and fees"
    feed_ttl: timedelta = timedelta(days=60)
    horizon: timedelta = timedelta(days=7)
    render_processes: int = 2
    font_path: Path | None = None
    public_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``FANZHA_*`` variables; unknown values are errors, not guesses."""
        env = os.environ if env is None else env
        base = cls()
        try:
            return replace(
                base,
                db_url=env.get("FANZHA_DB", base.db_url),
                secret=env.get("FANZHA_SECRET", base.secret),
                secret_id=env.get("FANZHA_SECRET_ID", base.secret_id),
                old_secrets=_pairs(env.get("FANZHA_OLD_SECRETS", "")),
                backend_key=env.get("FANZHA_BACKEND_KEY", base.backend_key),
                webhook_secret=env.get("FANZHA_WEBHOOK_SECRET", base.webhook_secret),
                gateway_url=env.get("FANZHA_GATEWAY_URL") or None,
                gateway_kind=env.get("FANZHA_GATEWAY_KIND", base.gateway_kind),
                gateway_batch=int(env.get("FANZHA_GATEWAY_BATCH", base.gateway_batch)),
                jpush_app_key=env.get("FANZHA_JPUSH_APP_KEY", ""),
                jpush_secret=env.get("FANZHA_JPUSH_SECRET", ""),
                media_dir=Path(env.get("FANZHA_MEDIA_DIR", str(base.media_dir))),
                schema_path=_path(env.get("FANZHA_SCHEMA")),
                content_paths=tuple(
                    Path(p) for p in env.get("FANZHA_CONTENT", "").split(os.pathsep) if p
                ),
                bank_name=env.get("FANZHA_BANK_NAME", base.bank_name),
                bank_name_en=env.get("FANZHA_BANK_NAME_EN", base.bank_name_en),
                bank_phone=env.get("FANZHA_BANK_PHONE", base.bank_phone),
                cooling_off_days=int(env.get("FANZHA_COOLING_OFF_DAYS", base.cooling_off_days)),
                cooling_off_waived=env.get("FANZHA_COOLING_OFF_WAIVED", base.cooling_off_waived),
                cooling_off_waived_en=env.get(
                    "FANZHA_COOLING_OFF_WAIVED_EN", base.cooling_off_waived_en
                ),
                feed_ttl=timedelta(days=int(env.get("FANZHA_FEED_TTL_DAYS", base.feed_ttl.days))),
                horizon=timedelta(days=int(env.get("FANZHA_HORIZON_DAYS", base.horizon.days))),
                render_processes=int(env.get("FANZHA_RENDER_PROCESSES", base.render_processes)),
                font_path=_path(env.get("FANZHA_FONT")),
                public_url=env.get("FANZHA_PUBLIC_URL", base.public_url),
            )
        except ValueError as exc:
            raise SettingsError(f"a FANZHA_* setting is not a number: {exc}") from None

    def secrets(self) -> dict[str, str]:
        """Token signing keys by id, the current one first."""
        return {self.secret_id: self.secret, **dict(self.old_secrets)}

    def token_keys(self) -> KeyRing:
        """FANZHA_SECRET as a key ring (refused when unset, weak or a published value)."""
        text = self.secret
        if ":" not in text:  # one bare key: named by FANZHA_SECRET_ID, older keys after it
            text = ",".join(f"{k}:{v}" for k, v in self.secrets().items())
        return KeyRing.parse("FANZHA_SECRET", text)

    def backend_keys(self) -> KeyRing:
        """FANZHA_BACKEND_KEY as a key ring."""
        return KeyRing.parse("FANZHA_BACKEND_KEY", self.backend_key)

    def webhook_keys(self) -> KeyRing:
        """FANZHA_WEBHOOK_SECRET as a key ring."""
        return KeyRing.parse("FANZHA_WEBHOOK_SECRET", self.webhook_secret)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _pairs(value: str) -> dict[str, str]:
    out = {}
    for item in filter(None, (v.strip() for v in value.split(","))):
        kid, sep, secret = item.partition("=")
        if not sep or not kid or not secret:
            raise SettingsError(f'FANZHA_OLD_SECRETS entry "{item}" is not KEY_ID=SECRET')
        out[kid] = secret
    return out
